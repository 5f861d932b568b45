// The audit log's wording in the dashboard (chat.AuditActions).

export const ACTION_LABELS = {
  'auth.login': 'Đăng nhập',
  'auth.login_failed': 'Đăng nhập thất bại',
  'agent.created': 'Tạo tài khoản',
  'agent.updated': 'Sửa tài khoản',
  'settings.updated': 'Đổi cài đặt',
  'form.updated': 'Đổi biểu mẫu',
  'bot.updated': 'Đổi trợ lý ảo',
  'privacy.updated': 'Đổi cài đặt dữ liệu cá nhân',
  'block.added': 'Chặn khách',
  'block.removed': 'Bỏ chặn',
  'contact.exported': 'Xuất dữ liệu khách',
  'contact.erased': 'Xóa dữ liệu khách',
  'retention.run': 'Tự động xóa theo thời hạn lưu trữ',
  'webhook.created': 'Thêm webhook',
  'webhook.updated': 'Sửa webhook',
  'webhook.deleted': 'Xóa webhook',
  'mail.updated': 'Đổi cài đặt email',
  'contact.relinked': 'Tách/gắn cuộc trò chuyện với khách',
};

export const ROLE_LABELS = { admin: 'Quản trị', agent: 'Nhân viên', system: 'Hệ thống', anonymous: 'Chưa đăng nhập', visitor: 'Khách' };

/** "An (Quản trị)", "an@x.vn (Chưa đăng nhập)", "Hệ thống". */
export function actorLabel(e) {
  const role = ROLE_LABELS[e.actorRole] || e.actorRole || '';
  if (!e.actorName) return role || '—';
  return role ? `${e.actorName} (${role})` : e.actorName;
}

/** A file name for an export of phone, e.g. du-lieu-0912345678.zip. */
export function exportFileName(phone) {
  return `du-lieu-${String(phone || '').replace(/\D/g, '') || 'khach'}.zip`;
}

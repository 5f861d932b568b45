// Small formatting helpers shared by the features (Vietnamese locale).

const timeFmt = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('vi-VN', {
  day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

export function parseDate(v) {
  if (!v) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "14:05" today, "21/11/2026" otherwise. */
export function formatShortTime(v, now = new Date()) {
  const d = parseDate(v);
  if (!d) return '';
  if (d.toDateString() === now.toDateString()) return timeFmt.format(d);
  return dateFmt.format(d);
}

export function formatTime(v) {
  const d = parseDate(v);
  return d ? timeFmt.format(d) : '';
}

export function formatDateTime(v) {
  const d = parseDate(v);
  return d ? dateTimeFmt.format(d) : '';
}

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const last = parts[parts.length - 1];
  return (parts.length > 1 ? parts[0][0] + last[0] : last[0]).toUpperCase();
}

export const STATUS_LABELS = {
  waiting: 'Đang chờ',
  assigned: 'Đang xử lý',
  resolved: 'Đã kết thúc',
};

/** "sản phẩm quan tâm" → "san_pham_quan_tam" (keys of custom form fields). */
export function slugify(label) {
  return String(label || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}

export function newClientId() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') {
    return 'c-' + globalThis.crypto.randomUUID();
  }
  return 'c-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

// Blocks ("Chặn khách", docs/api.md): their wording in the dashboard.

export const KIND_LABELS = {
  visitor: 'Khách (cuộc trò chuyện)',
  phone: 'Số điện thoại',
  ip: 'Địa chỉ IP / dải mạng',
};

/** How long a block lasts; every block ends (at most a year). */
export const DURATIONS = [
  { hours: 1, label: '1 giờ' },
  { hours: 24, label: '1 ngày' },
  { hours: 24 * 7, label: '7 ngày' },
  { hours: 24 * 30, label: '30 ngày' },
  { hours: 24 * 365, label: '1 năm' },
];

/** IPv4 /24 of an address (the server takes IPv6 /64 itself), for the label. */
export function networkOf(ip) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(String(ip || ''));
  return m ? `${m[1]}.${m[2]}.${m[3]}.0/24` : '';
}

/**
 * What a conversation's visitor can be blocked by: [{kind, label}], each
 * naming what it blocks (the server takes the value from the conversation).
 */
export function blockChoices(conversation) {
  const v = conversation?.visitor || {};
  const out = [{ kind: 'visitor', label: 'Chỉ cuộc trò chuyện này' }];
  if (v.phone) out.push({ kind: 'phone', label: `Số điện thoại ${v.phone}` });
  if (v.ip) {
    out.push({ kind: 'ip', label: `Địa chỉ IP ${v.ip}` });
    const n = networkOf(v.ip);
    out.push({ kind: 'network', label: n ? `Dải mạng ${n}` : 'Dải mạng của địa chỉ này' });
  }
  return out;
}

/** 'active' or 'expired' at now. */
export function blockState(b, now = Date.now()) {
  if (!b.expiresAt) return 'active';
  return new Date(b.expiresAt).getTime() > now ? 'active' : 'expired';
}

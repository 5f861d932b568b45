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

/** "05/12/2026" (dd/mm/yyyy). */
export function formatDate(v) {
  const d = parseDate(v);
  return d ? dateFmt.format(d) : '';
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

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const PRIORITY_LABELS = {
  low: 'Thấp',
  normal: 'Bình thường',
  high: 'Cao',
  urgent: 'Khẩn cấp',
};
/** urgent → 0 … low → 3 (missing: normal). */
export function priorityRank(p) {
  const i = ['urgent', 'high', 'normal', 'low'].indexOf(p || 'normal');
  return i < 0 ? 2 : i;
}

/** Tag as the server stores it: NFC, trimmed, lowercased, inner spaces collapsed. */
export function normalizeTag(s) {
  return String(s || '').normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** 90 → "1 phút 30 giây"; 3725 → "1 giờ 2 phút"; null → "—" (two most significant units). */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return '—';
  let s = Math.max(0, Math.round(Number(seconds)));
  const units = [
    [86400, 'ngày'],
    [3600, 'giờ'],
    [60, 'phút'],
    [1, 'giây'],
  ];
  const parts = [];
  for (const [size, label] of units) {
    const n = Math.floor(s / size);
    if (n > 0 || (parts.length > 0 && parts.length < 2)) {
      if (n > 0) parts.push(`${n} ${label}`);
      else parts.push(null);
      s -= n * size;
    }
    if (parts.length >= 2) break;
  }
  const out = parts.filter(Boolean);
  return out.length ? out.join(' ') : '0 giây';
}

/** 1258291 → "1,2 MB" (base 1024, one decimal with a comma, ",0" dropped). */
export function formatBytes(n) {
  const v = Number(n);
  if (!Number.isFinite(v) || v < 0) return '';
  if (v < 1024) return `${v} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let x = v / 1024;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i += 1;
  }
  let r = Math.round(x * 10) / 10;
  if (r >= 1024 && i < units.length - 1) {
    r = Math.round((r / 1024) * 10) / 10;
    i += 1;
  }
  return `${String(r).replace('.', ',')} ${units[i]}`;
}

/** Today's date in Vietnam (UTC+7) as YYYY-MM-DD. */
export function vietnamToday(now = Date.now()) {
  return new Date(now + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

/** "2026-11-22" ± days → "YYYY-MM-DD". */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

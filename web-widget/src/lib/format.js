// Small presentation helpers.

/**
 * Initials for an avatar: first letter of the first and the last word
 * ("Nguyễn Văn Bình" → "NB", "An" → "A").
 * @param {string|undefined} name
 */
export function initials(name) {
  const words = String(name || '').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  const first = [...words[0]][0] || '';
  const last = words.length > 1 ? [...words[words.length - 1]][0] || '' : '';
  return (first + last).toLocaleUpperCase('vi');
}

/**
 * "14:05" today, "21/11 14:05" on another day.
 * @param {string} iso
 * @param {Date} [now]
 */
export function formatTime(iso, now = new Date()) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  const hm = p(d.getHours()) + ':' + p(d.getMinutes());
  if (d.toDateString() === now.toDateString()) return hm;
  return p(d.getDate()) + '/' + p(d.getMonth() + 1) + ' ' + hm;
}

/**
 * Human file size, Vietnamese style: "350 KB", "1,2 MB", "10 MB".
 * @param {number} n bytes
 */
export function formatSize(n) {
  if (!(n >= 0)) return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
  return (Math.round(n / 104857.6) / 10).toString().replace('.', ',') + ' MB';
}

/** Accepts "#rgb" or "#rrggbb" only; anything else gives null. */
export function parseColor(c) {
  if (typeof c !== 'string') return null;
  const s = c.trim();
  if (/^#[0-9a-fA-F]{6}$/.test(s)) return s.toLowerCase();
  if (/^#[0-9a-fA-F]{3}$/.test(s)) return ('#' + s[1] + s[1] + s[2] + s[2] + s[3] + s[3]).toLowerCase();
  return null;
}

function luminance(hex) {
  const ch = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/** Contrast ratio of two #rrggbb colours. */
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** White or near-black, whichever reads better on `bg`. */
export function textOn(bg) {
  return contrast(bg, '#ffffff') >= 4.5 || contrast(bg, '#ffffff') >= contrast(bg, '#111827') ? '#ffffff' : '#111827';
}

function mix(hex, other, t) {
  const a = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const b = [1, 3, 5].map((i) => parseInt(other.slice(i, i + 2), 16));
  return '#' + a.map((v, i) => Math.round(v + (b[i] - v) * t).toString(16).padStart(2, '0')).join('');
}

/**
 * CSS custom properties for a brand colour: the colour, readable text on
 * it, a soft tint and a strong shade that reads on the tint (≥ 4.5:1).
 * @param {string} color #rrggbb
 */
export function palette(color) {
  const soft = mix(color, '#ffffff', 0.86);
  let strong = color;
  for (let t = 0; t <= 1 && contrast(strong, soft) < 4.5; t += 0.1) strong = mix(color, '#000000', t);
  return {
    '--cd-primary': color,
    '--cd-on-primary': textOn(color),
    '--cd-primary-soft': soft,
    '--cd-primary-strong': strong,
  };
}

/**
 * A phone number as people read it: "0912 345 678", "024 3825 1234".
 * @param {string} p digits, as the server normalised them
 */
export function formatPhone(p) {
  const d = String(p || '');
  if (/^0[35789]\d{8}$/.test(d)) return d.replace(/(\d{4})(\d{3})(\d{3})/, '$1 $2 $3');
  if (/^02\d{9}$/.test(d)) return d.replace(/(\d{3})(\d{4})(\d{4})/, '$1 $2 $3');
  return d;
}

/**
 * When support opens, in Vietnam time: "08:00 Thứ Bảy, 05/12".
 * @param {string} iso
 * @param {string} lang
 */
export function formatOpening(iso, lang) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'Asia/Ho_Chi_Minh', weekday: 'long', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(d);
}

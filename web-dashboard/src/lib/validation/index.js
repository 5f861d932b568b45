// Form validation with our own Vietnamese messages. Every dashboard form is
// `noValidate`: the browser's bubbles speak the browser's language (English
// on an English browser) and cannot be styled or read by screen readers
// next to the field. The server stays the authority; its `fields` errors
// are shown in the same place.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Rules → a check returning '' or the Vietnamese message. */
export const rules = {
  required: (what) => (v) => (String(v ?? '').trim() ? '' : `Vui lòng nhập ${what}.`),
  chosen: (what) => (v) => (String(v ?? '').trim() ? '' : `Vui lòng chọn ${what}.`),
  email: () => (v) => (!String(v ?? '').trim() || EMAIL.test(String(v).trim()) ? '' : 'Email không hợp lệ, ví dụ: ban@congty.vn.'),
  minLength: (n) => (v) => (!v || [...String(v)].length >= n ? '' : `Cần ít nhất ${n} ký tự.`),
  pattern: (re, message) => (v) => (!String(v ?? '').trim() || re.test(String(v).trim()) ? '' : message),
  date: () => (v) => (!String(v ?? '').trim() || parseDmy(v) ? '' : 'Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy (ví dụ 05/12/2026).'),
};

/**
 * Checks values against schema ({field: [check, …]}): the first failing
 * check of each field gives its message. Returns {field: message}; empty
 * when all is well.
 */
export function validate(schema, values) {
  const out = {};
  for (const [field, checks] of Object.entries(schema)) {
    for (const check of checks) {
      const msg = check(values[field], values);
      if (msg) {
        out[field] = msg;
        break;
      }
    }
  }
  return out;
}

export const hasErrors = (errors) => Object.keys(errors || {}).length > 0;

/**
 * "05/12/2026" (also 5/12/2026, 05-12-2026, 05.12.2026) → "2026-12-05";
 * null for anything else or a day that does not exist (31/02).
 */
export function parseDmy(text) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(String(text ?? ''));
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[3]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "2026-12-05" → "05/12/2026" ('' for empty or malformed). */
export function formatDmy(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso ?? ''));
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** The attributes that tie an input to its error message (see Field). */
export function fieldAria(id, error) {
  return error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : { 'aria-invalid': undefined };
}

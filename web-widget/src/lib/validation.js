// Client-side validation of the pre-chat form. It mirrors the server
// (internal/chat/form.go and phone.go) so the visitor sees the same
// messages (in the visitor's language) before a round trip; the server
// stays the authority and its per-field errors are shown the same way.

import { t } from '../i18n/index.js';

export const MAX_FIELD_VALUE_LEN = 1000;
export const MAX_TEXTAREA_LEN = 4000;

/**
 * Normalises a Vietnamese phone number as people type it ("0912 345 678",
 * "+84 912.345.678", "84912345678", "(024) 3825 1234") to its national form.
 * Mobiles: 10 digits starting 03/05/07/08/09; landlines: 11 digits starting 02.
 * @param {string} input
 * @returns {string|null} the normalised number or null when invalid
 */
export function normalizePhone(input) {
  let s = String(input).trim();
  const plus = s.startsWith('+');
  if (plus) s = s.slice(1);
  if (!/^[0-9 .\-()]*$/.test(s)) return null;
  let d = s.replace(/[^0-9]/g, '');
  if (d.startsWith('84') && (plus || d.length === 11 || d.length === 12)) d = '0' + d.slice(2);
  else if (plus) return null;
  if (/^0[35789][0-9]{8}$/.test(d)) return d;
  if (/^02[0-9]{9}$/.test(d)) return d;
  return null;
}

function lowerFirst(s) {
  const c = [...s];
  if (!c.length) return s;
  return c[0].toLowerCase() + c.slice(1).join('');
}

/** @param {{type: string, label: string}} f */
export function requiredMessage(f) {
  if (f.type === 'checkbox') return t('needTick');
  return t(f.type === 'select' ? 'needChoice' : 'needText', { label: lowerFirst(f.label) });
}

/**
 * @typedef {{key: string, label: string, type: string, required?: boolean, options?: string[]}} FormField
 */

/**
 * Validates one value; returns an error message or ''.
 * @param {FormField} f
 * @param {string|boolean|undefined} raw
 */
export function validateField(f, raw) {
  if (f.type === 'checkbox') {
    return f.required && raw !== true ? requiredMessage(f) : '';
  }
  const s = typeof raw === 'string' ? raw.trim() : '';
  if (!s) return f.required ? requiredMessage(f) : '';
  const limit = f.type === 'textarea' ? MAX_TEXTAREA_LEN : MAX_FIELD_VALUE_LEN;
  if ([...s].length > limit) return t('tooLong', { n: limit });
  if (f.type === 'phone' && !normalizePhone(s)) return t('badPhone');
  if (f.type === 'select' && !(f.options || []).includes(s)) return t('badChoice');
  return '';
}

/**
 * Validates the whole form.
 * @param {FormField[]} fields
 * @param {Record<string, string|boolean>} values
 * @returns {{errors: Record<string,string>, payload: Record<string,string|boolean>}}
 */
export function validateForm(fields, values) {
  /** @type {Record<string,string>} */
  const errors = {};
  /** @type {Record<string,string|boolean>} */
  const payload = {};
  for (const f of fields) {
    const v = values[f.key];
    const err = validateField(f, v);
    if (err) errors[f.key] = err;
    if (f.type === 'checkbox') payload[f.key] = v === true;
    else if (typeof v === 'string' && v.trim()) payload[f.key] = v.trim();
  }
  return { errors, payload };
}

/**
 * The fields the form still asks: those the page gave no answer for
 * (ChatDesk.setUser, setFields), and those whose answer is invalid.
 * @param {FormField[]} fields
 * @param {Record<string, string|boolean>} known
 */
export const toAsk = (fields, known) => fields.filter((f) => !(f.key in known) || validateField(f, known[f.key]));

// Canned-reply variables: "{ten_khach}", "{sdt}", "{ten_nhan_vien}" and the
// keys of the pre-chat form fields, filled from the open conversation when
// a reply is inserted. A variable that is unknown, or known but empty for
// this visitor, stays as written and is reported, so that the composer can
// flag it and refuse to send "{...}" to a customer.

/** A variable as written in a reply: braces around a lowercase key. */
const VARIABLE = /\{([a-z][a-z0-9_]{0,39})\}/g;

/** The built-in variables, with the Vietnamese label shown in the help. */
export const BUILTIN_VARIABLES = [
  { name: 'ten_khach', label: 'Tên khách' },
  { name: 'sdt', label: 'Số điện thoại của khách' },
  { name: 'ten_nhan_vien', label: 'Tên của bạn' },
];

function answerValue(a) {
  if (a.type === 'checkbox') return a.value === true || a.value === 'true' ? 'Có' : 'Không';
  return a.value === null || a.value === undefined ? '' : String(a.value).trim();
}

/**
 * The values of the variables for a conversation and the agent writing:
 * name → text ('' when the visitor left it empty). Form answers come first
 * so that the built-in names win over a form field with the same key.
 */
export function cannedValues(conversation, agentName) {
  const values = {};
  for (const a of conversation?.answers || []) {
    if (a && a.key) values[a.key] = answerValue(a);
  }
  const v = conversation?.visitor || {};
  values.ten_khach = String(v.name || '').trim();
  values.sdt = String(v.phone || '').trim();
  values.ten_nhan_vien = String(agentName || '').trim();
  return values;
}

/**
 * Fills the variables of text from values. Returns the filled text and the
 * problems, each once, in order of appearance: `unknown` (no such
 * variable) and `empty` (known, but no value for this visitor). Those stay
 * in the text as written.
 */
export function fillCannedVariables(text, values) {
  const unknown = [];
  const empty = [];
  const filled = String(text || '').replace(VARIABLE, (whole, name) => {
    if (!Object.prototype.hasOwnProperty.call(values || {}, name)) {
      if (!unknown.includes(name)) unknown.push(name);
      return whole;
    }
    const v = values[name];
    if (!v) {
      if (!empty.includes(name)) empty.push(name);
      return whole;
    }
    return v;
  });
  return { text: filled, unknown, empty };
}

/** The variables still written as "{name}" in text (each once): what blocks sending. */
export function unfilledVariables(text) {
  const out = [];
  for (const m of String(text || '').matchAll(VARIABLE)) {
    if (!out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

// Pure helpers for the pre-chat form editor.

export const FIELD_TYPES = [
  ['text', 'Văn bản ngắn'],
  ['textarea', 'Đoạn văn'],
  ['phone', 'Số điện thoại'],
  ['select', 'Danh sách chọn'],
  ['checkbox', 'Ô đánh dấu'],
];

export function sortFields(items) {
  return [...items].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

/** Moves the field at index by delta (-1 up, +1 down); returns the new key order or null. */
export function moveKey(fields, index, delta) {
  const j = index + delta;
  if (index < 0 || j < 0 || j >= fields.length) return null;
  const keys = fields.map((f) => f.key);
  [keys[index], keys[j]] = [keys[j], keys[index]];
  return keys;
}

/** "Một\nHai, Ba" → ["Một","Hai","Ba"] */
export function parseOptions(text) {
  return String(text || '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .filter((v, i, a) => a.indexOf(v) === i);
}

/** The body sent to POST/PUT (key and builtin are ignored by PUT). */
export function fieldBody(f) {
  return {
    key: f.key,
    label: f.label.trim(),
    type: f.type,
    required: !!f.required,
    options: f.type === 'select' ? f.options || [] : [],
    order: f.order ?? 0,
    enabled: f.enabled !== false,
  };
}

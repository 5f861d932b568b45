// Pure logic of the "/" canned-reply picker in the composer.

function fold(s) {
  return String(s || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

/**
 * The "/query" being typed at the caret: `/` at the start of a word (start of
 * the text or after whitespace) followed by non-space characters up to the caret.
 * Returns {start, query} (start = index of "/") or null.
 */
export function findSlashQuery(text, caret = String(text || '').length) {
  const s = String(text || '');
  const before = s.slice(0, caret);
  const m = /(^|\s)\/([^\s/]*)$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2].length - 1, query: m[2] };
}

/**
 * Replies matching the query: shortcut prefix first, then shortcut or title
 * containing it (case- and diacritics-insensitive). Empty query: all of them.
 */
export function filterCanned(items, query, limit = 8) {
  const q = fold(query).trim();
  const list = items || [];
  if (!q) return list.slice(0, limit);
  const scored = [];
  list.forEach((r, i) => {
    const sc = fold(r.shortcut);
    const ti = fold(r.title);
    let score = -1;
    if (sc.startsWith(q)) score = 0;
    else if (sc.includes(q)) score = 1;
    else if (ti.includes(q)) score = 2;
    if (score >= 0) scored.push({ r, score, i });
  });
  scored.sort((a, b) => a.score - b.score || a.i - b.i);
  return scored.slice(0, limit).map((x) => x.r);
}

/** Replaces text[start, caret) (the "/query") by the reply's text; returns {text, caret}. */
export function insertCanned(text, start, caret, replyText) {
  const s = String(text || '');
  const after = s.slice(caret);
  const ins = String(replyText || '');
  const next = s.slice(0, start) + ins + after;
  return { text: next, caret: start + ins.length };
}

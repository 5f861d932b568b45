// Links in message text: http(s) URLs and bare www. names only. The text
// is split into strings and {href, text} parts rendered as text nodes and
// <a> elements: nothing is ever interpreted as HTML, and other schemes
// (javascript:, data:, mailto:...) stay plain text. (The widget has the same
// rule in web-widget/src/lib/links.js.)

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;

/**
 * @param {string} text
 * @returns {Array<string | {href: string, text: string}>}
 */
export function linkify(text) {
  const s = String(text ?? '');
  const out = [];
  let at = 0;
  for (const m of s.matchAll(URL_RE)) {
    let u = m[0];
    // Sentence punctuation after a link is not part of it; a ")" is when
    // the link opened one ("…/Phở_(món_ăn)").
    while (/[.,;:!?'")\]}]$/.test(u) && !(u.endsWith(')') && u.split('(').length > u.split(')').length - 1)) u = u.slice(0, -1);
    const href = /^www\./i.test(u) ? `https://${u}` : u;
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(href).protocol) && u.length > 4;
    } catch {
      /* not a URL: text */
    }
    if (!ok) continue;
    if (m.index > at) out.push(s.slice(at, m.index));
    out.push({ href, text: u });
    at = m.index + u.length;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
}

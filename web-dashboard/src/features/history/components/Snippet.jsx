/** Splits a snippet into text and <mark>ed matches (marks: [start, end) in UTF-16 units, as the server sends them). */
export function snippetParts(text = '', marks = []) {
  const parts = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at || end > text.length || start >= end) continue;
    if (start > at) parts.push({ text: text.slice(at, start), mark: false });
    parts.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), mark: false });
  return parts;
}

export const MATCH_KIND_LABELS = { message: 'Tin nhắn', note: 'Ghi chú nội bộ', answer: 'Biểu mẫu' };

export function Snippet({ snippet }) {
  return (
    <span data-testid="match-snippet">
      {snippetParts(snippet?.text, snippet?.marks).map((p, i) => (p.mark
        ? <mark key={i} className="rounded bg-yellow-200 px-0.5 text-slate-900">{p.text}</mark>
        : <span key={i}>{p.text}</span>))}
    </span>
  );
}

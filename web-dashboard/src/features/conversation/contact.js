// The contact panel's pure helpers (ContactPanel.jsx).

/** Where an earlier conversation opens: the transcript once resolved, the inbox otherwise. */
export function conversationLink(c) {
  return c.status === 'resolved' ? `/history/${encodeURIComponent(c.id)}` : `/inbox/${encodeURIComponent(c.id)}`;
}

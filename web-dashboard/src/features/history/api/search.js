import { api, fetchBlob } from '../../../lib/api-client/index.js';

/**
 * GET /api/conversations?q=&status=&from=&to=&limit=&cursor=&sort= → {items, matches, next}
 * `to` may be a bare date (the whole day is included by the server).
 * matches[conversationId] lists what matched a text query: {seq, kind, at, snippet: {text, marks}}.
 */
export function searchConversations({ q, status, from, to, priority, tag, cursor, limit = 20, sort = 'created' } = {}) {
  return api.get('/conversations', { query: { q: q?.trim(), status, from, to, priority, tag: tag?.trim(), cursor, limit, sort: sort || 'created' } });
}

/** GET /api/conversations.csv with the same filters → Blob (at most 5,000 rows); sep: comma | semicolon. */
export function exportConversations({ q, status, from, to, priority, tag, sort, sep } = {}) {
  const query = new URLSearchParams();
  const all = { q: q?.trim(), status, from, to, priority, tag: tag?.trim(), sort: sort || 'created', sep };
  for (const [k, v] of Object.entries(all)) if (v) query.set(k, v);
  return fetchBlob(`/conversations.csv?${query}`);
}

import { api } from '../../../lib/api-client/index.js';

/**
 * GET /api/conversations?q=&status=&from=&to=&limit=&cursor=&sort= → {items, next}
 * `to` may be a bare date (the whole day is included by the server).
 */
export function searchConversations({ q, status, from, to, priority, tag, cursor, limit = 20, sort = 'created' } = {}) {
  return api.get('/conversations', { query: { q: q?.trim(), status, from, to, priority, tag: tag?.trim(), cursor, limit, sort: sort || 'created' } });
}

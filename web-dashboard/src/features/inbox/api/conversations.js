import { api } from '../../../lib/api-client/index.js';

/** GET /api/conversations (open ones for the inbox), following `next` up to maxPages. */
export async function listOpenConversations({ maxPages = 5, limit = 100 } = {}) {
  const items = [];
  let cursor;
  for (let page = 0; page < maxPages; page += 1) {
    const res = await api.get('/conversations', { query: { status: 'waiting,assigned', limit, cursor } });
    items.push(...(res?.items || []));
    if (!res?.next) break;
    cursor = res.next;
  }
  return items;
}

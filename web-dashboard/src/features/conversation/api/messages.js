import { api } from '../../../lib/api-client/index.js';

/** GET /api/conversations/:id/messages?after=&limit= → {items, next} */
export function listMessages(id, { after = 0, limit = 500 } = {}) {
  return api.get(`/conversations/${encodeURIComponent(id)}/messages`, { query: { after, limit } });
}

/** Every message after `after`, following `next` (full transcript). */
export async function listAllMessages(id, { after = 0, maxPages = 50 } = {}) {
  const items = [];
  let cursor = after;
  for (let page = 0; page < maxPages; page += 1) {
    const res = await listMessages(id, { after: cursor });
    items.push(...(res?.items || []));
    if (res?.next === null || res?.next === undefined || res.next === cursor) break;
    cursor = res.next;
  }
  return items;
}

/** POST /api/conversations/:id/messages {text, clientId} → {message} (REST fallback) */
export function postMessage(id, { text, clientId }) {
  return api.post(`/conversations/${encodeURIComponent(id)}/messages`, { text, clientId });
}

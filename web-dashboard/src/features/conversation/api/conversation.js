import { api } from '../../../lib/api-client/index.js';

/** GET /api/conversations/:id → {conversation, supportOnline} */
export function getConversation(id) {
  return api.get(`/conversations/${encodeURIComponent(id)}`);
}

/** POST /api/conversations/:id/read {seq} → 204 (REST fallback of conversation.read) */
export function markRead(id, seq) {
  return api.post(`/conversations/${encodeURIComponent(id)}/read`, { seq });
}

import { api } from '../../../lib/api-client/index.js';

/** PATCH /api/conversations/:id {priority?, tags?} → {conversation}; 400 with fields.priority / fields.tags */
export function patchConversation(id, body) {
  return api.patch(`/conversations/${encodeURIComponent(id)}`, body);
}

import { api } from '../../../lib/api-client/index.js';

/** GET /api/conversations/:id/notes → {items}: internal notes, agents only. */
export function listNotes(id) {
  return api.get(`/conversations/${encodeURIComponent(id)}/notes`);
}

/** POST /api/conversations/:id/notes {text, clientId} → {note} */
export function postNote(id, { text, clientId }) {
  return api.post(`/conversations/${encodeURIComponent(id)}/notes`, { text, clientId });
}

import { api } from '../../../lib/api-client/index.js';

/** GET /api/conversations/:id/contact → {contact}: the customer's other conversations and their notes (agents only). */
export function getContact(id) {
  return api.get(`/conversations/${encodeURIComponent(id)}/contact`);
}

/** POST /api/admin/conversations/:id/contact {action: 'detach'|'attach', to?} → {contact} (admins). */
export function relinkContact(id, body) {
  return api.post(`/admin/conversations/${encodeURIComponent(id)}/contact`, body);
}

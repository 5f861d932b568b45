import { api } from '../../../lib/api-client/index.js';

/** GET /api/admin/webhooks → {items: Endpoint[], events: string[]} (secrets hidden: secretHint) */
export const listWebhooks = () => api.get('/admin/webhooks');
/** POST /api/admin/webhooks → {webhook}; the answer shows a generated secret once */
export const createWebhook = (w) => api.post('/admin/webhooks', w);
/** PUT /api/admin/webhooks/:id → {webhook}; an empty secret keeps the stored one */
export const updateWebhook = (id, w) => api.put(`/admin/webhooks/${encodeURIComponent(id)}`, w);
/** DELETE /api/admin/webhooks/:id */
export const deleteWebhook = (id) => api.delete(`/admin/webhooks/${encodeURIComponent(id)}`);
/** GET /api/admin/webhooks/:id/deliveries → {items: Delivery[]} newest first */
export const listDeliveries = (id) => api.get(`/admin/webhooks/${encodeURIComponent(id)}/deliveries?limit=20`);
/** POST /api/admin/webhook-deliveries/:id/redeliver → {delivery} */
export const redeliver = (id) => api.post(`/admin/webhook-deliveries/${encodeURIComponent(id)}/redeliver`);
/** GET /api/admin/mail → {mail} (password always "", passwordSet) */
export const getMail = () => api.get('/admin/mail');
/** PUT /api/admin/mail → {mail}; an empty password keeps the stored one */
export const saveMail = (m) => api.put('/admin/mail', m);
/** GET /api/admin/identity → {identity} (the secret never: secretSet, secretHint, rotatedAt) */
export const getIdentity = () => api.get('/admin/identity');
/** PUT /api/admin/identity {verifiedOnly} → {identity} */
export const saveIdentity = (s) => api.put('/admin/identity', s);
/** POST /api/admin/identity/secret → {identity}; the only answer that carries identity.secret */
export const rotateIdentitySecret = () => api.post('/admin/identity/secret');

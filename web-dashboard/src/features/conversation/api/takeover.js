import { api } from '../../../lib/api-client/index.js';

const path = (id, step = '') => `/conversations/${encodeURIComponent(id)}/takeover${step}`;

/** GET takeover → {takeover|null, timeoutSeconds}: the pending request ("Xin nhận cuộc trò chuyện"). */
export const getTakeover = (id) => api.get(path(id));
/** POST takeover → {conversation, takeover}: ask the owner (a waiting conversation is claimed). */
export const requestTakeover = (id) => api.post(path(id));
/** POST takeover/accept|decline → {conversation}: the owner's answer. */
export const acceptTakeover = (id) => api.post(path(id, '/accept'));
export const declineTakeover = (id) => api.post(path(id, '/decline'));
/** POST takeover/cancel → {conversation}: the requester withdraws. */
export const cancelTakeover = (id) => api.post(path(id, '/cancel'));
/** POST takeover/force → {conversation}: admins only ("Nhận ngay"). */
export const forceTakeover = (id) => api.post(path(id, '/force'));

import { api, request } from '../../../lib/api-client/index.js';

const path = (id, action) => `/conversations/${encodeURIComponent(id)}/${action}`;

/** POST claim → {conversation}; 409 already_assigned when another agent won. */
export const claimConversation = (id) => api.post(path(id, 'claim'));
/** POST transfer {agentId} → {conversation}; owner or admin. */
export const transferConversation = (id, agentId) => api.post(path(id, 'transfer'), { agentId });
/** POST resolve → {conversation}; owner or admin. */
export const resolveConversation = (id, { keepalive } = {}) =>
  (keepalive ? request('POST', path(id, 'resolve'), { body: {}, keepalive: true }) : api.post(path(id, 'resolve')));
/** POST reopen → {conversation}. */
export const reopenConversation = (id) => api.post(path(id, 'reopen'));

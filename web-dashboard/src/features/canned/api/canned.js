import { api } from '../../../lib/api-client/index.js';

/** Agent scope: shared + own (GET), own only for writes. */
export const agentCannedApi = {
  list: () => api.get('/canned-replies'),
  create: (body) => api.post('/canned-replies', body),
  update: (id, body) => api.put(`/canned-replies/${encodeURIComponent(id)}`, body),
  remove: (id) => api.delete(`/canned-replies/${encodeURIComponent(id)}`),
};

/** Admin scope: the shared replies. */
export const adminCannedApi = {
  list: () => api.get('/admin/canned-replies'),
  create: (body) => api.post('/admin/canned-replies', body),
  update: (id, body) => api.put(`/admin/canned-replies/${encodeURIComponent(id)}`, body),
  remove: (id) => api.delete(`/admin/canned-replies/${encodeURIComponent(id)}`),
};

/** For the composer picker: shared ones and mine. */
export const listCannedReplies = () => agentCannedApi.list();

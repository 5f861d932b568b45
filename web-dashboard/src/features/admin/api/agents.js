import { api } from '../../../lib/api-client/index.js';

/** GET /api/admin/agents → {items:[Agent]} */
export const listAdminAgents = () => api.get('/admin/agents');
/** POST /api/admin/agents {email,name,role,password} → 201 {agent} */
export const createAgent = (body) => api.post('/admin/agents', body);
/** PATCH /api/admin/agents/:id {name?,role?,disabled?,password?} → {agent} */
export const updateAgent = (id, patch) => api.patch(`/admin/agents/${encodeURIComponent(id)}`, patch);

import { api } from '../../../lib/api-client/index.js';

/** POST /api/blocks {kind, value?, conversationId?, reason, durationHours} → {block} (any agent) */
export const addBlock = (body) => api.post('/blocks', body);
/** GET /api/admin/blocks → {items} */
export const listBlocks = () => api.get('/admin/blocks');
/** DELETE /api/admin/blocks/:id → 204 */
export const removeBlock = (id) => api.delete(`/admin/blocks/${encodeURIComponent(id)}`);

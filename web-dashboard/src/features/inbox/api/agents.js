import { api } from '../../../lib/api-client/index.js';

/** GET /api/agents → {items:[{id,name,role,online,status}]} */
export function listAgents() {
  return api.get('/agents');
}

/** PUT /api/agents/me/status {status: online|away} → 204 */
export function setMyStatus(status) {
  return api.put('/agents/me/status', { status });
}

import { api } from '../../../lib/api-client/index.js';

/** GET /api/admin/stats?from=YYYY-MM-DD&to=YYYY-MM-DD (Vietnam days, both included). */
export function getStats({ from, to } = {}) {
  return api.get('/admin/stats', { query: { from, to } });
}

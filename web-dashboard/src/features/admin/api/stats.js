import { api, fetchBlob } from '../../../lib/api-client/index.js';

/** GET /api/admin/stats?from=YYYY-MM-DD&to=YYYY-MM-DD (Vietnam days, both included). */
export function getStats({ from, to } = {}) {
  return api.get('/admin/stats', { query: { from, to } });
}

/** GET /api/admin/stats.csv — the same figures as a CSV file for Excel → Blob; sep: comma | semicolon. */
export function getStatsCsv({ from, to }, sep = 'comma') {
  return fetchBlob(`/admin/stats.csv?${new URLSearchParams({ from, to, sep })}`);
}

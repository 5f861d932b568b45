import { api } from '../../../lib/api-client/index.js';

/** GET /api/admin/settings → {settings} */
export const getSettings = () => api.get('/admin/settings');
/** PUT /api/admin/settings Settings → {settings} */
export const saveSettings = (settings) => api.put('/admin/settings', settings);

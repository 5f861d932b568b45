import { api } from '../../../lib/api-client/index.js';

/** GET /api/admin/bot → {bot} (apiKey always "", apiKeySet tells whether one is stored) */
export const getBot = () => api.get('/admin/bot');
/** PUT /api/admin/bot Bot → {bot}; an empty apiKey keeps the stored key */
export const saveBot = (bot) => api.put('/admin/bot', bot);

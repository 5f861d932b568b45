import { api, postBlob } from '../../../lib/api-client/index.js';

/** GET /api/admin/privacy → {privacy, notices} */
export const getPrivacy = () => api.get('/admin/privacy');
/** PUT /api/admin/privacy PrivacySettings → {privacy, notices} */
export const savePrivacy = (p) => api.put('/admin/privacy', p);
/** POST /api/admin/privacy/retention → {run} */
export const runRetention = () => api.post('/admin/privacy/retention');
/** POST /api/admin/contacts/lookup {phone} → {contact} (a phone never goes in a URL) */
export const lookupContact = (phone) => api.post('/admin/contacts/lookup', { phone });
/** POST /api/admin/contacts/export {phone} → zip */
export const exportContact = (phone) => postBlob('/admin/contacts/export', { phone });
/** POST /api/admin/contacts/erase {phone, confirm} → {erased} */
export const eraseContact = (phone, confirm) => api.post('/admin/contacts/erase', { phone, confirm });
/** GET /api/admin/audit?before=&action=&limit= → {items, next} */
export const listAudit = ({ before, action } = {}) => api.get('/admin/audit', { query: { before, action, limit: 50 } });

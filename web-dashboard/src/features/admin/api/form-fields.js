import { api } from '../../../lib/api-client/index.js';

/** GET /api/admin/form-fields → {items:[FormField]} (all, disabled too) */
export const listFormFields = () => api.get('/admin/form-fields');
/** POST /api/admin/form-fields FormField → 201 {field} */
export const createFormField = (field) => api.post('/admin/form-fields', field);
/** PUT /api/admin/form-fields/:key FormField → {field} */
export const updateFormField = (key, field) => api.put(`/admin/form-fields/${encodeURIComponent(key)}`, field);
/** DELETE /api/admin/form-fields/:key → 204 (custom fields only) */
export const deleteFormField = (key) => api.delete(`/admin/form-fields/${encodeURIComponent(key)}`);
/** PUT /api/admin/form-fields-order {keys} → {items} */
export const reorderFormFields = (keys) => api.put('/admin/form-fields-order', { keys });

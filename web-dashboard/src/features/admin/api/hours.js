import { api } from '../../../lib/api-client/index.js';

/** GET /api/admin/office-hours → {officeHours} */
export const getOfficeHours = () => api.get('/admin/office-hours');
/** PUT /api/admin/office-hours OfficeHours → {officeHours} */
export const saveOfficeHours = (hours) => api.put('/admin/office-hours', hours);

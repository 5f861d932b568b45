import { useLoader } from '../../../lib/hooks/index.js';
import { listAdminAgents } from '../api/agents.js';
import { listFormFields } from '../api/form-fields.js';
import { getSettings } from '../api/settings.js';
import { sortFields } from '../form-fields.js';

const items = (r) => r?.items || [];
const sortedItems = (r) => sortFields(r?.items || []);
const settingsOf = (r) => r?.settings || null;

export const useAdminAgents = () => useLoader(listAdminAgents, items, []);
export const useFormFields = () => useLoader(listFormFields, sortedItems, []);
export const useSettings = () => useLoader(getSettings, settingsOf, null);

export { useLoader } from './useLoader.js';
export { useSaveForm } from './useSaveForm.js';
export { useMediaQuery, PHONE } from './useMediaQuery.js';

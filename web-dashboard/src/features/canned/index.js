// Public API of the canned-replies feature: what other features (the
// conversation composer's "/" picker) may import.
export { filterCanned, findSlashQuery, insertCanned } from './canned.js';
export { cannedValues, fillCannedVariables, unfilledVariables } from './variables.js';
export { useCannedReplies } from './hooks/useCannedReplies.js';
export { CannedPicker } from './components/CannedPicker.jsx';

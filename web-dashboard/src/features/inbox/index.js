// Public API of the inbox feature: what other features may import.
export { useInbox } from './hooks/useInbox.js';

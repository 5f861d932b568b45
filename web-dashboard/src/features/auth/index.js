// Public API of the auth feature: what other features may import.
export { useAuth } from './hooks/useAuth.js';

// Public API of the auth feature: what other features may import.
export { useAuth } from './hooks/useAuth.js';
export { AvatarUpload } from './components/AvatarUpload.jsx';
export { updateMe } from './update-me.js';

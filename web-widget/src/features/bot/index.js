// Public API of the bot feature: what other features may import.
export { Handoff } from './Handoff.jsx';

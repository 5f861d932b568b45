// Public API of the rating feature: what other features may import.
export { Rating } from './Rating.jsx';

// Public API of the abuse feature (blocks): the conversation view's
// "Chặn khách" panel. The admin page is lazy-loaded by the router.
export { BlockVisitor } from './components/BlockVisitor.jsx';

// Public API of the conversation feature: what other features (the history
// transcript) may import.
export { getConversation } from './api/conversation.js';
export { listAllMessages } from './api/messages.js';
export { MessageList } from './components/MessageList.jsx';
export { VisitorPanel } from './components/VisitorPanel.jsx';
export { ContactPanel } from './components/ContactPanel.jsx';
export { PendingResolveBar, pendingResolves } from './components/PendingResolveBar.jsx';
export { usePendingResolves } from './pending-resolve.js';

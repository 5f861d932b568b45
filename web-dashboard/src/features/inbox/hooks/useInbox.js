import { createContext, useContext } from 'react';

export const InboxContext = createContext(null);

/** {state, me, unread, dispatch, reloadConversations, setAvailability, markReadLocal, upsertConversation} */
export function useInbox() {
  const ctx = useContext(InboxContext);
  if (!ctx) throw new Error('useInbox outside InboxProvider');
  return ctx;
}

import { useEffect, useRef, useState } from 'react';
import { ChatClient } from '../../lib/connection/client.js';
import { currentPage, onNavigate } from '../../lib/page.js';

/**
 * Runs one ChatClient for the visitor's session and exposes its snapshot.
 * A new token (new conversation, another tab's session) replaces the client.
 * @param {{server: string, api: import('../../lib/api.js').Api, session: any, onMessage: (m: any) => void, onUnauthorized: () => void}} opts
 */
export function useChatClient({ server, api, session, onMessage, onUnauthorized }) {
  const [state, setState] = useState({ client: null, snap: null });
  const handlers = useRef({ onMessage, onUnauthorized });
  handlers.current = { onMessage, onUnauthorized };
  const token = session && session.token;

  useEffect(() => {
    if (!session || !token) {
      setState({ client: null, snap: null });
      return undefined;
    }
    const c = new ChatClient({ server, api, token, conversationId: session.conversationId });
    if (session.conversation) c.conversation = session.conversation;
    setState({ client: c, snap: c.snapshot() });
    const offs = [
      c.on('change', (snap) => setState({ client: c, snap })),
      c.on('message', (m) => handlers.current.onMessage(m)),
      c.on('rejected', () => handlers.current.onUnauthorized()),
    ];
    const page = () => c.setPage(currentPage());
    page();
    const offNav = onNavigate(page);
    c.start();
    // Back online, or back to a tab whose socket the browser froze: connect
    // now instead of waiting out the backoff.
    const wake = () => {
      if (!document.hidden) c.wake();
    };
    // The network went away: say so now, not when the socket times out.
    const lost = () => c.lost();
    window.addEventListener('online', wake);
    window.addEventListener('offline', lost);
    document.addEventListener('visibilitychange', wake);
    return () => {
      offs.forEach((off) => off());
      offNav();
      window.removeEventListener('online', wake);
      window.removeEventListener('offline', lost);
      document.removeEventListener('visibilitychange', wake);
      c.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one client per token
  }, [token, server, api]);

  return state;
}

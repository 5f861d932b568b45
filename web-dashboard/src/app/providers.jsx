import { useEffect, useState } from 'react';
import { getRealtime } from '../lib/realtime/index.js';
import { CLOSE } from '../lib/realtime/protocol.js';
import { RealtimeContext } from '../lib/realtime/react.js';
import { ACCOUNT_DISABLED_MESSAGE, SESSION_EXPIRED_MESSAGE } from '../lib/api-client/index.js';
import { authStore } from '../features/auth/auth-store.js';
import { useAuth } from '../features/auth/hooks/useAuth.js';
import { useTokenRefresh } from '../features/auth/hooks/useTokenRefresh.js';
import { InboxProvider } from '../features/inbox/hooks/InboxProvider.jsx';

/** Starts the shared WebSocket client for the logged-in session; stops it on logout. */
function RealtimeProvider({ children }) {
  const [client] = useState(() =>
    getRealtime({
      getToken: () => authStore.token(),
      onAuthFailure: (code) =>
        authStore.logout(code === CLOSE.DISABLED ? ACCOUNT_DISABLED_MESSAGE : SESSION_EXPIRED_MESSAGE),
    }),
  );
  useEffect(() => {
    client.start();
    const online = () => client.reconnectNow();
    // The network went away: say so now, not when the socket times out.
    const offline = () => client.lost();
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      client.stop();
    };
  }, [client]);
  return <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>;
}

/** Everything a logged-in screen needs: token refresh, realtime, live inbox store. */
export function SessionProviders({ children }) {
  const { session, agent } = useAuth();
  useTokenRefresh(session);
  return (
    <RealtimeProvider>
      <InboxProvider me={agent}>{children}</InboxProvider>
    </RealtimeProvider>
  );
}

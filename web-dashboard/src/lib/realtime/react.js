import { createContext, useContext, useSyncExternalStore, useCallback } from 'react';

export const RealtimeContext = createContext(null);

/** The app-wide realtime client (null outside the protected area). */
export function useRealtime() {
  return useContext(RealtimeContext);
}

/** 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed' */
export function useRealtimeStatus() {
  const client = useRealtime();
  const subscribe = useCallback((fn) => (client ? client.on('status', fn) : () => {}), [client]);
  return useSyncExternalStore(subscribe, () => (client ? client.status : 'idle'));
}

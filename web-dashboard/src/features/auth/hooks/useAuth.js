import { useSyncExternalStore } from 'react';
import { authStore } from '../auth-store.js';

export function useAuth() {
  const { session, notice, loginNotice } = useSyncExternalStore(authStore.subscribe, authStore.getSnapshot);
  return {
    session,
    agent: session?.agent || null,
    isAdmin: session?.agent?.role === 'admin',
    notice,
    loginNotice,
    dismissLoginNotice: () => authStore.setLoginNotice(null),
    logout: authStore.logout,
  };
}

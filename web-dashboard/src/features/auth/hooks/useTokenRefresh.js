import { useEffect } from 'react';
import { authStore, refreshDelay } from '../auth-store.js';
import { refreshToken } from '../api/auth.js';
import { ERROR_CODE, SESSION_EXPIRED_MESSAGE } from '../../../lib/api-client/index.js';

/** Refreshes the JWT via POST /api/auth/refresh shortly before it expires. */
export function useTokenRefresh(session) {
  const expiresAt = session?.expiresAt;
  const token = session?.token;
  useEffect(() => {
    if (!token) return undefined;
    const delay = refreshDelay(expiresAt);
    if (delay === null) return undefined;
    let cancelled = false;
    let retry = null;
    const run = async () => {
      try {
        const res = await refreshToken();
        if (!cancelled && res?.token) authStore.setSession({ token: res.token, expiresAt: res.expiresAt, agent: res.agent });
      } catch (err) {
        if (cancelled) return;
        if (err.status === 401 || err.code === ERROR_CODE.ACCOUNT_DISABLED) {
          authStore.logout(SESSION_EXPIRED_MESSAGE);
        } else if (new Date(expiresAt).getTime() > Date.now()) {
          retry = setTimeout(run, 15000); // network blip: try again while still valid
        }
      }
    };
    const timer = setTimeout(run, delay);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (retry) clearTimeout(retry);
    };
  }, [token, expiresAt]);
}

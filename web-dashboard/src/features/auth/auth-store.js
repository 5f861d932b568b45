// Current session (token, expiry, agent), readable outside React (api client,
// realtime client) and subscribable from React (useSyncExternalStore).
const KEY = 'chatdesk.auth';

function load() {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw);
    if (!v || typeof v.token !== 'string' || !v.agent) return null;
    const exp = new Date(v.expiresAt).getTime();
    if (Number.isFinite(exp) && exp <= Date.now()) {
      globalThis.localStorage?.removeItem(KEY);
      return 'expired';
    }
    return v;
  } catch {
    return null;
  }
}

// Failed sign-ins into this account since its previous sign-in (the login
// answer's `notice`), kept until the agent dismisses it, reloads included.
const LOGIN_NOTICE_KEY = 'chatdesk.loginNotice';

function loadLoginNotice() {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(LOGIN_NOTICE_KEY) || 'null');
    return v && typeof v.message === 'string' ? v : null;
  } catch {
    return null;
  }
}

const EXPIRED_NOTICE = 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.';
const initial = load();
let state = initial === 'expired' ? { session: null, notice: EXPIRED_NOTICE, loginNotice: null } : { session: initial, notice: null, loginNotice: initial ? loadLoginNotice() : null };
const listeners = new Set();

function set(next) {
  state = { ...state, ...next };
  listeners.forEach((fn) => fn());
}

export const authStore = {
  getSnapshot: () => state,
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  token: () => state.session?.token || null,
  /** Stores {token, expiresAt, agent} from login/refresh. */
  setSession(session) {
    try {
      globalThis.localStorage?.setItem(KEY, JSON.stringify(session));
    } catch {
      /* private mode */
    }
    set({ session, notice: null });
  },
  updateAgent(agent) {
    if (!state.session) return;
    authStore.setSession({ ...state.session, agent: { ...state.session.agent, ...agent } });
  },
  logout(notice = null) {
    try {
      globalThis.localStorage?.removeItem(KEY);
    } catch {
      /* ignore */
    }
    try {
      globalThis.localStorage?.removeItem(LOGIN_NOTICE_KEY);
    } catch {
      /* ignore */
    }
    set({ session: null, notice, loginNotice: null });
  },
  clearNotice() {
    if (state.notice) set({ notice: null });
  },
  /** The failed sign-ins a login answered with (null: none). */
  setLoginNotice(notice) {
    try {
      if (notice) globalThis.localStorage?.setItem(LOGIN_NOTICE_KEY, JSON.stringify(notice));
      else globalThis.localStorage?.removeItem(LOGIN_NOTICE_KEY);
    } catch {
      /* private mode */
    }
    set({ loginNotice: notice || null });
  },
};

/** ms until the token should be refreshed (5 min before expiry, or at 80 % for short tokens). */
export function refreshDelay(expiresAt, now = Date.now()) {
  const exp = new Date(expiresAt).getTime();
  if (!Number.isFinite(exp)) return null;
  const remaining = exp - now;
  if (remaining <= 0) return 0;
  return remaining > 10 * 60 * 1000 ? remaining - 5 * 60 * 1000 : Math.floor(remaining * 0.8);
}

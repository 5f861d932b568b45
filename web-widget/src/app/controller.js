// The page-facing API (window.ChatDesk) and the bridge to the UI: what the
// page set (the panel open, the launcher hidden, the visitor it knows,
// answers for the form, resets) and the event listeners. Works before the
// UI has mounted; the UI re-reads `s` whenever it changes.

export function createController(initiallyOpen = false) {
  /** @type {{open: boolean, hidden: boolean, user: Record<string, string>, fields: Record<string, string|boolean>, resets: number}} */
  const s = { open: initiallyOpen, hidden: false, user: {}, fields: {}, resets: 0 };
  const subs = new Set();
  /** @type {Record<string, Set<Function>>} */
  const listeners = {};
  let ready = false;
  const c = {
    s,
    isOpen: () => s.open,
    /** Changes what the page set; 'open'/'close' fire when the panel does. */
    set(patch) {
      const was = s.open;
      Object.assign(s, patch);
      s.open = !!s.open;
      subs.forEach((fn) => fn());
      if (s.open !== was) c.emit(s.open ? 'open' : 'close');
    },
    /** @param {boolean} v */
    setOpen: (v) => c.set({ open: v }),
    /** @param {() => void} fn */
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
    /** A 'ready' listener added after the widget got ready is called at once. */
    on(type, fn) {
      if (typeof type === 'string' && typeof fn === 'function') {
        (listeners[type] ||= new Set()).add(fn);
        if (type === 'ready' && ready) fn();
      }
    },
    off(type, fn) {
      if (listeners[type]) listeners[type].delete(fn);
    },
    emit(type, arg) {
      if (type === 'ready') ready = true;
      for (const fn of listeners[type] || []) {
        try {
          fn(arg);
        } catch (e) {
          console.error(e);
        }
      }
    },
  };
  return c;
}

/**
 * A plain copy of what the page passed (setUser, setFields): strings (numbers
 * become strings) and booleans only, blank values left out; `keys` limits it.
 * Nothing is trimmed: a user id is signed as it is.
 * @param {any} o
 * @param {string[]} [keys]
 * @returns {Record<string, any>}
 */
export function plain(o, keys) {
  const out = {};
  for (const k of keys || Object.keys(o || {})) {
    const v = o && o[k];
    if (typeof v === 'boolean') out[k] = v;
    else if ((typeof v === 'string' || typeof v === 'number') && String(v).trim()) out[k] = String(v);
  }
  return out;
}

/**
 * window.ChatDesk (web-widget/README.md, "JavaScript API").
 * @param {Controller} c
 * @param {{load: () => any, clear: () => void}} store the visitor's session
 */
export function createPublicApi(c, store) {
  const { s } = c;
  return {
    open: () => c.setOpen(true),
    close: () => c.setOpen(false),
    toggle: () => c.setOpen(!s.open),
    isOpen: () => s.open,
    /** The launcher itself (the panel still opens with open()). */
    show: () => c.set({ hidden: false }),
    hide: () => c.set({ hidden: true }),
    /** {name, phone, email, userId, hash}: prefills the form and skips what it knows. */
    setUser(u) {
      u = plain(u, ['name', 'phone', 'email', 'userId', 'hash']);
      // Another customer signed in on this browser: neither the previous
      // one's conversation nor what the page said about them.
      const cur = store.load();
      if (cur && cur.userId && u.userId && cur.userId !== u.userId) store.clear();
      c.set({ user: s.user.userId && u.userId && s.user.userId !== u.userId ? u : { ...s.user, ...u } });
    },
    /** Answers for form fields by key, sent with the conversation. */
    setFields: (f) => c.set({ fields: { ...s.fields, ...plain(f) } }),
    /** On logout: forget the conversation and who the visitor is. */
    reset() {
      store.clear();
      c.set({ user: {}, fields: {}, resets: s.resets + 1 });
    },
    /** on('ready' | 'open' | 'close' | 'message' | 'unread', fn) */
    on: c.on,
    off: c.off,
  };
}

/**
 * Makes the calls the page queued before the script loaded (the stub of
 * the README pushes [method, arguments] to ChatDesk.q), in order.
 * @param {Record<string, Function>} api
 * @param {any} q
 */
export function replay(api, q) {
  for (const [m, a] of Array.isArray(q) ? q : []) {
    try {
      api[m].apply(api, a);
    } catch (e) {
      console.error('[chatdesk]', e);
    }
  }
}

/** @typedef {ReturnType<typeof createController>} Controller */

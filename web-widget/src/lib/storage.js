// The visitor's session (token + conversation id) in localStorage, under a
// key namespaced by the chatdesk server origin, so one site embedding two
// chatdesk servers keeps them apart. Storage may be unavailable (privacy
// modes, sandboxed frames): then the session lives in memory only.

const PREFIX = 'chatdesk:v1:';

/** @param {string} server */
export function storageKey(server) {
  let origin = server;
  try {
    origin = new URL(server).origin;
  } catch {
    /* keep as is */
  }
  return PREFIX + origin;
}

/**
 * userId: the verified customer the conversation belongs to (ChatDesk.setUser).
 * @typedef {{token: string, conversationId: string, userId?: string}} Session
 */

/**
 * @param {string} server
 * @param {Storage|null} [store]
 */
export function createSessionStore(server, store) {
  const key = storageKey(server);
  let ls = store === undefined ? null : store;
  if (store === undefined) {
    try {
      ls = globalThis.localStorage;
    } catch {
      ls = null;
    }
  }
  /** @type {Session|null} */
  let memory = null;

  /** @param {string|null} raw @returns {Session|null} */
  function parse(raw) {
    if (!raw) return null;
    try {
      const v = JSON.parse(raw);
      if (v && typeof v.token === 'string' && v.token && typeof v.conversationId === 'string' && v.conversationId) return v;
    } catch {
      /* ignore */
    }
    return null;
  }

  return {
    key,
    parse,
    /** @returns {Session|null} */
    load() {
      try {
        if (ls) return parse(ls.getItem(key));
      } catch {
        /* fall through */
      }
      return memory;
    },
    /** @param {Session} s */
    save(s) {
      memory = s;
      try {
        if (ls) ls.setItem(key, JSON.stringify(memory));
      } catch {
        /* memory only */
      }
    },
    clear() {
      memory = null;
      try {
        if (ls) ls.removeItem(key);
      } catch {
        /* ignore */
      }
    },
  };
}

// The bridge between the page-facing API (window.ChatDesk) and the UI:
// open state and event listeners. Works before the UI has mounted.

export function createController(initiallyOpen = false) {
  let open = initiallyOpen;
  const subs = new Set();
  /** @type {Record<string, Set<Function>>} */
  const listeners = {};
  return {
    isOpen: () => open,
    /** @param {boolean} v */
    setOpen(v) {
      v = !!v;
      if (v === open) return;
      open = v;
      subs.forEach((fn) => fn(open));
      this.emit(open ? 'open' : 'close');
    },
    /** @param {(open: boolean) => void} fn */
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
    on(type, fn) {
      if (typeof type === 'string' && typeof fn === 'function') (listeners[type] ||= new Set()).add(fn);
    },
    off(type, fn) {
      if (listeners[type]) listeners[type].delete(fn);
    },
    emit(type, arg) {
      for (const fn of listeners[type] || []) {
        try {
          fn(arg);
        } catch (e) {
          console.error(e);
        }
      }
    },
  };
}

/** @typedef {ReturnType<typeof createController>} Controller */

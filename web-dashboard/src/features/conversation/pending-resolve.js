// "Kết thúc" with an undo: the resolve request is sent only when the undo
// window (UNDO_MS) has passed. Nothing is resolved on the server meanwhile, so
// undoing is exact (no reopen, no "resolved" event for the visitor). Leaving
// or reloading the page ends the window: the pending resolves are sent then
// (fetch keepalive), so a reload never loses an agent's "Kết thúc".
import { useSyncExternalStore } from 'react';

export const UNDO_MS = 5000;

/** A tiny store of the resolves waiting for their undo window. */
export function createPendingResolves({ send, now = () => Date.now(), setTimer = setTimeout, clearTimer = clearTimeout, delay = UNDO_MS }) {
  let items = []; // [{ id, name, deadline }]
  const timers = new Map();
  const listeners = new Set();
  const emit = () => listeners.forEach((l) => l());
  const drop = (id) => {
    clearTimer(timers.get(id));
    timers.delete(id);
    items = items.filter((x) => x.id !== id);
    emit();
  };
  const fire = (id, opts) => {
    if (!items.some((x) => x.id === id)) return;
    drop(id);
    send(id, opts);
  };
  return {
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get: () => items,
    isPending: (id) => items.some((x) => x.id === id),
    schedule(id, name) {
      if (items.some((x) => x.id === id)) return;
      items = [...items, { id, name, deadline: now() + delay }];
      timers.set(id, setTimer(() => fire(id), delay));
      emit();
    },
    undo: drop,
    /** Sends every pending resolve now (the page is going away). */
    flush(opts) {
      for (const { id } of items) fire(id, opts);
    },
  };
}

export function usePendingResolves(store) {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

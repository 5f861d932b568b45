// A followed conversation: thread state + the realtime client. Joins with the
// gap-free seq (again after each reconnect), inserts messages by seq, dedupes
// by id, asks for a `sync` when a gap is not filled within ~2 s, and keeps
// pending local messages (by clientId) with pending/failed state and retry.
import { EVT, GAP_WAIT_MS } from './protocol.js';
import { emptyThread, addMessages, hasGap, addPending, markPending, removePending } from './thread.js';

export function createThreadFeed(client, conversationId, { onChange = () => {}, gapWaitMs = GAP_WAIT_MS, setTimeout = globalThis.setTimeout.bind(globalThis), clearTimeout = globalThis.clearTimeout.bind(globalThis) } = {}) {
  let state = emptyThread();
  let gapTimer = null;
  let disposed = false;
  const offs = [];

  const set = (next) => {
    if (next === state || disposed) return;
    state = next;
    checkGap();
    onChange(state);
  };

  function checkGap() {
    if (!hasGap(state)) {
      if (gapTimer) clearTimeout(gapTimer);
      gapTimer = null;
      return;
    }
    if (gapTimer) return;
    gapTimer = setTimeout(() => {
      gapTimer = null;
      if (!disposed && hasGap(state)) client.sync(conversationId, state.gapFreeSeq);
    }, gapWaitMs);
  }

  offs.push(client.on(EVT.MESSAGE_CREATED, (data) => {
    const m = data && data.message;
    if (m && m.conversationId === conversationId) set(addMessages(state, [m]));
  }));

  let leave = null;
  const feed = {
    get state() { return state; },
    /** Seed with messages loaded over REST, then follow live events. */
    seed(messages) { set(addMessages(state, messages)); },
    start() { if (!leave) leave = client.join(conversationId, () => state.gapFreeSeq); },
    send(text, clientId, senderName) {
      set(addPending(state, { clientId, text, senderName }));
      return client.sendMessage({ conversationId, clientId, text }).then(
        (message) => { if (message) set(addMessages(state, [message])); set(removePending(state, clientId)); return message; },
        (err) => {
          if (state.messages.some((m) => m.clientId === clientId)) { set(removePending(state, clientId)); return null; }
          set(markPending(state, clientId, 'failed', err.message || 'Gửi thất bại'));
          throw err;
        },
      );
    },
    retry(clientId) {
      const p = state.pending.find((x) => x.clientId === clientId);
      if (!p) return Promise.resolve(null);
      return feed.send(p.text, clientId, p.senderName);
    },
    discard(clientId) { set(removePending(state, clientId)); },
    dispose() {
      disposed = true;
      if (gapTimer) clearTimeout(gapTimer);
      offs.forEach((off) => off());
      if (leave) leave();
    },
  };
  return feed;
}

// The ONE WebSocket client of the dashboard. It owns the socket, the hello
// handshake, reconnects with backoff + full jitter, rejoins the conversations
// the UI follows with their gap-free seq, resends pending messages by clientId,
// and hands events to subscribers. Protocol details come from ./protocol.js.
import {
  REQ, EVT, ERROR_CODE, FATAL_CLOSE_CODES, BACKOFF_RESET_AFTER_MS,
  backoffDelay, drainDelay, encode, decode,
} from './protocol.js';

export class RealtimeError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = 'RealtimeError';
    this.code = code;
    Object.assign(this, extra);
  }
}

const OFFLINE_MESSAGE = 'Mất kết nối tới máy chủ.';

export class RealtimeClient {
  /**
   * @param {object} opts
   * @param {string|() => string} opts.url
   * @param {() => string|null} opts.getToken  agent JWT used for hello
   * @param {(code:number) => void} [opts.onAuthFailure]  CLOSE.UNAUTHORIZED / CLOSE.DISABLED → log out
   */
  constructor(opts) {
    this.opts = {
      WebSocket: globalThis.WebSocket,
      random: Math.random,
      setTimeout: (...a) => globalThis.setTimeout(...a),
      clearTimeout: (...a) => globalThis.clearTimeout(...a),
      now: () => Date.now(),
      requestTimeoutMs: 15000,
      sendTimeoutMs: 20000,
      onAuthFailure: () => {},
      ...opts,
    };
    this.status = 'idle'; // idle | connecting | ready | reconnecting | closed
    this.ws = null;
    this.attempt = 0;
    this.readyAt = 0;
    this.everReady = false;
    this.session = null;
    this.listeners = new Map();
    this.pending = new Map(); // request id → {resolve, reject, timer}
    this.outbox = new Map(); // clientId → {data, resolve, reject, timer, inflightId}
    this.joined = new Map(); // conversationId → getAfterSeq()
    this.nextId = 1;
    this.reconnectTimer = null;
    this.resetTimer = null;
    this.stopped = true;
    this.draining = false;
  }

  // ---- events -------------------------------------------------------------
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type)?.delete(fn);
  }

  emit(type, data, extra) {
    for (const fn of [...(this.listeners.get(type) || [])]) {
      try {
        fn(data, extra);
      } catch (err) {
        console.error('realtime listener failed', type, err);
      }
    }
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }

  // ---- lifecycle ------------------------------------------------------------
  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.everReady = false; // a new login is not a reconnect
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    this.failAll(new RealtimeError('closed', OFFLINE_MESSAGE), true);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      detach(ws);
      try { ws.close(1000, 'bye'); } catch { /* ignore */ }
    }
    this.setStatus('idle');
  }

  clearTimers() {
    const { clearTimeout } = this.opts;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.resetTimer) clearTimeout(this.resetTimer);
    this.reconnectTimer = null;
    this.resetTimer = null;
  }

  connect() {
    if (this.stopped) return;
    const url = typeof this.opts.url === 'function' ? this.opts.url() : this.opts.url;
    this.setStatus(this.everReady || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new this.opts.WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const token = this.opts.getToken();
      this.helloId = 'h' + this.nextId++;
      ws.send(encode(REQ.HELLO, { token, lastSeq: 0 }, this.helloId));
    };
    ws.onmessage = (ev) => this.handleFrame(ev.data);
    ws.onclose = (ev) => this.handleClose(ev.code);
    ws.onerror = () => { /* close follows */ };
  }

  handleClose(code) {
    const wasReady = this.status === 'ready';
    this.ws = null;
    this.session = null;
    const { clearTimeout } = this.opts;
    if (this.resetTimer) clearTimeout(this.resetTimer);
    this.resetTimer = null;
    // requests in flight are lost; messages stay in the outbox for a resend
    this.failAll(new RealtimeError('offline', OFFLINE_MESSAGE), false);
    if (this.stopped) return;
    if (FATAL_CLOSE_CODES.has(code)) {
      this.stopped = true;
      this.failAll(new RealtimeError(ERROR_CODE.UNAUTHORIZED, OFFLINE_MESSAGE), true);
      this.setStatus('closed');
      this.opts.onAuthFailure(code);
      return;
    }
    if (wasReady) this.emit('disconnected', { code });
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    let delay;
    if (this.draining) {
      this.draining = false;
      this.attempt = 0;
      delay = drainDelay(this.opts.random);
    } else {
      delay = backoffDelay(this.attempt, this.opts.random);
    }
    this.attempt += 1;
    this.setStatus('reconnecting');
    this.nextDelay = delay;
    this.reconnectTimer = this.opts.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /**
   * The network is gone (the browser's `offline` event): a socket notices
   * only when a write times out, many seconds later. Give it up now: the
   * status is "reconnecting" at once, and the usual reconnect follows.
   */
  lost() {
    const ws = this.ws;
    if (this.stopped || !ws) return;
    detach(ws);
    try { ws.close(4000, 'offline'); } catch { /* ignore */ }
    this.handleClose(4000);
  }

  /** Skip the wait (e.g. "Thử lại ngay" button or the browser came back online). */
  reconnectNow() {
    if (this.stopped || this.status === 'ready' || this.ws) return;
    if (this.reconnectTimer) this.opts.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.connect();
  }

  // ---- frames ---------------------------------------------------------------
  handleFrame(raw) {
    const env = decode(raw);
    if (!env) return;
    const { type, id, data } = env;

    if (type === EVT.SESSION_READY && id === this.helloId) {
      this.onReady(data);
      return;
    }
    if (id && (type === EVT.ACK || type === EVT.ERROR)) {
      if (id === this.helloId && type === EVT.ERROR) {
        this.emit('session.error', data);
        return; // the server closes the socket (CLOSE.UNAUTHORIZED / CLOSE.DISABLED)
      }
      const p = this.pending.get(id);
      if (p) {
        this.pending.delete(id);
        this.opts.clearTimeout(p.timer);
        if (type === EVT.ACK) p.resolve(data);
        else p.reject(new RealtimeError(data.code || ERROR_CODE.INTERNAL, data.message, { fields: data.fields, retryAfter: data.retryAfter }));
      }
      return;
    }
    if (type === EVT.ERROR) {
      this.emit('session.error', data);
      return;
    }
    if (type === EVT.SERVER_DRAINING) {
      this.draining = true;
      this.emit(type, data);
      if (this.ws) {
        try { this.ws.close(1000, 'draining'); } catch { /* ignore */ }
      }
      return;
    }
    if (type === EVT.SESSION_RESYNC) {
      this.resyncAll();
      this.emit(type, data);
      return;
    }
    this.emit(type, data);
  }

  onReady(data) {
    const reconnected = this.everReady;
    this.everReady = true;
    this.session = data;
    this.readyAt = this.opts.now();
    this.setStatus('ready');
    // reset the backoff only once the session has stayed up for 10 s
    this.resetTimer = this.opts.setTimeout(() => {
      this.resetTimer = null;
      this.attempt = 0;
    }, BACKOFF_RESET_AFTER_MS);
    this.emit('ready', data, { reconnected });
    for (const [conversationId, getAfterSeq] of this.joined) this.sendJoin(conversationId, getAfterSeq);
    for (const [clientId, item] of this.outbox) this.flushOutboxItem(clientId, item);
  }

  // ---- requests ---------------------------------------------------------------
  isReady() {
    return this.status === 'ready' && !!this.ws;
  }

  /** Fire-and-forget frame (no reply expected). Returns false when offline. */
  send(type, data) {
    if (!this.isReady()) return false;
    this.ws.send(encode(type, data));
    return true;
  }

  /** Request with an id; resolves with the ack data, rejects with RealtimeError. */
  request(type, data, { timeoutMs = this.opts.requestTimeoutMs } = {}) {
    if (!this.isReady()) return Promise.reject(new RealtimeError('offline', OFFLINE_MESSAGE));
    const id = 'r' + this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.opts.setTimeout(() => {
        this.pending.delete(id);
        reject(new RealtimeError('timeout', 'Máy chủ không phản hồi.'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(encode(type, data, id));
    });
  }

  failAll(err, includeOutbox) {
    for (const [id, p] of this.pending) {
      this.opts.clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
    if (includeOutbox) {
      for (const [clientId, item] of this.outbox) {
        this.opts.clearTimeout(item.timer);
        this.outbox.delete(clientId);
        item.reject(err);
      }
    }
  }

  // ---- conversations ------------------------------------------------------------
  /**
   * Follow a conversation: join now (if connected) and after every reconnect
   * with afterSeq = getAfterSeq() (the highest gap-free seq held).
   * Returns a function that leaves it.
   */
  join(conversationId, getAfterSeq) {
    this.joined.set(conversationId, getAfterSeq);
    if (this.isReady()) this.sendJoin(conversationId, getAfterSeq);
    return () => {
      if (this.joined.get(conversationId) !== getAfterSeq) return;
      this.joined.delete(conversationId);
      if (this.isReady()) this.request(REQ.CONVERSATION_LEAVE, { conversationId }).catch(() => {});
    };
  }

  sendJoin(conversationId, getAfterSeq) {
    this.request(REQ.CONVERSATION_JOIN, { conversationId, afterSeq: getAfterSeq() || 0 })
      .then((ack) => this.emit('joined', { conversationId, ...ack }))
      .catch((err) => this.emit('join.error', { conversationId, error: err }));
  }

  /** Ask for a replay after a gap or an EVT.SESSION_RESYNC. */
  sync(conversationId, afterSeq) {
    return this.request(REQ.SYNC, { conversationId, afterSeq: afterSeq || 0 }).catch(() => {});
  }

  resyncAll() {
    for (const [conversationId, getAfterSeq] of this.joined) this.sync(conversationId, getAfterSeq());
  }

  /**
   * Send a message; it stays in the outbox (keyed by clientId) until acked and
   * is resent with the same clientId after a reconnect. Rejects on an error
   * reply or when not acked within sendTimeoutMs.
   */
  sendMessage({ conversationId, clientId, text }) {
    const existing = this.outbox.get(clientId);
    if (existing) return existing.promise;
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    const item = { data: { conversationId, clientId, text }, resolve, reject, promise, inflightId: null };
    item.timer = this.opts.setTimeout(() => {
      if (this.outbox.get(clientId) !== item) return;
      this.outbox.delete(clientId);
      if (item.inflightId) this.pending.delete(item.inflightId);
      reject(new RealtimeError('timeout', 'Chưa gửi được tin nhắn.'));
    }, this.opts.sendTimeoutMs);
    this.outbox.set(clientId, item);
    if (this.isReady()) this.flushOutboxItem(clientId, item);
    return promise;
  }

  flushOutboxItem(clientId, item) {
    const id = 'm' + this.nextId++;
    item.inflightId = id;
    const done = () => {
      this.opts.clearTimeout(item.timer);
      if (this.outbox.get(clientId) === item) this.outbox.delete(clientId);
    };
    this.pending.set(id, {
      timer: null,
      resolve: (ack) => { done(); item.resolve(ack.message); },
      reject: (err) => {
        if (err.code === 'offline') return; // resent after the reconnect
        done();
        item.reject(err);
      },
    });
    this.ws.send(encode(REQ.MESSAGE_SEND, item.data, id));
  }

  typing(conversationId, typing) {
    return this.send(REQ.TYPING, { conversationId, typing });
  }

  markRead(conversationId, seq) {
    if (!this.isReady()) return Promise.resolve(false);
    return this.request(REQ.CONVERSATION_READ, { conversationId, seq }).then(() => true, () => false);
  }
}

function detach(ws) {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}

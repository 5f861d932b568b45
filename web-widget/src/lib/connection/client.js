// The widget's one real-time client: a WebSocket session per docs/protocol.md
// with resume by seq, dedupe, optimistic sends matched by clientId, backoff
// with full jitter, and a REST fallback (send + poll) for networks where the
// WebSocket cannot be opened. Everything from the outside world (WebSocket,
// fetch through `api`, timers, randomness, clock) is injected so the logic
// runs in plain Node for the unit tests.

import {
  REQ, EVT, CLOSE, ERROR_CODE, MAX_TEXT_CHARS, MAX_UPLOAD_BYTES, MSG_TOO_LARGE,
  encode, decode, wsURL, newClientId, toApiError,
} from '../protocol.js';
import { backoffDelay, DRAIN_CAP_MS, CAP_MS } from './backoff.js';
import { Transcript } from './transcript.js';

/** A session that stayed ready this long resets the backoff. */
export const HEALTHY_MS = 10_000;
/** A gap in seq not filled within this time triggers `sync`. */
export const GAP_MS = 2_000;
/** REST fallback poll interval. */
export const POLL_MS = 3_000;
/** Consecutive failed WebSocket opens before trying the REST fallback. */
export const FALLBACK_AFTER = 3;
/** While on REST, a WebSocket attempt every random(15 s, 30 s). */
export const FALLBACK_WS_RETRY_MIN_MS = 15_000;
/** Without session.ready this long after opening, the attempt has failed. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Without replay.done this long after session.ready, go on as if it came. */
export const REPLAY_TIMEOUT_MS = 15_000;
/** An unacknowledged send is shown as failed after this long. */
export const ACK_TIMEOUT_MS = 12_000;
/** Typing frames while typing: at most one per 2 s. */
export const TYPING_THROTTLE_MS = 2_000;
/** The other side's typing indicator clears itself after 6 s. */
export const TYPING_CLEAR_MS = 6_000;
/** Poll the conversation itself (status, assignee) every Nth poll. */
const POLL_CONVERSATION_EVERY = 4;

export const MSG_SEND_FAILED = 'Chưa gửi được.';
export const MSG_RATE_LIMITED = 'Bạn gửi tin nhắn quá nhanh. Vui lòng thử lại sau ít phút.';

/**
 * @typedef {'connecting'|'online'|'reconnecting'|'fallback'|'stopped'} Status
 *
 * @typedef {object} Snapshot
 * @property {Status} status
 * @property {boolean} loaded       first replay/poll has completed
 * @property {import('../protocol.js').Conversation|null} conversation
 * @property {boolean|null} supportOnline
 * @property {{name: string}|null} typing   the agent who is typing
 * @property {{code: string, message: string}|null} notice  e.g. rate limited
 * @property {Array<any>} items     stored messages then local pending ones
 *
 * @typedef {object} ClientOptions
 * @property {string} server                 http(s) origin of the chatdesk server
 * @property {string} token                  visitor token
 * @property {string} conversationId
 * @property {import('../api.js').Api} api   REST client (fallback)
 * @property {any} [WebSocket]               constructor
 * @property {(fn: () => void, ms: number) => any} [setTimeout]
 * @property {(t: any) => void} [clearTimeout]
 * @property {() => number} [random]
 * @property {() => number} [now]
 */

/**
 * Did the server itself (a JSON error with our codes, not a proxy's 404
 * page during a deploy) refuse this visitor's token or conversation?
 */
export function isTokenRejected(e) {
  if (!e) return false;
  if (e.status === 401) return e.code === ERROR_CODE.UNAUTHORIZED;
  if (e.status === 403) return e.code === ERROR_CODE.FORBIDDEN || e.code === ERROR_CODE.ACCOUNT_DISABLED;
  if (e.status === 404) return e.code === ERROR_CODE.NOT_FOUND;
  return false;
}

export class ChatClient {
  /** @param {ClientOptions} opts */
  constructor(opts) {
    this.server = opts.server;
    this.token = opts.token;
    this.conversationId = opts.conversationId;
    this.api = opts.api;
    this.WS = opts.WebSocket || globalThis.WebSocket;
    this._setTimeout = opts.setTimeout || ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = opts.clearTimeout || ((t) => globalThis.clearTimeout(t));
    this.random = opts.random || Math.random;
    this.now = opts.now || Date.now;

    this.transcript = new Transcript();
    /** @type {Status} */
    this.status = 'connecting';
    this.loaded = false;
    this.conversation = null;
    this.supportOnline = null;
    this.typing = null;
    this.notice = null;

    this.ws = null;
    this.attempt = 0; // backoff exponent
    this.failedOpens = 0; // consecutive attempts that never reached session.ready
    this.draining = false;
    this.stopped = false;
    this.fallback = false; // REST mode active
    this.restOk = false; // last REST poll succeeded
    this.replaying = false;
    this.seqReq = 0;
    /** @type {Map<string, {clientId: string, timer: any}>} send request id → pending */
    this.inflight = new Map();
    /** clientIds currently being POSTed in REST mode */
    this.restInflight = new Set();
    this.timers = {};
    this.lastTypingSent = 0;
    this.typingOn = false;
    this.readSent = 0;
    this.pollCount = 0;
    this.listeners = {};
  }

  // ---- events ------------------------------------------------------------

  /**
   * 'change' (snapshot), 'message' (a new stored message after the first
   * load), 'rejected' (the server refused the token: start over).
   */
  on(type, fn) {
    (this.listeners[type] ||= new Set()).add(fn);
    return () => this.listeners[type].delete(fn);
  }

  _emit(type, arg) {
    for (const fn of this.listeners[type] || []) {
      try {
        fn(arg);
      } catch (e) {
        // a listener's bug must not break the connection
        if (globalThis.console) console.error(e);
      }
    }
  }

  _changed() {
    this._emit('change', this.snapshot());
  }

  /** @returns {Snapshot} */
  snapshot() {
    return {
      status: this.status,
      loaded: this.loaded,
      conversation: this.conversation,
      supportOnline: this.supportOnline,
      typing: this.typing,
      notice: this.notice,
      items: this.transcript.items(),
    };
  }

  // ---- timers ------------------------------------------------------------

  _timer(name, ms, fn) {
    this._clear(name);
    this.timers[name] = this._setTimeout(() => {
      delete this.timers[name];
      fn();
    }, ms);
  }

  _clear(name) {
    if (this.timers[name] !== undefined) {
      this._clearTimeout(this.timers[name]);
      delete this.timers[name];
    }
  }

  // ---- lifecycle -----------------------------------------------------------

  start() {
    this.stopped = false;
    this._open();
  }

  /** Closes everything; the client cannot be used afterwards. */
  stop() {
    this.stopped = true;
    this.status = 'stopped';
    for (const name of Object.keys(this.timers)) this._clear(name);
    for (const r of this.inflight.values()) this._clearTimeout(r.timer);
    this.inflight.clear();
    this._closeSocket(1000);
  }

  /** Connect now instead of waiting for the backoff (e.g. browser went online). */
  wake() {
    if (this.stopped || this.ws) return;
    this._clear('reconnect');
    this._open();
  }

  _closeSocket(code) {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(code);
    } catch {
      /* already closed */
    }
  }

  _open() {
    if (this.stopped) return;
    let ws;
    try {
      ws = new this.WS(wsURL(this.server));
    } catch {
      this._onClosed(null, 1006);
      return;
    }
    this.ws = ws;
    const session = { opened: false, ready: false, helloId: 'h' + ++this.seqReq };
    ws.onopen = () => {
      session.opened = true;
      this._raw(ws, encode(REQ.HELLO, { token: this.token, lastSeq: this.transcript.lastSeq }, session.helloId));
    };
    ws.onmessage = (ev) => {
      const env = decode(ev.data);
      if (env) this._handle(session, env);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this._onClosed(session, ev && ev.code);
    };
    this._timer('hello', HELLO_TIMEOUT_MS, () => {
      if (this.ws === ws && !session.ready) {
        this._closeSocket(CLOSE.TRY_AGAIN);
        this._onClosed(session, CLOSE.TRY_AGAIN);
      }
    });
  }

  _raw(ws, frame) {
    try {
      ws.send(frame);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a frame on the ready socket; false if there is none. */
  _send(type, data, id) {
    if (!this.ws || this.status !== 'online') return false;
    return this._raw(this.ws, encode(type, data, id));
  }

  _onClosed(session, code) {
    this._clear('hello');
    this._clear('healthy');
    this._clear('gap');
    this._clear('replay');
    for (const r of this.inflight.values()) this._clearTimeout(r.timer);
    this.inflight.clear();
    this.replaying = false;
    if (this.typing) {
      this.typing = null; // nobody will send typing:false on a dead socket
      this._clear('typing');
    }
    if (this.stopped) return;
    if (code === CLOSE.UNAUTHORIZED || code === CLOSE.DISABLED || this.authFailed) {
      this._unauthorized();
      return;
    }
    const wasReady = !!(session && session.ready);
    if (!wasReady && !this.draining) this.failedOpens++;
    let delay;
    if (this.draining) {
      delay = Math.floor(this.random() * DRAIN_CAP_MS);
      this.draining = false;
    } else if (this.fallback) {
      delay = FALLBACK_WS_RETRY_MIN_MS + Math.floor(this.random() * (CAP_MS - FALLBACK_WS_RETRY_MIN_MS));
    } else {
      delay = backoffDelay(this.attempt++, this.random);
    }
    if (!this.fallback) {
      this.status = 'reconnecting';
      if (this.failedOpens >= FALLBACK_AFTER) this._probeFallback();
    }
    this._timer('reconnect', delay, () => this._open());
    this._changed();
  }

  _unauthorized() {
    this.stop();
    this._emit('rejected');
    this._changed();
  }

  // ---- frames ----------------------------------------------------------------

  _handle(session, env) {
    const d = env.data;
    switch (env.type) {
      case EVT.SESSION_READY:
        if (env.id && env.id !== session.helloId) return;
        this._onReady(session, d);
        return;
      case EVT.MESSAGE_CREATED:
        this._addMessage(d.message);
        return;
      case EVT.REPLAY_DONE:
        this._onReplayDone(d.lastSeq);
        return;
      case EVT.ACK:
        this._onAck(env.id, d);
        return;
      case EVT.ERROR:
        this._onError(session, env.id, d);
        return;
      case EVT.TYPING:
        this._onTyping(d);
        return;
      case EVT.CONVERSATION_UPDATED:
        this._setConversation(d);
        return;
      case EVT.SUPPORT_STATUS:
        this.supportOnline = !!d.online;
        this._changed();
        return;
      case EVT.SESSION_RESYNC:
        this._sync();
        return;
      case EVT.SERVER_DRAINING:
        this.draining = true;
        this._closeSocket(1000);
        this._onClosed(session, 1000);
        return;
      default:
    }
  }

  _onReady(session, d) {
    session.ready = true;
    this._clear('hello');
    this._clear('reconnect');
    this.failedOpens = 0;
    this.status = 'online';
    this.replaying = true;
    if (this.fallback) this._leaveFallback();
    if (d.conversation && typeof d.conversation === 'object') {
      this.conversation = d.conversation;
      if (d.conversation.id) this.conversationId = d.conversation.id;
    }
    if (typeof d.supportOnline === 'boolean') this.supportOnline = d.supportOnline;
    this._timer('healthy', HEALTHY_MS, () => {
      this.attempt = 0;
    });
    // Never keep pending messages waiting for a replay.done that is lost.
    this._timer('replay', REPLAY_TIMEOUT_MS, () => {
      if (this.replaying) this._onReplayDone();
    });
    this._changed();
  }

  /** @param {unknown} storedSeq highest stored seq when the replay ran */
  _onReplayDone(storedSeq) {
    const wasReplaying = this.replaying;
    if (wasReplaying) this._clear('replay');
    this.replaying = false;
    this.loaded = true;
    // The replay sent every stored message up to storedSeq: a hole below it
    // is a message the server does not have. Do not ask for it forever.
    if (typeof storedSeq === 'number') this.transcript.skipTo(storedSeq);
    if (this.transcript.hasGap()) this._armGapTimer();
    else this._clear('gap');
    if (wasReplaying) this._resendPending();
    this._changed();
  }

  _sync() {
    this._send(REQ.SYNC, { conversationId: this.conversationId, afterSeq: this.transcript.lastSeq }, 's' + ++this.seqReq);
  }

  /** A gap still open after GAP_MS is repaired with sync (or a poll). */
  _armGapTimer() {
    if (this.timers.gap !== undefined) return;
    this._timer('gap', GAP_MS, () => {
      if (!this.transcript.hasGap()) return;
      if (this.fallback) this._poll(false);
      else this._sync();
    });
  }

  /** @returns {boolean} whether the message was new */
  _addMessage(m) {
    if (!this.transcript.add(m)) return false;
    if (m.senderType !== 'visitor' && this.typing) {
      this.typing = null;
      this._clear('typing');
    }
    if (this.transcript.hasGap()) this._armGapTimer();
    else this._clear('gap');
    if (this.loaded) this._emit('message', m);
    this._changed();
    return true;
  }

  _onAck(id, d) {
    const r = id && this.inflight.get(id);
    if (!r) return;
    this._clearTimeout(r.timer);
    this.inflight.delete(id);
    if (d.message) this._addMessage(d.message);
    this.notice = null;
    this._changed();
  }

  _onError(session, id, d) {
    const err = toApiError(d);
    if (!id || id === session.helloId) {
      if (err.code === ERROR_CODE.UNAUTHORIZED || err.code === ERROR_CODE.ACCOUNT_DISABLED || err.code === ERROR_CODE.FORBIDDEN ||
        err.code === ERROR_CODE.NOT_FOUND) {
        this.authFailed = true;
      }
      return; // the server closes the socket; _onClosed decides what next
    }
    const r = this.inflight.get(id);
    if (!r) return;
    this._clearTimeout(r.timer);
    this.inflight.delete(id);
    this._sendFailed(r.clientId, err);
  }

  /** Shows a notice above the composer for `secs` seconds. */
  _notice(code, message, secs) {
    this.notice = { code, message };
    this._timer('notice', Math.min(secs, 120) * 1000, () => {
      this.notice = null;
      this._changed();
    });
    this._changed();
  }

  _sendFailed(clientId, err) {
    if (err.code === ERROR_CODE.RATE_LIMITED) {
      // The explanation goes in one notice; each message just says it failed.
      this._notice(err.code, err.message || MSG_RATE_LIMITED, err.retryAfter > 0 ? err.retryAfter : 10);
      this.transcript.mark(clientId, 'failed', MSG_SEND_FAILED);
    } else {
      this.transcript.mark(clientId, 'failed', err.message || MSG_SEND_FAILED);
    }
    this._changed();
  }

  _onTyping(d) {
    if (d.senderType === 'visitor') return;
    if (d.typing) {
      this.typing = { name: typeof d.senderName === 'string' ? d.senderName : '' };
      this._timer('typing', TYPING_CLEAR_MS, () => {
        this.typing = null;
        this._changed();
      });
    } else {
      this.typing = null;
      this._clear('typing');
    }
    this._changed();
  }

  // ---- sending -----------------------------------------------------------

  /**
   * Optimistically adds a visitor message and sends it.
   * @param {string} text
   * @returns {string|null} the clientId, or null if the text is empty
   */
  send(text) {
    const t = String(text || '').trim();
    if (!t || [...t].length > MAX_TEXT_CHARS) return null;
    const clientId = newClientId(this.random);
    this.transcript.addPending(clientId, t, new Date(this.now()).toISOString());
    if (this.typingOn) this.setTyping(false);
    this._changed();
    this._dispatch(clientId);
    return clientId;
  }

  /** Sends a failed message again with the same clientId. */
  retry(clientId) {
    if (!this.transcript.mark(clientId, 'pending')) return;
    this.notice = null;
    this._changed();
    this._dispatch(clientId);
  }

  _dispatch(clientId) {
    const p = this.transcript.pending.get(clientId);
    if (p && p.file) this._upload(clientId); // files always go over REST
    else if (this.status === 'online' && !this.replaying) this._sendWS(clientId);
    else if (this.fallback && this.restOk) this._sendREST(clientId);
    // otherwise it stays pending and goes out after the next (re)connect
  }

  _resendPending() {
    for (const p of this.transcript.toResend()) this._dispatch(p.clientId);
  }

  _sendWS(clientId) {
    const p = this.transcript.pending.get(clientId);
    if (!p) return;
    for (const r of this.inflight.values()) if (r.clientId === clientId) return;
    const id = 'm' + ++this.seqReq;
    const ws = this.ws;
    if (!this._send(REQ.MESSAGE_SEND, { conversationId: this.conversationId, clientId, text: p.text }, id)) return;
    const timer = this._setTimeout(() => {
      if (!this.inflight.has(id)) return;
      this.inflight.delete(id);
      this.transcript.mark(clientId, 'failed', MSG_SEND_FAILED);
      this._changed();
      // No answer at all: the socket may be dead without a close event.
      if (this.ws === ws && ws) {
        this._closeSocket(CLOSE.TRY_AGAIN);
        this._onClosed({ ready: true }, CLOSE.TRY_AGAIN);
      }
    }, ACK_TIMEOUT_MS);
    this.inflight.set(id, { clientId, timer });
  }

  async _sendREST(clientId) {
    const p = this.transcript.pending.get(clientId);
    if (!p || this.restInflight.has(clientId)) return;
    this.restInflight.add(clientId);
    try {
      const res = await this.api.sendMessage(this.conversationId, this.token, p.text, clientId);
      if (res && res.message) this._addMessage(res.message);
      this.notice = null;
      this._changed();
    } catch (e) {
      if (this.stopped) return;
      if (isTokenRejected(e)) this._unauthorized();
      else if (e.status === 0 || e.status >= 500) this.restOk = false; // stays pending
      else this._sendFailed(clientId, e);
    } finally {
      this.restInflight.delete(clientId);
    }
  }

  /**
   * Sends a file as a message (POST …/attachments, in every mode) with an
   * optimistic pending item that shows the upload progress.
   * @param {File} file
   * @param {string} [text] caption
   * @returns {string|null} the clientId, or null if refused before upload
   */
  sendFile(file, text = '') {
    if (!file) return null;
    if (file.size > MAX_UPLOAD_BYTES) {
      this._notice(ERROR_CODE.TOO_LARGE, MSG_TOO_LARGE, 8);
      return null;
    }
    const clientId = newClientId(this.random);
    this.transcript.addPending(clientId, text, new Date(this.now()).toISOString(), {
      file, kind: /^image\//.test(file.type) ? 'image' : 'file', attachment: { name: file.name, size: file.size }, progress: 0,
    });
    this._changed();
    this._upload(clientId);
    return clientId;
  }

  async _upload(clientId) {
    const p = this.transcript.pending.get(clientId);
    if (!p || this.restInflight.has(clientId)) return;
    this.restInflight.add(clientId);
    try {
      const res = await this.api.upload(this.conversationId, this.token, { clientId, file: p.file, text: p.text }, (progress) => {
        const cur = this.transcript.pending.get(clientId);
        if (cur && cur.progress !== progress && this.transcript.mark(clientId, 'pending', undefined, { progress })) this._changed();
      });
      if (res && res.message) this._addMessage(res.message);
    } catch (e) {
      if (this.stopped) return;
      if (isTokenRejected(e)) this._unauthorized();
      else this._sendFailed(clientId, e); // the server's reason (413/415/400) or the network; "Thử lại" re-uploads
    } finally {
      this.restInflight.delete(clientId);
    }
  }

  /** Fetches an attachment (or its thumbnail) with the visitor token. @returns {Promise<Blob>} */
  attachment(id, thumb) {
    return this.api.blob(`/api/conversations/${encodeURIComponent(this.conversationId)}/attachments/${encodeURIComponent(id)}${thumb ? '?thumb=1' : ''}`, this.token);
  }

  _setConversation(res) {
    if (res && res.conversation && typeof res.conversation === 'object') {
      this.conversation = res.conversation;
      this._changed();
    }
  }

  /** Rates the resolved conversation; rejects with the server's error. */
  async rate(stars, comment) {
    this._setConversation(await this.api.rate(this.conversationId, this.token, stars, comment));
  }

  /** Asks for a person instead of the bot; an error becomes a notice. */
  async handoff() {
    try {
      this._setConversation(await this.api.handoff(this.conversationId, this.token));
      return true;
    } catch (e) {
      if (!this.stopped) this._notice(e.code, e.message, 10);
      return false;
    }
  }

  /** Tell the agent whether the visitor is typing (throttled). */
  setTyping(on) {
    const t = this.now();
    if (on) {
      if (this.typingOn && t - this.lastTypingSent < TYPING_THROTTLE_MS) return;
      this.lastTypingSent = t;
    } else if (!this.typingOn) {
      return;
    }
    this.typingOn = on;
    if (this.status === 'online') {
      this._send(REQ.TYPING, { conversationId: this.conversationId, typing: on });
    } else if (this.fallback && this.restOk) {
      this.api.typing(this.conversationId, this.token, on).catch(() => {});
    }
  }

  /** Marks everything held as read (call while the chat is visible). */
  markRead() {
    const seq = this.transcript.maxSeq();
    if (seq <= this.readSent) return;
    if (this.status === 'online') {
      if (this._send(REQ.CONVERSATION_READ, { conversationId: this.conversationId, seq })) this.readSent = seq;
    } else if (this.fallback && this.restOk) {
      this.readSent = seq;
      this.api.read(this.conversationId, this.token, seq).catch(() => {});
    }
  }

  // ---- REST fallback -------------------------------------------------------

  /** After repeated failed opens: switch to REST if REST works. */
  async _probeFallback() {
    if (this.probing || this.fallback) return;
    this.probing = true;
    try {
      const ok = await this._poll(true);
      if (ok && !this.stopped && !this.fallback && this.status !== 'online') this._enterFallback();
    } finally {
      this.probing = false;
    }
  }

  _enterFallback() {
    this.fallback = true;
    this.status = 'fallback';
    // The pending WebSocket retry keeps its short delay once; later ones use
    // the slow fallback schedule (see _onClosed).
    this._resendPending();
    this._timer('poll', POLL_MS, () => this._pollLoop());
    this._changed();
  }

  _leaveFallback() {
    this.fallback = false;
    this._clear('poll');
  }

  async _pollLoop() {
    if (!this.fallback || this.stopped) return;
    await this._poll(false);
    if (this.fallback && !this.stopped) {
      if (this.restOk) this._resendPending();
      this._timer('poll', POLL_MS, () => this._pollLoop());
    }
  }

  /**
   * Fetches messages after lastSeq (all pages) and, every few polls, the
   * conversation. Returns whether the server answered.
   * @param {boolean} withConversation
   */
  async _poll(withConversation) {
    try {
      if (withConversation || this.pollCount++ % POLL_CONVERSATION_EVERY === 0) {
        const c = await this.api.getConversation(this.conversationId, this.token);
        if (c && c.conversation) this.conversation = c.conversation;
        if (c && typeof c.supportOnline === 'boolean') this.supportOnline = c.supportOnline;
      }
      let after = this.transcript.lastSeq;
      for (let page = 0; page < 50; page++) {
        const res = await this.api.listMessages(this.conversationId, this.token, after);
        for (const m of (res && res.items) || []) this._addMessage(m);
        if (!res || res.next === null || res.next === undefined || res.next <= after) break;
        after = res.next;
      }
      if (this.stopped) return false;
      // Everything after lastSeq has been listed: a remaining hole is a
      // message the server does not have.
      this.transcript.skipTo(this.transcript.maxSeq());
      this.restOk = true;
      this.loaded = true;
      if (this.fallback) this.status = 'fallback';
      this._changed();
      return true;
    } catch (e) {
      if (this.stopped) return false;
      if (isTokenRejected(e)) {
        this._unauthorized();
        return false;
      }
      this.restOk = false;
      if (this.fallback) {
        this.status = 'reconnecting';
        this._changed();
      }
      return false;
    }
  }
}

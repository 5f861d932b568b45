// The widget's one real-time client, as the UI sees it: a snapshot of the
// conversation (connection status, transcript, typing, notice...) with
// change events, and the visitor's actions. The work is done by its parts,
// which share this object's state:
//   socket.js    the WebSocket: hello/resume by seq, backoff with full jitter
//   feed.js      server events → transcript, gap repair, typing, conversation
//   outbox.js    pending messages: ack matching, resend with the same clientId
//   fallback.js  REST polling and POST when the WebSocket cannot be opened
//   uploads.js   files as messages with progress, attachment downloads
// Everything from the outside world (WebSocket, fetch through `api`, timers,
// randomness, clock) is injected so all of it runs in plain Node for the tests.

import { EVT, CLOSE, ERROR_CODE, REQ, toApiError } from '../protocol.js';
import { Timers } from './timers.js';
import { Transcript } from './transcript.js';
import { Socket } from './socket.js';
import { Feed } from './feed.js';
import { Outbox } from './outbox.js';
import { Fallback } from './fallback.js';
import { Uploads } from './uploads.js';
import { FALLBACK_AFTER, TYPING_THROTTLE_MS } from './timing.js';

export { isTokenRejected } from '../api.js';
export * from './timing.js';

/** Errors about the session after which retrying with the same token is pointless. */
const TOKEN_REFUSED = [ERROR_CODE.UNAUTHORIZED, ERROR_CODE.ACCOUNT_DISABLED, ERROR_CODE.FORBIDDEN, ERROR_CODE.NOT_FOUND];

/**
 * @typedef {'connecting'|'online'|'reconnecting'|'fallback'|'stopped'} Status
 *
 * @typedef {object} Snapshot
 * @property {Status} status
 * @property {boolean} loaded       first replay/poll has completed
 * @property {import('../protocol.js').Conversation|null} conversation
 * @property {boolean|null} supportOnline  an agent can take the chat now
 * @property {{position: number, waitSeconds: number}|null} queue  where a waiting conversation stands
 * @property {{name: string}|null} typing   the agent who is typing
 * @property {{code: string, message: string}|null} notice  e.g. rate limited
 * @property {Array<any>} items     stored messages then local pending ones
 *
 * @typedef {object} ClientOptions
 * @property {string} server                 http(s) origin of the chatdesk server
 * @property {string} token                  visitor token
 * @property {string} conversationId
 * @property {import('../api.js').Api} api   REST client (fallback, uploads, rating)
 * @property {any} [WebSocket]               constructor
 * @property {(fn: () => void, ms: number) => any} [setTimeout]
 * @property {(t: any) => void} [clearTimeout]
 * @property {() => number} [random]
 * @property {() => number} [now]
 */

export class ChatClient {
  /** @param {ClientOptions} opts */
  constructor(opts) {
    this.server = opts.server;
    this.token = opts.token;
    this.conversationId = opts.conversationId;
    this.api = opts.api;
    this.random = opts.random || Math.random;
    this.now = opts.now || Date.now;
    this.timers = new Timers(
      opts.setTimeout || ((fn, ms) => globalThis.setTimeout(fn, ms)),
      opts.clearTimeout || ((t) => globalThis.clearTimeout(t)),
    );

    // What the UI sees (snapshot()); the parts below keep it.
    this.transcript = new Transcript();
    /** @type {Status} */
    this.status = 'connecting';
    this.loaded = false;
    this.conversation = null;
    this.supportOnline = null;
    this.queue = null;
    this.typing = null;
    this.notice = null;

    this.stopped = false;
    this.authFailed = false; // the session error said the token is refused
    this.lastTypingSent = 0;
    this.typingOn = false;
    this.readSent = 0;
    this.listeners = {};

    this.socket = new Socket({
      server: this.server,
      WebSocket: opts.WebSocket || globalThis.WebSocket,
      timers: this.timers,
      random: this.random,
      hello: () => ({ token: this.token, lastSeq: this.transcript.lastSeq }),
      onReady: (d) => this._onReady(d),
      onSessionError: (d) => this._onSessionError(d),
      onFrame: (env) => this._onFrame(env),
      onDown: (code, wasReady) => this._onDown(code, wasReady),
    });
    this.feed = new Feed(this);
    this.outbox = new Outbox(this);
    this.rest = new Fallback(this);
    this.uploads = new Uploads(this);
  }

  /** Whether the REST fallback carries the conversation. */
  get fallback() {
    return this.rest.active;
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

  emit(type, arg) {
    for (const fn of this.listeners[type] || []) {
      try {
        fn(arg);
      } catch (e) {
        // a listener's bug must not break the connection
        if (globalThis.console) console.error(e);
      }
    }
  }

  changed() {
    this.emit('change', this.snapshot());
  }

  /** @returns {Snapshot} */
  snapshot() {
    return {
      status: this.status,
      loaded: this.loaded,
      conversation: this.conversation,
      supportOnline: this.supportOnline,
      queue: this.queue,
      typing: this.typing,
      notice: this.notice,
      items: this.transcript.items(),
    };
  }

  /** Shows a notice above the composer for `secs` seconds. */
  showNotice(code, message, secs) {
    this.notice = { code, message };
    this.timers.set('notice', Math.min(secs, 120) * 1000, () => {
      this.notice = null;
      this.changed();
    });
    this.changed();
  }

  // ---- lifecycle -----------------------------------------------------------

  start() {
    this.stopped = false;
    this.socket.start();
  }

  /** Closes everything; the client cannot be used afterwards. */
  stop() {
    this.stopped = true;
    this.status = 'stopped';
    this.outbox.reset();
    this.socket.stop();
    this.timers.clearAll();
  }

  /** Connect now instead of waiting for the backoff (e.g. browser went online). */
  wake() {
    if (!this.stopped) this.socket.wake();
  }

  /**
   * The network is gone (the browser's `offline` event): the socket will
   * not say so for many seconds (it waits for a timeout), so give it up
   * now; the visitor sees "Đang kết nối lại…" and pending messages wait.
   */
  lost() {
    if (!this.stopped && this.socket.ws) this.socket.recycle(CLOSE.TRY_AGAIN);
  }

  /** The server refused the token: stop for good and let the UI start over. */
  reject() {
    this.stop();
    this.emit('rejected');
    this.changed();
  }

  /** Sends a frame on the ready socket; false if there is none. */
  sendFrame(type, data, id) {
    return this.status === 'online' && this.socket.send(type, data, id);
  }

  // ---- the socket's reports --------------------------------------------------

  /**
   * Reports the visitor's page ({path, title}) over the socket: now if it
   * changed, and again on every connect.
   */
  setPage(p) {
    this.page = p;
    const k = p.path + '\n' + p.title;
    if (k !== this.pageSent && this.sendFrame(REQ.PAGE_VIEW, p)) this.pageSent = k;
  }

  _onReady(d) {
    this.status = 'online';
    this.pageSent = '';
    if (this.page) this.setPage(this.page);
    if (this.rest.active) this.rest.leave();
    this.feed.ready(d);
    this.changed();
  }

  _onSessionError(d) {
    if (TOKEN_REFUSED.includes(toApiError(d).code)) this.authFailed = true;
  }

  _onFrame(env) {
    const d = env.data;
    switch (env.type) {
      case EVT.MESSAGE_CREATED:
        this.feed.add(d.message);
        return;
      case EVT.REPLAY_DONE:
        this.feed.replayDone(d.lastSeq);
        return;
      case EVT.ACK:
        this.outbox.ack(env.id, d);
        return;
      case EVT.ERROR:
        this.outbox.error(env.id, d);
        return;
      case EVT.TYPING:
        this.feed.typing(d);
        return;
      case EVT.CONVERSATION_UPDATED:
        this.feed.setConversation(d);
        return;
      case EVT.SUPPORT_STATUS:
        this.supportOnline = !!d.online;
        this.changed();
        return;
      case EVT.QUEUE_POSITION:
        this.queue = d;
        this.changed();
        return;
      case EVT.SESSION_RESYNC:
        this.feed.sync();
        return;
      default: // a frame this version does not know
    }
  }

  _onDown(code, wasReady) {
    this.feed.down();
    this.outbox.reset();
    if (this.stopped) return;
    if (code === CLOSE.UNAUTHORIZED || code === CLOSE.DISABLED || this.authFailed) {
      this.reject();
      return;
    }
    this.socket.retry(wasReady, this.rest.active);
    if (!this.rest.active) {
      this.status = 'reconnecting';
      if (this.socket.failedOpens >= FALLBACK_AFTER) this.rest.probe();
    }
    this.changed();
  }

  // ---- the visitor's actions -------------------------------------------------

  /**
   * Optimistically adds a visitor message and sends it.
   * @param {string} text
   * @returns {string|null} the clientId, or null if the text is empty
   */
  send(text) {
    const clientId = this.outbox.add(text);
    if (!clientId) return null;
    if (this.typingOn) this.setTyping(false);
    this.changed();
    this.outbox.dispatch(clientId);
    return clientId;
  }

  /** Sends a failed message again with the same clientId. */
  retry(clientId) {
    this.outbox.retry(clientId);
  }

  /** Drops a failed message (a refused upload) from the transcript. */
  dismiss(clientId) {
    if (this.transcript.pending.delete(clientId)) this.changed();
  }

  /**
   * Sends a file as a message (POST …/attachments, in every mode) with an
   * optimistic pending item that shows the upload progress.
   * @param {File} file
   * @param {string} [text] caption
   * @returns {string|null} the clientId, or null if refused before upload
   */
  sendFile(file, text = '') {
    return this.uploads.send(file, text);
  }

  /** Fetches an attachment (or its thumbnail) with the visitor token. @returns {Promise<Blob>} */
  attachment(id, thumb) {
    return this.uploads.fetch(id, thumb);
  }

  /** Rates the resolved conversation; rejects with the server's error. */
  async rate(stars, comment) {
    this.feed.setConversation(await this.api.rate(this.conversationId, this.token, stars, comment));
  }

  /** Emails the conversation to the visitor (an empty address: the form's); rejects with the server's error. */
  mailTranscript(email) {
    return this.api.transcript(this.conversationId, this.token, email);
  }

  /** Asks for a person instead of the bot; an error becomes a notice. */
  async handoff() {
    try {
      this.feed.setConversation(await this.api.handoff(this.conversationId, this.token));
      return true;
    } catch (e) {
      if (!this.stopped) this.showNotice(e.code, e.message, 10);
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
      this.sendFrame(REQ.TYPING, { conversationId: this.conversationId, typing: on });
    } else if (this.rest.active && this.rest.ok) {
      this.api.typing(this.conversationId, this.token, on).catch(() => {});
    }
  }

  /** Marks everything held as read (call while the chat is visible). */
  markRead() {
    const seq = this.transcript.maxSeq();
    if (seq <= this.readSent) return;
    if (this.status === 'online') {
      if (this.sendFrame(REQ.CONVERSATION_READ, { conversationId: this.conversationId, seq })) this.readSent = seq;
    } else if (this.rest.active && this.rest.ok) {
      this.readSent = seq;
      this.api.read(this.conversationId, this.token, seq).catch(() => {});
    }
  }
}

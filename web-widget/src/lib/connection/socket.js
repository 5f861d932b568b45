// The transport: the widget's one WebSocket (docs/protocol.md). It opens the
// socket, says `hello` with the visitor token and the highest gap-free seq
// (so the server replays only what we miss), matches the session.ready that
// answers it, and reconnects with exponential backoff and full jitter. It
// knows nothing about messages: frames go up to onFrame, the end of a socket
// to onDown, and the owner calls retry() to say how soon to come back (only
// the owner knows whether the REST fallback carries the conversation).

import { REQ, EVT, CLOSE, WS_CLOSE_NORMAL, WS_CLOSE_ABNORMAL, encode, decode, wsURL } from '../protocol.js';
import { backoffDelay, DRAIN_CAP_MS, CAP_MS } from './backoff.js';
import { HEALTHY_MS, HELLO_TIMEOUT_MS, FALLBACK_WS_RETRY_MIN_MS } from './timing.js';

export { HEALTHY_MS, HELLO_TIMEOUT_MS, FALLBACK_WS_RETRY_MIN_MS };

/**
 * @typedef {object} SocketOptions
 * @property {string} server                      http(s) origin of the chatdesk server
 * @property {any} WebSocket                      constructor
 * @property {import('./timers.js').Timers} timers
 * @property {() => number} random
 * @property {() => Record<string, any>} hello    data of the hello frame, read at each open
 * @property {(data: any) => void} onReady        session.ready answered our hello
 * @property {(data: any) => void} onSessionError an `error` about the session (no id, or the hello's)
 * @property {(env: import('../protocol.js').Envelope) => void} onFrame  every other frame
 * @property {(code: number|undefined, wasReady: boolean) => void} onDown  the socket is gone
 */

export class Socket {
  /** @param {SocketOptions} o */
  constructor(o) {
    this.o = o;
    this.ws = null;
    /** @type {{ready: boolean, helloId: string}|null} the session of this.ws */
    this.session = null;
    this.attempt = 0; // backoff exponent
    this.failedOpens = 0; // consecutive attempts that never reached session.ready
    this.draining = false;
    this.stopped = false;
    this.ids = 0;
  }

  /** A request id unique on this page ('h1', 'm2', 's3'...). */
  nextId(prefix) {
    return prefix + ++this.ids;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  /** Closes the socket and cancels every retry; onDown is not called. */
  stop() {
    this.stopped = true;
    for (const name of ['handshake', 'healthy', 'reconnect']) this.o.timers.clear(name);
    this.close(WS_CLOSE_NORMAL);
  }

  /** Connect now instead of waiting out the backoff (e.g. the browser went online). */
  wake() {
    if (this.stopped || this.ws) return;
    this.o.timers.clear('reconnect');
    this.open();
  }

  open() {
    if (this.stopped) return;
    let ws;
    try {
      ws = new this.o.WebSocket(wsURL(this.o.server));
    } catch {
      this._down(null, WS_CLOSE_ABNORMAL);
      return;
    }
    const session = { ready: false, helloId: this.nextId('h') };
    this.ws = ws;
    this.session = session;
    ws.onopen = () => {
      this._raw(ws, encode(REQ.HELLO, this.o.hello(), session.helloId));
    };
    ws.onmessage = (ev) => {
      const env = decode(ev.data);
      if (env) this._frame(session, env);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this._down(session, ev && ev.code);
    };
    this.o.timers.set('handshake', HELLO_TIMEOUT_MS, () => {
      if (this.ws === ws && !session.ready) this._end(session, CLOSE.TRY_AGAIN);
    });
  }

  /** Sends one frame on the current socket; false when there is none or it refused. */
  send(type, data, id) {
    return !!this.ws && this._raw(this.ws, encode(type, data, id));
  }

  /**
   * Gives up on a socket that stopped answering (no ack in time) as if the
   * server had closed it. `ws` is the socket the caller used: if it has been
   * replaced meanwhile, there is nothing to do.
   */
  recycle(code, ws = this.ws) {
    if (ws && ws === this.ws) this._end(this.session, code);
  }

  /**
   * Arms the next attempt after onDown. `slow`: the REST fallback carries the
   * conversation, so the WebSocket is only retried every 15–30 s.
   * @param {boolean} wasReady the socket that ended had a ready session
   * @param {boolean} slow
   */
  retry(wasReady, slow) {
    if (!wasReady && !this.draining) this.failedOpens++;
    let delay;
    if (this.draining) {
      delay = Math.floor(this.o.random() * DRAIN_CAP_MS);
      this.draining = false;
    } else if (slow) {
      delay = FALLBACK_WS_RETRY_MIN_MS + Math.floor(this.o.random() * (CAP_MS - FALLBACK_WS_RETRY_MIN_MS));
    } else {
      delay = backoffDelay(this.attempt++, this.o.random);
    }
    this.o.timers.set('reconnect', delay, () => this.open());
  }

  /** Closes the current socket without telling anyone (detached first). */
  close(code) {
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

  _raw(ws, frame) {
    try {
      ws.send(frame);
      return true;
    } catch {
      return false;
    }
  }

  _frame(session, env) {
    switch (env.type) {
      case EVT.SESSION_READY:
        if (env.id && env.id !== session.helloId) return;
        session.ready = true;
        this.o.timers.clear('handshake');
        this.o.timers.clear('reconnect');
        this.failedOpens = 0;
        this.o.timers.set('healthy', HEALTHY_MS, () => {
          this.attempt = 0;
        });
        this.o.onReady(env.data);
        return;
      case EVT.SERVER_DRAINING:
        this.draining = true;
        this._end(session, WS_CLOSE_NORMAL);
        return;
      case EVT.ERROR:
        if (!env.id || env.id === session.helloId) {
          // the server closes the socket after it; onDown decides what next
          this.o.onSessionError(env.data);
          return;
        }
        break;
      default:
    }
    this.o.onFrame(env);
  }

  /** We end the socket ourselves: close it, then go on as after a close. */
  _end(session, code) {
    this.close(code);
    this._down(session, code);
  }

  _down(session, code) {
    this.o.timers.clear('handshake');
    this.o.timers.clear('healthy');
    this.session = null;
    this.o.onDown(code, !!(session && session.ready));
  }
}

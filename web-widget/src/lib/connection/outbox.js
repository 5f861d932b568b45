// The resend queue: the visitor's messages on their way out. Each one is a
// pending item of the transcript, keyed by its clientId. It goes over the
// WebSocket while the session is live (the ack must come within
// ACK_TIMEOUT_MS, or the message is shown as failed and the silent socket is
// recycled), with POST while the REST fallback carries the conversation, and
// otherwise waits. After each (re)connect's replay, which may already hold
// some of them (matched by clientId), the rest go out again with the same
// clientId, so the server stores each message once.

import { REQ, CLOSE, ERROR_CODE, MAX_TEXT_CHARS, newClientId, toApiError } from '../protocol.js';
import { isTokenRejected } from '../api.js';
import { t, errorText } from '../../i18n/index.js';
import { ACK_TIMEOUT_MS } from './timing.js';

export { ACK_TIMEOUT_MS };

/** Refusals that sending again cannot change: the message can only be dismissed. */
const PERMANENT = [ERROR_CODE.INVALID_INPUT, ERROR_CODE.TOO_LARGE, ERROR_CODE.UNSUPPORTED_TYPE];

export class Outbox {
  /** @param {import('./client.js').ChatClient} c */
  constructor(c) {
    this.c = c;
    /** @type {Map<string, {clientId: string, timer: any}>} message.send request id → pending */
    this.inflight = new Map();
    /** clientIds being POSTed in REST mode */
    this.posting = new Set();
  }

  /**
   * Adds a pending message (dispatch() sends it).
   * @returns {string|null} its clientId, or null for an empty or too long text
   */
  add(text) {
    const c = this.c;
    const s = String(text || '').trim();
    if (!s || [...s].length > MAX_TEXT_CHARS) return null;
    const clientId = newClientId(c.random);
    c.transcript.addPending(clientId, s, new Date(c.now()).toISOString());
    return clientId;
  }

  /** Sends a failed message again with the same clientId. */
  retry(clientId) {
    const c = this.c;
    if (!c.transcript.mark(clientId, 'pending')) return;
    c.notice = null;
    c.changed();
    this.dispatch(clientId);
  }

  /** Sends a pending message the way the connection allows right now. */
  dispatch(clientId) {
    const c = this.c;
    const p = c.transcript.pending.get(clientId);
    if (p && p.file) c.uploads.start(clientId); // files always go over REST
    else if (c.status === 'online' && !c.feed.replaying) this._sendWS(clientId);
    else if (c.rest.active && c.rest.ok) this._sendREST(clientId);
    // otherwise it stays pending and goes out after the next (re)connect
  }

  /** Every pending (not failed) message, oldest first. */
  resend() {
    for (const p of this.c.transcript.toResend()) this.dispatch(p.clientId);
  }

  /** The ack of a message.send: the stored message replaces the pending one. */
  ack(id, d) {
    const c = this.c;
    const r = id && this.inflight.get(id);
    if (!r) return;
    c.timers.cancel(r.timer);
    this.inflight.delete(id);
    if (d.message) c.feed.add(d.message);
    c.notice = null;
    c.changed();
  }

  /** The error reply to a message.send. */
  error(id, d) {
    const r = id && this.inflight.get(id);
    if (!r) return;
    this.c.timers.cancel(r.timer);
    this.inflight.delete(id);
    this.failed(r.clientId, toApiError(d));
  }

  /**
   * Shows a message as failed with the server's reason: "Thử lại" while
   * sending again may work (the network, a rate limit, a busy server), or
   * only "Bỏ" for a permanent refusal (a wrong type, too large, invalid).
   */
  failed(clientId, err) {
    const c = this.c;
    if (err.code === ERROR_CODE.RATE_LIMITED) {
      // The explanation goes in one notice; each message just says it failed.
      c.showNotice(err.code, err.message ? errorText(err) : t('rateLimited'), err.retryAfter > 0 ? err.retryAfter : 10);
      c.transcript.mark(clientId, 'failed', t('sendFailed'), { permanent: false });
    } else {
      c.transcript.mark(clientId, 'failed', err.message ? errorText(err) : t('sendFailed'), { permanent: PERMANENT.includes(err.code) });
    }
    c.changed();
  }

  /** The socket is gone: no ack will come for what was sent on it; it is resent after the next replay. */
  reset() {
    for (const r of this.inflight.values()) this.c.timers.cancel(r.timer);
    this.inflight.clear();
  }

  _sendWS(clientId) {
    const c = this.c;
    const p = c.transcript.pending.get(clientId);
    if (!p) return;
    for (const r of this.inflight.values()) if (r.clientId === clientId) return;
    const id = c.socket.nextId('m');
    const ws = c.socket.ws;
    if (!c.sendFrame(REQ.MESSAGE_SEND, { conversationId: c.conversationId, clientId, text: p.text }, id)) return;
    const timer = c.timers.after(ACK_TIMEOUT_MS, () => {
      if (!this.inflight.has(id)) return;
      this.inflight.delete(id);
      c.transcript.mark(clientId, 'failed', t('sendFailed'));
      c.changed();
      // No answer at all: the socket may be dead without a close event.
      c.socket.recycle(CLOSE.TRY_AGAIN, ws);
    });
    this.inflight.set(id, { clientId, timer });
  }

  async _sendREST(clientId) {
    const c = this.c;
    const sent = await postPending(c, this.posting, clientId,
      (p) => c.api.sendMessage(c.conversationId, c.token, p.text, clientId),
      (e) => {
        if (e.status === 0 || e.status >= 500) c.rest.ok = false; // stays pending
        else this.failed(clientId, e);
      });
    if (sent) {
      c.notice = null;
      c.changed();
    }
  }
}

/**
 * Posts a pending message over REST (a text, an upload), one post at a time
 * per clientId: nothing happens when the message is no longer pending or
 * `busy` says a post of it is under way. The stored message the server
 * answers joins the feed; a rejected token ends the session; any other
 * error, unless the client stopped meanwhile, goes to onError.
 * @param {import('./client.js').ChatClient} c
 * @param {Set<string>} busy  clientIds being posted
 * @param {string} clientId
 * @param {(p: any) => Promise<any>} post  sends the pending item p
 * @param {(e: any) => void} onError
 * @returns {Promise<boolean>} whether the server stored it
 */
export async function postPending(c, busy, clientId, post, onError) {
  const p = c.transcript.pending.get(clientId);
  if (!p || busy.has(clientId)) return false;
  busy.add(clientId);
  try {
    const res = await post(p);
    if (res && res.message) c.feed.add(res.message);
    return true;
  } catch (e) {
    if (c.stopped) return false;
    if (isTokenRejected(e)) c.reject();
    else onError(e);
    return false;
  } finally {
    busy.delete(clientId);
  }
}

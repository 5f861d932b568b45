// The REST fallback, for networks where the WebSocket cannot be opened
// (proxies, corporate firewalls). After FALLBACK_AFTER failed opens the
// client probes REST; if REST answers, it polls `GET …/messages?after=` the
// highest gap-free seq every POLL_MS (every page, and the conversation every
// few polls) and sends with POST, while the socket is still retried slowly.
// If REST fails too, the server is simply down and the client keeps backing
// off.

import { isTokenRejected } from '../api.js';
import { POLL_MS, FALLBACK_AFTER } from './timing.js';

export { POLL_MS, FALLBACK_AFTER };

/** Poll the conversation itself (status, assignee) every Nth poll. */
const POLL_CONVERSATION_EVERY = 4;
/** Pages of messages one poll reads at most. */
const MAX_PAGES = 50;

export class Fallback {
  /** @param {import('./client.js').ChatClient} c */
  constructor(c) {
    this.c = c;
    /** REST carries the conversation */
    this.active = false;
    /** the last REST call succeeded */
    this.ok = false;
    this.probing = false;
    this.polls = 0;
  }

  /** After repeated failed opens: switch to REST if REST works. */
  async probe() {
    const c = this.c;
    if (this.probing || this.active) return;
    this.probing = true;
    try {
      const ok = await this.poll(true);
      if (ok && !c.stopped && !this.active && c.status !== 'online') this._enter();
    } finally {
      this.probing = false;
    }
  }

  /** The WebSocket is back (session.ready): stop polling. */
  leave() {
    this.active = false;
    this.c.timers.clear('poll');
  }

  /**
   * Fetches messages after lastSeq (all pages) and, every few polls, the
   * conversation. Returns whether the server answered.
   * @param {boolean} withConversation
   */
  async poll(withConversation) {
    const c = this.c;
    try {
      if (withConversation || this.polls++ % POLL_CONVERSATION_EVERY === 0) {
        const res = await c.api.getConversation(c.conversationId, c.token);
        if (res && res.conversation) c.feed.setConversation(res);
        if (res && typeof res.supportOnline === 'boolean') c.supportOnline = res.supportOnline;
        if (res) c.queue = res.queue || null;
      }
      let after = c.transcript.lastSeq;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await c.api.listMessages(c.conversationId, c.token, after);
        for (const m of (res && res.items) || []) c.feed.add(m);
        if (!res || res.next === null || res.next === undefined || res.next <= after) break;
        after = res.next;
      }
      if (c.stopped) return false;
      // Everything after lastSeq has been listed: a remaining hole is a
      // message the server does not have.
      c.transcript.skipTo(c.transcript.maxSeq());
      this.ok = true;
      c.loaded = true;
      if (this.active) c.status = 'fallback';
      c.changed();
      return true;
    } catch (e) {
      if (c.stopped) return false;
      if (isTokenRejected(e)) {
        c.reject();
        return false;
      }
      this.ok = false;
      if (this.active) {
        c.status = 'reconnecting';
        c.changed();
      }
      return false;
    }
  }

  _enter() {
    const c = this.c;
    this.active = true;
    c.status = 'fallback';
    // The pending WebSocket retry keeps its short delay once; later ones use
    // the slow fallback schedule (see Socket.retry).
    c.outbox.resend();
    c.timers.set('poll', POLL_MS, () => this._loop());
    c.changed();
  }

  async _loop() {
    const c = this.c;
    if (!this.active || c.stopped) return;
    await this.poll(false);
    if (this.active && !c.stopped) {
      if (this.ok) c.outbox.resend();
      c.timers.set('poll', POLL_MS, () => this._loop());
    }
  }
}

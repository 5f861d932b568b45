// What the server tells the visitor, applied to the client's state: stored
// messages (deduplicated and ordered by the transcript, gaps repaired with
// `sync` when not filled within GAP_MS), the end of a replay, the other
// side's typing indicator and conversation updates. The state itself lives on
// the client, whose snapshot the UI renders; the feed is the logic that keeps
// it, over the WebSocket and over the REST fallback alike.

import { REQ } from '../protocol.js';
import { GAP_MS, REPLAY_TIMEOUT_MS, TYPING_CLEAR_MS } from './timing.js';

export { GAP_MS, REPLAY_TIMEOUT_MS, TYPING_CLEAR_MS };

export class Feed {
  /** @param {import('./client.js').ChatClient} c */
  constructor(c) {
    this.c = c;
    /** session.ready came and replay.done has not: pending messages wait. */
    this.replaying = false;
  }

  /** session.ready: the replay of what we missed follows. */
  ready(d) {
    const c = this.c;
    this.replaying = true;
    if (d.conversation && typeof d.conversation === 'object') {
      c.conversation = d.conversation;
      if (d.conversation.id) c.conversationId = d.conversation.id;
    }
    if (typeof d.supportOnline === 'boolean') c.supportOnline = d.supportOnline;
    c.queue = d.queue || null;
    // Never keep pending messages waiting for a replay.done that is lost.
    c.timers.set('replay', REPLAY_TIMEOUT_MS, () => {
      if (this.replaying) this.replayDone();
    });
  }

  /** @param {unknown} [storedSeq] highest stored seq when the replay ran */
  replayDone(storedSeq) {
    const c = this.c;
    const wasReplaying = this.replaying;
    if (wasReplaying) c.timers.clear('replay');
    this.replaying = false;
    c.loaded = true;
    // The replay sent every stored message up to storedSeq: a hole below it
    // is a message the server does not have. Do not ask for it forever.
    if (typeof storedSeq === 'number') c.transcript.skipTo(storedSeq);
    this._checkGap();
    // Only now do we know which pending messages the server already stored.
    if (wasReplaying) c.outbox.resend();
    c.changed();
  }

  /**
   * A stored message, from any source (event, ack, POST answer, poll).
   * @returns {boolean} whether the message was new
   */
  add(m) {
    const c = this.c;
    if (!c.transcript.add(m)) return false;
    if (m.senderType !== 'visitor' && c.typing) this._typingOff();
    this._checkGap();
    if (c.loaded) c.emit('message', m);
    c.changed();
    return true;
  }

  /** Asks for everything after the last gap-free seq (session.resync, a gap). */
  sync() {
    const c = this.c;
    c.sendFrame(REQ.SYNC, { conversationId: c.conversationId, afterSeq: c.transcript.lastSeq }, c.socket.nextId('s'));
  }

  /** The agent's (or the bot's) typing indicator. */
  typing(d) {
    const c = this.c;
    if (d.senderType === 'visitor') return;
    if (d.typing) {
      c.typing = { name: typeof d.senderName === 'string' ? d.senderName : '' };
      c.timers.set('typingClear', TYPING_CLEAR_MS, () => {
        c.typing = null;
        c.changed();
      });
    } else {
      this._typingOff();
    }
    c.changed();
  }

  /**
   * A `{conversation}` from conversation.updated or a REST answer. Read
   * receipts only grow: an older copy (another node's cache) cannot take
   * "Đã xem" back.
   */
  setConversation(res) {
    const n = res && res.conversation;
    if (!n || typeof n !== 'object') return;
    const o = this.c.conversation;
    if (o && o.id === n.id) {
      for (const k of ['agentReadSeq', 'visitorReadSeq']) n[k] = Math.max(n[k] || 0, o[k] || 0);
    }
    if (n.status !== 'waiting') this.c.queue = null;
    this.c.conversation = n;
    this.c.changed();
  }


  /** The socket is gone: no replay.done, no typing:false will come on it. */
  down() {
    const c = this.c;
    c.timers.clear('gap');
    c.timers.clear('replay');
    this.replaying = false;
    if (c.typing) this._typingOff();
  }

  _typingOff() {
    this.c.typing = null;
    this.c.timers.clear('typingClear');
  }

  _checkGap() {
    const c = this.c;
    if (!c.transcript.hasGap()) {
      c.timers.clear('gap');
      return;
    }
    // A gap still open after GAP_MS is repaired with sync (or a poll).
    if (c.timers.has('gap')) return;
    c.timers.set('gap', GAP_MS, () => {
      if (!c.transcript.hasGap()) return;
      if (c.rest.active) c.rest.poll(false);
      else this.sync();
    });
  }
}

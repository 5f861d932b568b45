// The visitor's view of one conversation: stored messages ordered by seq and
// deduplicated by id, plus local pending messages matched to their stored
// copy by clientId. It knows the highest gap-free seq (what `hello.lastSeq`
// and `sync.afterSeq` carry) and whether a gap is open.

import { isMessage } from '../protocol.js';

/**
 * @typedef {import('../protocol.js').Message} Message
 * @typedef {{clientId: string, text: string, status: 'pending'|'failed', error?: string, createdAt: string, local: true,
 *   file?: File, kind?: 'image'|'file', attachment?: {name: string, size: number}, progress?: number}} Pending
 *   (file uploads carry the File, its kind, name/size and the upload progress in percent)
 */

export class Transcript {
  constructor() {
    /** @type {Message[]} ordered by seq */
    this.messages = [];
    /** @type {Map<string, Message>} */
    this.byId = new Map();
    /** @type {Map<string, Pending>} keyed by clientId, in send order */
    this.pending = new Map();
    /** Highest seq with no gap before it. */
    this.lastSeq = 0;
  }

  /**
   * Adds a stored message. Returns false for a duplicate (same id, or a seq
   * we already hold) or a malformed one.
   * @param {Message} m
   */
  add(m) {
    if (!isMessage(m) || this.byId.has(m.id)) return false;
    if (m.clientId) this.pending.delete(m.clientId);
    // Insert by seq (usually at the end). Same seq with another id can only
    // be a server bug; keep the first one we saw.
    let i = this.messages.length;
    while (i > 0 && this.messages[i - 1].seq > m.seq) i--;
    if (i > 0 && this.messages[i - 1].seq === m.seq) return false;
    this.messages.splice(i, 0, m);
    this.byId.set(m.id, m);
    this._advance();
    return true;
  }

  _advance() {
    // messages are sorted; walk forward from the current gap-free point.
    let s = this.lastSeq;
    for (const m of this.messages) {
      if (m.seq <= s) continue;
      if (m.seq === s + 1) s++;
      else break;
    }
    this.lastSeq = s;
  }

  /**
   * Declares every seq up to `seq` settled (the server confirmed it holds
   * nothing more below it), then advances over what follows.
   * @param {number} seq
   */
  skipTo(seq) {
    if (!Number.isInteger(seq)) return;
    const top = Math.min(seq, this.maxSeq());
    if (top > this.lastSeq) this.lastSeq = top;
    this._advance();
  }

  /** True when we hold a message beyond lastSeq + 1 (a hole to fill). */
  hasGap() {
    const last = this.messages[this.messages.length - 1];
    return !!last && last.seq > this.lastSeq;
  }

  /** Highest seq held at all. */
  maxSeq() {
    const last = this.messages[this.messages.length - 1];
    return last ? last.seq : 0;
  }

  /**
   * @param {string} clientId
   * @param {string} text
   * @param {string} createdAt
   * @param {object} [extra] file upload fields
   */
  addPending(clientId, text, createdAt, extra) {
    /** @type {Pending} */
    const p = { ...extra, clientId, text, status: 'pending', createdAt, local: true };
    this.pending.set(clientId, p);
    return p;
  }

  /** True if the message with this clientId has been stored. */
  isStored(clientId) {
    return !this.pending.has(clientId);
  }

  /**
   * @param {string} clientId
   * @param {'pending'|'failed'} status
   * @param {string} [error]
   * @param {object} [extra] e.g. {progress}
   */
  mark(clientId, status, error, extra) {
    const p = this.pending.get(clientId);
    if (!p) return false;
    this.pending.set(clientId, { ...p, ...extra, status, error });
    return true;
  }

  /** Pending (not failed) messages, oldest first. */
  toResend() {
    return [...this.pending.values()].filter((p) => p.status === 'pending');
  }

  /** Everything to render: stored messages then local ones. */
  items() {
    return [...this.messages, ...this.pending.values()];
  }
}

// Test doubles for the connection client: a controllable clock, a fake
// WebSocket class that records instances and frames, a fake REST api, and a
// stub client ("hub") for testing one part of the client at a time.

import { Timers } from '../src/lib/connection/timers.js';
import { Transcript } from '../src/lib/connection/transcript.js';

export class FakeClock {
  constructor() {
    this.t = 1_700_000_000_000;
    this.seq = 0;
    /** @type {Map<number, {at: number, fn: () => void}>} */
    this.timers = new Map();
    this.setTimeout = (fn, ms) => {
      const id = ++this.seq;
      this.timers.set(id, { at: this.t + Math.max(0, ms || 0), fn, ms });
      return id;
    };
    this.clearTimeout = (id) => this.timers.delete(id);
    this.now = () => this.t;
  }

  /** Runs due timers in time order while advancing `ms`. */
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let next = null;
      for (const [id, tm] of this.timers) if (tm.at <= end && (!next || tm.at < next[1].at)) next = [id, tm];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }

  /** Delays of pending timers (for asserting backoff). */
  pending() {
    return [...this.timers.values()].map((tm) => tm.ms);
  }
}

/** Lets promise callbacks run. */
export async function flush() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

export function makeFakeWS() {
  const instances = [];
  class FakeWS {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.readyState = 0;
      this.closedWith = null;
      instances.push(this);
    }
    send(s) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(JSON.parse(s));
    }
    close(code) {
      this.readyState = 3;
      this.closedWith = code;
    }
    // ---- driven by the test ----
    open() {
      this.readyState = 1;
      this.onopen && this.onopen({});
    }
    receive(type, data = {}, id) {
      const env = { type, data };
      if (id) env.id = id;
      this.onmessage && this.onmessage({ data: JSON.stringify(env) });
    }
    serverClose(code = 1006) {
      this.readyState = 3;
      this.onclose && this.onclose({ code });
    }
    /** Open fails: the browser fires close(1006) without open. */
    fail() {
      this.serverClose(1006);
    }
    frames(type) {
      return this.sent.filter((f) => f.type === type);
    }
    last(type) {
      const f = this.frames(type);
      return f[f.length - 1];
    }
  }
  return { FakeWS, instances };
}

export function msg(seq, extra = {}) {
  return {
    id: 'm' + seq,
    conversationId: 'conv1',
    seq,
    senderType: 'agent',
    senderName: 'An',
    text: 'tin ' + seq,
    createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    ...extra,
  };
}

/** A REST api double; `online` false makes every call a network error. */
export function makeFakeApi() {
  const api = {
    online: true,
    stored: [],
    calls: [],
    sendStatus: null, // e.g. {status: 429, code: 'rate_limited', message: '...'}
    _net() {
      if (!api.online) throw { status: 0, code: 'network', message: 'offline' };
    },
    async getConversation(id) {
      api.calls.push(['getConversation', id]);
      api._net();
      return { conversation: { id, status: 'assigned', assigneeName: 'An' }, supportOnline: true };
    },
    async listMessages(id, token, after) {
      api.calls.push(['listMessages', after]);
      api._net();
      const items = api.stored.filter((m) => m.seq > after).slice(0, 100);
      return { items, next: items.length === 100 ? items[items.length - 1].seq : null };
    },
    async sendMessage(id, token, text, clientId) {
      api.calls.push(['sendMessage', clientId, text]);
      api._net();
      if (api.sendStatus) throw api.sendStatus;
      let m = api.stored.find((x) => x.clientId === clientId);
      if (!m) {
        m = msg(api.stored.length + 1, { senderType: 'visitor', senderName: 'Khách', clientId, text, id: 'rest' + (api.stored.length + 1) });
        api.stored.push(m);
      }
      return { message: m };
    },
    async typing() {
      api._net();
    },
    async read() {
      api._net();
    },
  };
  return api;
}

/**
 * The state and the neighbours a connection part sees on its client, as
 * stubs that record what they are asked: a test puts the real module under
 * test in place of its stub (e.g. `hub.outbox = new Outbox(hub)`).
 */
export function makeHub(over = {}) {
  const clock = over.clock || new FakeClock();
  const hub = {
    clock,
    token: 'tok',
    conversationId: 'conv1',
    random: () => 0.5,
    now: clock.now,
    timers: new Timers(clock.setTimeout, clock.clearTimeout),
    transcript: new Transcript(),
    api: makeFakeApi(),
    status: 'online',
    stopped: false,
    loaded: false,
    conversation: null,
    supportOnline: null,
    typing: null,
    notice: null,
    changes: 0,
    changed() {
      hub.changes++;
    },
    emitted: [],
    emit(type, arg) {
      hub.emitted.push([type, arg]);
    },
    notices: [],
    showNotice(code, message, secs) {
      hub.notice = { code, message };
      hub.notices.push({ code, message, secs });
    },
    rejected: 0,
    reject() {
      hub.rejected++;
      hub.stopped = true;
      hub.status = 'stopped';
    },
    frames: [],
    sendFrame(type, data, id) {
      if (hub.status !== 'online') return false;
      hub.frames.push({ type, data, id });
      return true;
    },
    socket: {
      ids: 0,
      ws: { name: 'ws1' },
      nextId(prefix) {
        return prefix + ++this.ids;
      },
      recycled: [],
      recycle(code, ws) {
        this.recycled.push({ code, ws });
      },
    },
    feed: {
      replaying: false,
      added: [],
      add(m) {
        this.added.push(m);
        return hub.transcript.add(m);
      },
      setConversation(res) {
        hub.conversation = res.conversation;
      },
    },
    outbox: {
      resent: 0,
      resend() {
        this.resent++;
      },
      failures: [],
      failed(clientId, err) {
        this.failures.push({ clientId, err });
      },
    },
    rest: {
      active: false,
      ok: false,
      polls: [],
      poll(withConversation) {
        this.polls.push(withConversation);
      },
    },
    uploads: {
      started: [],
      start(clientId) {
        this.started.push(clientId);
      },
    },
    ...over,
  };
  return hub;
}

// Test double for the browser WebSocket, driven by the unit tests.
import { EVT, REQ } from './protocol.js';

export function makeFakeSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closed = false;
      sockets.push(this);
    }
    send(raw) {
      this.sent.push(JSON.parse(raw));
    }
    close() {
      if (this.closed) return;
      this.closed = true;
      queueMicrotask(() => this.onclose && this.onclose({ code: 1000 }));
    }
    // helpers for tests
    open() {
      this.onopen && this.onopen();
    }
    receive(env) {
      this.onmessage && this.onmessage({ data: JSON.stringify(env) });
    }
    serverClose(code = 1006) {
      this.closed = true;
      this.onclose && this.onclose({ code });
    }
    last(type) {
      return [...this.sent].reverse().find((f) => f.type === type);
    }
    ready(data = {}) {
      const hello = this.last(REQ.HELLO);
      this.receive({ type: EVT.SESSION_READY, id: hello.id, data: { role: 'agent', heartbeat: 25, ...data } });
    }
  }
  return { FakeWebSocket, sockets };
}

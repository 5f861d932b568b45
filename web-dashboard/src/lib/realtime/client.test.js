import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { RealtimeClient } from './client.js';
import { makeFakeSocketClass } from './fake-socket.js';
import { CLOSE, ERROR_CODE, EVT, REQ } from './protocol.js';

let fake;
let client;
let onAuthFailure;
let token;

function make(opts = {}) {
  fake = makeFakeSocketClass();
  onAuthFailure = vi.fn();
  token = 'jwt-1';
  client = new RealtimeClient({
    url: 'ws://test/ws',
    getToken: () => token,
    onAuthFailure,
    WebSocket: fake.FakeWebSocket,
    random: () => 0.5,
    ...opts,
  });
  return client;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  client?.stop();
  vi.useRealTimers();
});

describe('RealtimeClient session', () => {
  it('sends hello with the current JWT and becomes ready', () => {
    make();
    const statuses = [];
    client.on('status', (s) => statuses.push(s));
    const ready = vi.fn();
    client.on('ready', ready);
    client.start();
    const ws = fake.sockets[0];
    ws.open();
    expect(ws.sent[0]).toMatchObject({ type: REQ.HELLO, data: { token: 'jwt-1' } });
    ws.ready({ agents: [] });
    expect(client.status).toBe('ready');
    expect(ready).toHaveBeenCalledWith(expect.objectContaining({ role: 'agent' }), { reconnected: false });
    expect(statuses).toEqual(['connecting', 'ready']);
  });

  it('gives the socket up at once when the network goes away, then reconnects (#14)', () => {
    make();
    client.start();
    fake.sockets[0].open();
    fake.sockets[0].ready({ agents: [] });
    client.lost();
    expect(client.status).toBe('reconnecting');
    vi.advanceTimersByTime(1000);
    expect(fake.sockets).toHaveLength(2);
    fake.sockets[1].open();
    fake.sockets[1].ready({ agents: [] });
    expect(client.status).toBe('ready');
  });

  it('reconnects with exponential backoff and full jitter, and uses a refreshed token', () => {
    make({ random: () => 0.999 });
    client.start();
    fake.sockets[0].serverClose(1006);
    expect(client.status).toBe('reconnecting');
    expect(client.nextDelay).toBe(499); // attempt 0: < 500 ms
    vi.advanceTimersByTime(499);
    expect(fake.sockets).toHaveLength(2);
    fake.sockets[1].serverClose(1006);
    expect(client.nextDelay).toBe(999); // attempt 1: < 1 s
    vi.advanceTimersByTime(999);
    fake.sockets[2].serverClose(1006);
    expect(client.nextDelay).toBe(1998); // attempt 2: < 2 s
    vi.advanceTimersByTime(1998);
    token = 'jwt-2';
    fake.sockets[3].open();
    expect(fake.sockets[3].sent[0].data.token).toBe('jwt-2');
  });

  it('resets the backoff only after the session stayed ready for 10 s', () => {
    make({ random: () => 0.999 });
    client.start();
    for (let i = 0; i < 3; i += 1) {
      fake.sockets[i].serverClose(1006);
      vi.advanceTimersByTime(client.nextDelay);
    }
    const ws = fake.sockets[3];
    ws.open();
    ws.ready();
    vi.advanceTimersByTime(5000);
    ws.serverClose(1006);
    expect(client.nextDelay).toBe(3996); // attempt 3 (not reset yet)
    vi.advanceTimersByTime(client.nextDelay);
    const ws2 = fake.sockets[4];
    ws2.open();
    ws2.ready();
    vi.advanceTimersByTime(10000);
    ws2.serverClose(1006);
    expect(client.nextDelay).toBe(499); // reset to attempt 0
  });

  it('stops and logs out on CLOSE.UNAUTHORIZED / CLOSE.DISABLED', () => {
    make();
    client.start();
    const ws = fake.sockets[0];
    ws.open();
    ws.receive({ type: EVT.ERROR, id: ws.sent[0].id, data: { code: ERROR_CODE.UNAUTHORIZED, message: 'Hết hạn' } });
    ws.serverClose(CLOSE.UNAUTHORIZED);
    expect(client.status).toBe('closed');
    expect(onAuthFailure).toHaveBeenCalledWith(CLOSE.UNAUTHORIZED);
    vi.advanceTimersByTime(60000);
    expect(fake.sockets).toHaveLength(1);
  });

  it('after server.draining reconnects within random(0, 2 s)', async () => {
    make({ random: () => 0.75 });
    client.start();
    const ws = fake.sockets[0];
    ws.open();
    ws.ready();
    ws.receive({ type: EVT.SERVER_DRAINING, data: {} });
    await Promise.resolve(); // fake close is async
    expect(client.nextDelay).toBe(1500);
    vi.advanceTimersByTime(1500);
    expect(fake.sockets).toHaveLength(2);
  });
});

describe('RealtimeClient conversations', () => {
  it('joins with the gap-free seq and rejoins after a reconnect with the new value', () => {
    make();
    client.start();
    fake.sockets[0].open();
    fake.sockets[0].ready();
    let gapFree = 0;
    client.join('c1', () => gapFree);
    expect(fake.sockets[0].last(REQ.CONVERSATION_JOIN).data).toEqual({ conversationId: 'c1', afterSeq: 0 });
    gapFree = 7;
    fake.sockets[0].serverClose(1006);
    vi.advanceTimersByTime(client.nextDelay);
    const ws = fake.sockets[1];
    ws.open();
    ws.ready();
    expect(ws.last(REQ.CONVERSATION_JOIN).data).toEqual({ conversationId: 'c1', afterSeq: 7 });
  });

  it('answers session.resync with sync from the gap-free seq', () => {
    make();
    client.start();
    const ws = fake.sockets[0];
    ws.open();
    ws.ready();
    client.join('c1', () => 4);
    const resync = vi.fn();
    client.on(EVT.SESSION_RESYNC, resync);
    ws.receive({ type: EVT.SESSION_RESYNC, data: {} });
    expect(ws.last(REQ.SYNC).data).toEqual({ conversationId: 'c1', afterSeq: 4 });
    expect(resync).toHaveBeenCalled();
  });

  it('routes acks and errors to requests', async () => {
    make();
    client.start();
    const ws = fake.sockets[0];
    ws.open();
    ws.ready();
    const p = client.request(REQ.CONVERSATION_READ, { conversationId: 'c1', seq: 3 });
    const req = ws.last(REQ.CONVERSATION_READ);
    ws.receive({ type: EVT.ACK, id: req.id, data: {} });
    await expect(p).resolves.toEqual({});
    const p2 = client.request(REQ.TYPING, { conversationId: 'c1', typing: true });
    ws.receive({ type: EVT.ERROR, id: ws.last(REQ.TYPING).id, data: { code: ERROR_CODE.NOT_ASSIGNED, message: 'Không được' } });
    await expect(p2).rejects.toMatchObject({ code: ERROR_CODE.NOT_ASSIGNED, message: 'Không được' });
    const p3 = client.request(REQ.SYNC, { conversationId: 'c1', afterSeq: 0 }, { timeoutMs: 1000 });
    vi.advanceTimersByTime(1000);
    await expect(p3).rejects.toMatchObject({ code: 'timeout' });
    ws.serverClose(1006);
    await expect(client.request(REQ.SYNC, {})).rejects.toMatchObject({ code: 'offline' });
  });

  it('keeps unacked messages and resends them with the same clientId after reconnect', async () => {
    make();
    client.start();
    const ws = fake.sockets[0];
    ws.open();
    ws.ready();
    const sent = client.sendMessage({ conversationId: 'c1', clientId: 'c-abc', text: 'Chào anh' });
    expect(ws.last(REQ.MESSAGE_SEND).data).toEqual({ conversationId: 'c1', clientId: 'c-abc', text: 'Chào anh' });
    ws.serverClose(1006); // ack lost
    // offline: a second message waits in the outbox
    const sent2 = client.sendMessage({ conversationId: 'c1', clientId: 'c-def', text: 'Anh cần gì?' });
    vi.advanceTimersByTime(client.nextDelay);
    const ws2 = fake.sockets[1];
    ws2.open();
    ws2.ready();
    const resent = ws2.sent.filter((f) => f.type === REQ.MESSAGE_SEND);
    expect(resent.map((f) => f.data.clientId)).toEqual(['c-abc', 'c-def']);
    ws2.receive({ type: EVT.ACK, id: resent[0].id, data: { message: { id: 'm1', seq: 1, clientId: 'c-abc' } } });
    ws2.receive({ type: EVT.ACK, id: resent[1].id, data: { message: { id: 'm2', seq: 2, clientId: 'c-def' } } });
    await expect(sent).resolves.toMatchObject({ id: 'm1' });
    await expect(sent2).resolves.toMatchObject({ id: 'm2' });
    expect(client.outbox.size).toBe(0);
  });

  it('fails a message on an error reply (e.g. not_assigned) and on timeout', async () => {
    make({ sendTimeoutMs: 5000 });
    client.start();
    const ws = fake.sockets[0];
    ws.open();
    ws.ready();
    const p = client.sendMessage({ conversationId: 'c1', clientId: 'c-1', text: 'x' });
    ws.receive({ type: EVT.ERROR, id: ws.last(REQ.MESSAGE_SEND).id, data: { code: ERROR_CODE.NOT_ASSIGNED, message: 'Chỉ An mới được trả lời' } });
    await expect(p).rejects.toMatchObject({ code: ERROR_CODE.NOT_ASSIGNED });
    const p2 = client.sendMessage({ conversationId: 'c1', clientId: 'c-2', text: 'y' });
    vi.advanceTimersByTime(5000);
    await expect(p2).rejects.toMatchObject({ code: 'timeout' });
    expect(client.outbox.size).toBe(0);
  });
});

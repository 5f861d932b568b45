import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { RealtimeClient } from './client.js';
import { createThreadFeed } from './feed.js';
import { makeFakeSocketClass } from './fake-socket.js';
import { ERROR_CODE, EVT, REQ } from './protocol.js';

const msg = (seq, extra = {}) => ({ id: `m${seq}`, conversationId: 'c1', seq, text: `t${seq}`, senderType: 'visitor', ...extra });

let fake;
let client;
let ws;
beforeEach(() => {
  vi.useFakeTimers();
  fake = makeFakeSocketClass();
  client = new RealtimeClient({ url: 'ws://x/ws', getToken: () => 't', WebSocket: fake.FakeWebSocket, random: () => 0.5 });
  client.start();
  ws = fake.sockets[0];
  ws.open();
  ws.ready();
});
afterEach(() => {
  client.stop();
  vi.useRealTimers();
});

describe('thread feed', () => {
  it('seeds from REST, joins after the gap-free seq, dedupes live + replayed events', () => {
    const onChange = vi.fn();
    const feed = createThreadFeed(client, 'c1', { onChange });
    feed.seed([msg(1), msg(2)]);
    feed.start();
    expect(ws.last(REQ.CONVERSATION_JOIN).data).toEqual({ conversationId: 'c1', afterSeq: 2 });
    ws.receive({ type: EVT.MESSAGE_CREATED, data: { message: msg(3) } });
    ws.receive({ type: EVT.MESSAGE_CREATED, data: { message: msg(3) } });
    ws.receive({ type: EVT.MESSAGE_CREATED, data: { message: { ...msg(9), conversationId: 'other' } } });
    expect(feed.state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    feed.dispose();
  });

  it('sends sync when a gap is not filled within 2 s', () => {
    const feed = createThreadFeed(client, 'c1');
    feed.seed([msg(1)]);
    feed.start();
    ws.receive({ type: EVT.MESSAGE_CREATED, data: { message: msg(3) } });
    vi.advanceTimersByTime(1999);
    expect(ws.last(REQ.SYNC)).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ws.last(REQ.SYNC).data).toEqual({ conversationId: 'c1', afterSeq: 1 });
    feed.dispose();
  });

  it('does not sync when the gap fills in time (out-of-order delivery)', () => {
    const feed = createThreadFeed(client, 'c1');
    feed.start();
    ws.receive({ type: EVT.MESSAGE_CREATED, data: { message: msg(2) } });
    vi.advanceTimersByTime(500);
    ws.receive({ type: EVT.MESSAGE_CREATED, data: { message: msg(1) } });
    vi.advanceTimersByTime(3000);
    expect(ws.last(REQ.SYNC)).toBeUndefined();
    expect(feed.state.gapFreeSeq).toBe(2);
    feed.dispose();
  });

  it('tracks pending → stored, and failed → retry with the same clientId', async () => {
    const feed = createThreadFeed(client, 'c1');
    feed.start();
    const p = feed.send('Chào anh', 'c-1', 'An');
    expect(feed.state.pending).toMatchObject([{ clientId: 'c-1', status: 'pending' }]);
    const req = ws.last(REQ.MESSAGE_SEND);
    ws.receive({ type: EVT.ERROR, id: req.id, data: { code: ERROR_CODE.UNAVAILABLE, message: 'Hệ thống đang bận' } });
    await expect(p).rejects.toMatchObject({ code: ERROR_CODE.UNAVAILABLE });
    expect(feed.state.pending).toMatchObject([{ clientId: 'c-1', status: 'failed', error: 'Hệ thống đang bận' }]);
    const p2 = feed.retry('c-1');
    const req2 = ws.last(REQ.MESSAGE_SEND);
    expect(req2.data.clientId).toBe('c-1');
    expect(req2.id).not.toBe(req.id);
    ws.receive({ type: EVT.ACK, id: req2.id, data: { message: msg(1, { clientId: 'c-1', senderType: 'agent' }) } });
    await p2;
    expect(feed.state.pending).toEqual([]);
    expect(feed.state.messages).toHaveLength(1);
    feed.dispose();
    expect(ws.last(REQ.CONVERSATION_LEAVE).data).toEqual({ conversationId: 'c1' });
  });
});

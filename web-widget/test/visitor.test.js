// Issue 14 in the connection client: where a waiting conversation stands,
// read receipts that only grow, the network going away, and refusals that
// can only be dismissed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../src/lib/connection/client.js';
import { FakeClock, makeFakeWS, makeFakeApi, msg } from './fakes.js';

function setup() {
  const clock = new FakeClock();
  const { FakeWS, instances } = makeFakeWS();
  const api = makeFakeApi();
  const c = new ChatClient({
    server: 'https://chat.example.vn', token: 'tok', conversationId: 'conv1', api, WebSocket: FakeWS,
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, random: () => 0.5, now: clock.now,
  });
  return { c, clock, api, ws: () => instances[instances.length - 1] };
}

function ready(ws, data = {}) {
  ws.open();
  ws.receive('session.ready', { role: 'visitor', conversation: { id: 'conv1', status: 'waiting' }, supportOnline: true, heartbeat: 25, ...data }, ws.last('hello').id);
  ws.receive('replay.done', { conversationId: 'conv1', lastSeq: 0 });
  return ws;
}

test('the queue position comes with session.ready and live with queue.position; it goes once an agent takes the chat', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws(), { queue: { conversationId: 'conv1', position: 3, waitSeconds: 180 } });
  assert.deepEqual(c.snapshot().queue, { conversationId: 'conv1', position: 3, waitSeconds: 180 });
  ws().receive('queue.position', { conversationId: 'conv1', position: 2, waitSeconds: 180 });
  assert.equal(c.snapshot().queue.position, 2);
  ws().receive('conversation.updated', { conversation: { id: 'conv1', status: 'assigned', assigneeName: 'An' }, change: 'assigned' });
  assert.equal(c.snapshot().queue, null);
});

test('read receipts only grow: an older copy of the conversation cannot take "Đã xem" back', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('conversation.updated', { conversation: { id: 'conv1', status: 'assigned', agentReadSeq: 4 }, change: 'read' });
  assert.equal(c.snapshot().conversation.agentReadSeq, 4);
  ws().receive('conversation.updated', { conversation: { id: 'conv1', status: 'assigned', agentReadSeq: 2, priority: 'high' }, change: 'priority' });
  assert.equal(c.snapshot().conversation.agentReadSeq, 4);
  assert.equal(c.snapshot().conversation.priority, 'high');
});

test('markRead sends the highest seq on screen', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('message.created', { message: msg(1) });
  ws().receive('message.created', { message: msg(2) });
  c.markRead();
  assert.deepEqual(ws().last('conversation.read').data, { conversationId: 'conv1', seq: 2 });
});

test('the network going away gives the socket up at once: reconnecting, and back when it returns', async () => {
  const { c, ws, clock } = setup();
  c.start();
  const first = ready(ws());
  assert.equal(c.snapshot().status, 'online');
  c.lost();
  assert.equal(c.snapshot().status, 'reconnecting', 'no waiting for a timeout');
  assert.equal(first.readyState, 3, 'the dead socket is closed');
  c.send('Tin nhắn lúc mất mạng');
  assert.equal(c.snapshot().items.at(-1).status, 'pending');
  c.wake(); // the browser's online event
  ready(ws());
  await clock.advance(0);
  assert.equal(c.snapshot().status, 'online');
  assert.equal(ws().last('message.send').data.text, 'Tin nhắn lúc mất mạng', 'resent after the replay');
});

test('a message refused for good (invalid) offers no retry; a rate limit does', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  const a = c.send('a');
  ws().receive('error', { code: 'invalid_input', message: 'Tin nhắn không hợp lệ.' }, ws().last('message.send').id);
  const b = c.send('b');
  ws().receive('error', { code: 'rate_limited', message: 'Chậm lại.', retryAfter: 5 }, ws().last('message.send').id);
  const items = Object.fromEntries(c.snapshot().items.map((m) => [m.clientId, m]));
  assert.deepEqual([items[a].status, items[a].permanent], ['failed', true]);
  assert.deepEqual([items[b].status, items[b].permanent], ['failed', false]);
});

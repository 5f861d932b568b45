import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChatClient, isTokenRejected, REPLAY_TIMEOUT_MS, GAP_MS, HEALTHY_MS, POLL_MS, ACK_TIMEOUT_MS, TYPING_CLEAR_MS, FALLBACK_WS_RETRY_MIN_MS,
} from '../src/lib/connection/client.js';
import { FakeClock, makeFakeWS, makeFakeApi, msg, flush } from './fakes.js';

function setup({ random = () => 0.5 } = {}) {
  const clock = new FakeClock();
  const { FakeWS, instances } = makeFakeWS();
  const api = makeFakeApi();
  const c = new ChatClient({
    server: 'https://chat.example.vn',
    token: 'tok',
    conversationId: 'conv1',
    api,
    WebSocket: FakeWS,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random,
    now: clock.now,
  });
  const events = { message: [], unauthorized: 0 };
  c.on('message', (m) => events.message.push(m));
  c.on('rejected', () => events.unauthorized++);
  return { c, clock, api, instances, events, ws: () => instances[instances.length - 1] };
}

/** Opens the socket and answers hello; returns the socket. */
function ready(ws, data = {}) {
  ws.open();
  const hello = ws.last('hello');
  ws.receive('session.ready', {
    role: 'visitor', conversation: { id: 'conv1', status: 'waiting' }, supportOnline: true, heartbeat: 25, ...data,
  }, hello.id);
  return ws;
}

const seqs = (c) => c.snapshot().items.filter((m) => !m.local).map((m) => m.seq);

test('hello carries the visitor token and lastSeq 0, to wss://host/ws', () => {
  const { c, ws } = setup();
  c.start();
  assert.equal(ws().url, 'wss://chat.example.vn/ws');
  ws().open();
  const hello = ws().last('hello');
  assert.deepEqual(hello.data, { token: 'tok', lastSeq: 0 });
  assert.ok(hello.id);
  assert.equal(c.status, 'connecting');
});

test('replay fills the transcript in seq order; reconnect sends the highest gap-free seq', async () => {
  const { c, clock, ws, events } = setup();
  c.start();
  ready(ws());
  assert.equal(c.status, 'online');
  ws().receive('message.created', { message: msg(2) });
  ws().receive('message.created', { message: msg(1) });
  ws().receive('message.created', { message: msg(3) });
  ws().receive('replay.done', { conversationId: 'conv1', lastSeq: 3 });
  assert.deepEqual(seqs(c), [1, 2, 3]);
  assert.ok(c.snapshot().loaded);
  assert.equal(events.message.length, 0, 'history is not announced as new');

  ws().receive('message.created', { message: msg(4) });
  assert.equal(events.message.length, 1, 'live message announced');

  const first = ws();
  first.serverClose(1006);
  assert.equal(c.status, 'reconnecting');
  await clock.advance(30_000);
  assert.notEqual(ws(), first);
  ws().open();
  assert.equal(ws().last('hello').data.lastSeq, 4);
});

test('live events that race with the replay are deduped by id', () => {
  const { c, ws, events } = setup();
  c.start();
  ready(ws());
  ws().receive('message.created', { message: msg(1) });
  ws().receive('replay.done', { lastSeq: 1 });
  ws().receive('message.created', { message: msg(2) });
  ws().receive('message.created', { message: msg(2) });
  ws().receive('message.created', { message: msg(1) });
  assert.deepEqual(seqs(c), [1, 2]);
  assert.equal(events.message.length, 1);
});

test('a gap not filled within ~2 s triggers sync with the last gap-free seq', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('message.created', { message: msg(1) });
  ws().receive('replay.done', { lastSeq: 1 });
  ws().receive('message.created', { message: msg(3) });
  await clock.advance(GAP_MS - 100);
  assert.equal(ws().frames('sync').length, 0, 'waits for the late event first');
  await clock.advance(100);
  const sync = ws().last('sync');
  assert.deepEqual(sync.data, { conversationId: 'conv1', afterSeq: 1 });
  ws().receive('message.created', { message: msg(2) });
  ws().receive('message.created', { message: msg(3) });
  ws().receive('replay.done', { lastSeq: 3 });
  assert.deepEqual(seqs(c), [1, 2, 3]);
  assert.equal(c.transcript.lastSeq, 3);
});

test('a gap filled in time sends no sync', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  ws().receive('message.created', { message: msg(2) });
  await clock.advance(500);
  ws().receive('message.created', { message: msg(1) });
  await clock.advance(5_000);
  assert.equal(ws().frames('sync').length, 0);
  assert.equal(c.transcript.lastSeq, 2);
});

test('a hole the server confirms missing (replay.done lastSeq) does not loop on sync', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('message.created', { message: msg(1) });
  ws().receive('message.created', { message: msg(3) });
  ws().receive('replay.done', { lastSeq: 3 });
  await clock.advance(10_000);
  assert.equal(ws().frames('sync').length, 0);
  assert.equal(c.transcript.lastSeq, 3);
});

test('session.resync asks for everything after the last gap-free seq', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('message.created', { message: msg(1) });
  ws().receive('replay.done', { lastSeq: 1 });
  ws().receive('session.resync', {});
  assert.equal(ws().last('sync').data.afterSeq, 1);
});

test('optimistic send: pending, then acked and matched by clientId', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  const clientId = c.send('  Xin chào  ');
  assert.match(clientId, /^[A-Za-z0-9_-]{1,64}$/);
  let items = c.snapshot().items;
  assert.equal(items.length, 1);
  assert.equal(items[0].status, 'pending');
  assert.equal(items[0].text, 'Xin chào');
  const f = ws().last('message.send');
  assert.deepEqual(f.data, { conversationId: 'conv1', clientId, text: 'Xin chào' });
  ws().receive('ack', { message: msg(1, { senderType: 'visitor', clientId, text: 'Xin chào' }) }, f.id);
  items = c.snapshot().items;
  assert.equal(items.length, 1);
  assert.equal(items[0].id, 'm1');
  assert.equal(items[0].local, undefined);
});

test('the live echo of my own message arriving before the ack is not shown twice', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  const clientId = c.send('a');
  const f = ws().last('message.send');
  const stored = msg(1, { senderType: 'visitor', clientId, text: 'a' });
  ws().receive('message.created', { message: stored });
  ws().receive('ack', { message: stored }, f.id);
  assert.equal(c.snapshot().items.length, 1);
});

test('error reply marks the message failed; rate limit shows the server message; retry reuses the clientId', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  const clientId = c.send('nhanh quá');
  const f = ws().last('message.send');
  const text = 'Bạn gửi quá nhiều tin nhắn. Vui lòng thử lại sau 10 giây.';
  ws().receive('error', { code: 'rate_limited', message: text, retryAfter: 10 }, f.id);
  const item = c.snapshot().items[0];
  assert.equal(item.status, 'failed');
  assert.equal(item.error, 'Chưa gửi được.');
  assert.deepEqual(c.snapshot().notice, { code: 'rate_limited', message: text });

  c.retry(clientId);
  assert.equal(c.snapshot().items[0].status, 'pending');
  assert.equal(c.snapshot().notice, null);
  const again = ws().last('message.send');
  assert.notEqual(again.id, f.id);
  assert.equal(again.data.clientId, clientId);
});

test('the rate-limit notice clears itself after retryAfter', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  c.send('a');
  ws().receive('error', { code: 'rate_limited', message: 'Chậm thôi.', retryAfter: 7 }, ws().last('message.send').id);
  await clock.advance(6_999);
  assert.ok(c.snapshot().notice);
  await clock.advance(1);
  assert.equal(c.snapshot().notice, null);
});

test('other send errors show the server message on the message', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  c.send('a');
  ws().receive('error', { code: 'unavailable', message: 'Máy chủ đang bận, vui lòng thử lại.' }, ws().last('message.send').id);
  assert.equal(c.snapshot().items[0].error, 'Máy chủ đang bận, vui lòng thử lại.');
  assert.equal(c.snapshot().notice, null);
});

test('no ack in time: failed, and the silent socket is recycled', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  c.send('alo');
  const sock = ws();
  await clock.advance(ACK_TIMEOUT_MS);
  assert.equal(c.snapshot().items[0].status, 'failed');
  assert.equal(sock.closedWith, 4000);
  assert.equal(c.status, 'reconnecting');
});

test('messages written while disconnected are sent after reconnect, with the same clientId', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  // one in flight when the socket drops, one written while offline
  const a = c.send('một');
  ws().serverClose(1006);
  const b = c.send('hai');
  assert.deepEqual(c.snapshot().items.map((m) => m.status), ['pending', 'pending']);
  await clock.advance(1_000);
  ready(ws());
  assert.equal(ws().frames('message.send').length, 0, 'waits for the replay to match stored ones');
  ws().receive('replay.done', { lastSeq: 0 });
  const sent = ws().frames('message.send').map((f) => f.data.clientId);
  assert.deepEqual(sent, [a, b]);
});

test('a pending message found in the replay is not sent again', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  const a = c.send('đã lưu');
  ws().serverClose(1006); // stored by the server, ack lost
  await clock.advance(1_000);
  ready(ws());
  ws().receive('message.created', { message: msg(1, { senderType: 'visitor', clientId: a, text: 'đã lưu' }) });
  ws().receive('replay.done', { lastSeq: 1 });
  assert.equal(ws().frames('message.send').length, 0);
  assert.equal(c.snapshot().items.length, 1);
});

test('backoff grows with full jitter and resets after 10 s of healthy session', async () => {
  const { c: c2, clock: k2, api: api2, ws: ws2 } = setup({ random: () => 0.999 });
  api2.online = false; // server down: no REST fallback, pure backoff
  c2.start();
  const d2 = [];
  for (let i = 0; i < 8; i++) {
    ws2().fail();
    await flush();
    const d = k2.pending().filter((x) => x !== 10_000)[0]; // ignore the hello timeout
    d2.push(d);
    await k2.advance(d);
  }
  assert.deepEqual(d2, [499, 999, 1998, 3996, 7992, 15984, 29970, 29970]);

  // healthy for 10 s: the next failure starts again at 0.5 s
  ready(ws2());
  await k2.advance(HEALTHY_MS);
  ws2().serverClose(1006);
  assert.deepEqual(k2.pending(), [499]);

  // a session that dies before 10 s keeps growing the delay
  await k2.advance(499);
  ready(ws2());
  await k2.advance(HEALTHY_MS - 1);
  ws2().serverClose(1006);
  assert.deepEqual(k2.pending(), [999]);
  c2.stop();
});

test('jitter spreads reconnects between 0 and the cap', async () => {
  let r = 0;
  const values = [0, 0.25, 0.5, 0.75];
  const { c, clock, api, ws } = setup({ random: () => values[r++ % values.length] });
  api.online = false;
  c.start();
  const seen = [];
  for (let i = 0; i < 4; i++) {
    ws().fail();
    await flush();
    const d = clock.pending().filter((x) => x !== 10_000)[0];
    seen.push(d);
    await clock.advance(d);
  }
  // attempt 0..3 with caps 500, 1000, 2000, 4000 and random 0, .25, .5, .75
  assert.deepEqual(seen, [0, 250, 1000, 3000]);
  c.stop();
});

test('server.draining: reconnect within random(0, 2 s) and resume', async () => {
  const { c, clock, ws } = setup({ random: () => 0.999 });
  c.start();
  ready(ws());
  ws().receive('message.created', { message: msg(1) });
  ws().receive('replay.done', { lastSeq: 1 });
  const old = ws();
  old.receive('server.draining', {});
  assert.equal(old.closedWith, 1000);
  const [d] = clock.pending();
  assert.ok(d <= 2_000, `drain delay ${d}`);
  await clock.advance(d);
  assert.notEqual(ws(), old);
  ws().open();
  assert.equal(ws().last('hello').data.lastSeq, 1);
});

for (const code of [4401, 4403]) {
  test(`close ${code} stops retrying and reports unauthorized`, async () => {
    const { c, clock, ws, instances, events } = setup();
    c.start();
    ws().open();
    ws().receive('error', { code: 'unauthorized', message: 'Phiên không hợp lệ.' }, ws().last('hello').id);
    ws().serverClose(code);
    assert.equal(events.unauthorized, 1);
    assert.equal(c.status, 'stopped');
    await clock.advance(120_000);
    assert.equal(instances.length, 1);
    assert.equal(clock.timers.size, 0);
  });
}

test('an unauthorized session error followed by a plain close also stops', async () => {
  const { c, clock, ws, instances, events } = setup();
  c.start();
  ws().open();
  ws().receive('error', { code: 'unauthorized', message: 'x' });
  ws().serverClose(1000);
  await clock.advance(60_000);
  assert.equal(events.unauthorized, 1);
  assert.equal(instances.length, 1);
});

test('falls back to REST after 3 failed opens, polls every 3 s, sends by POST, and returns to WebSocket', async () => {
  const { c, clock, ws, api, instances } = setup({ random: () => 0 });
  api.stored.push(msg(1), msg(2));
  c.start();
  ws().fail();
  await clock.advance(0);
  ws().fail();
  await clock.advance(0);
  assert.equal(c.status, 'reconnecting');
  ws().fail();
  await flush();
  assert.equal(c.status, 'fallback');
  assert.deepEqual(seqs(c), [1, 2], 'the probe already fetched the messages');
  assert.ok(c.snapshot().loaded);

  // the WebSocket retry in fallback fails again
  await clock.advance(0);
  ws().fail();
  assert.ok(clock.pending().includes(FALLBACK_WS_RETRY_MIN_MS), 'slow WebSocket retries while on REST');

  // polling picks up an agent message
  api.stored.push(msg(3));
  await clock.advance(POLL_MS);
  assert.deepEqual(seqs(c), [1, 2, 3]);
  assert.deepEqual(api.calls.filter((x) => x[0] === 'listMessages').map((x) => x[1]).slice(-1), [2]);

  // sending goes through POST
  const clientId = c.send('qua REST');
  await flush();
  assert.ok(api.calls.some((x) => x[0] === 'sendMessage' && x[1] === clientId));
  assert.equal(c.snapshot().items.filter((m) => m.local).length, 0);
  assert.equal(c.snapshot().items.at(-1).clientId, clientId);

  // the periodic WebSocket retry succeeds: polling stops
  const before = instances.length;
  await clock.advance(FALLBACK_WS_RETRY_MIN_MS);
  assert.equal(instances.length, before + 1);
  ready(ws());
  assert.equal(ws().last('hello').data.lastSeq, 4);
  assert.equal(c.status, 'online');
  const polls = api.calls.filter((x) => x[0] === 'listMessages').length;
  await clock.advance(POLL_MS * 5);
  assert.equal(api.calls.filter((x) => x[0] === 'listMessages').length, polls);
  c.stop();
});

test('no REST fallback when REST is down too (server restarting): keep backing off', async () => {
  const { c, clock, ws, api } = setup({ random: () => 0 });
  api.online = false;
  c.start();
  for (let i = 0; i < 5; i++) {
    ws().fail();
    await flush();
    await clock.advance(0);
  }
  assert.equal(c.status, 'reconnecting');
  assert.equal(c.fallback, false);
  // server is back
  api.online = true;
  ready(ws());
  assert.equal(c.status, 'online');
  c.stop();
});

test('REST fallback: failed POST with a server error marks the message failed; a network error keeps it pending', async () => {
  const { c, clock, ws, api } = setup({ random: () => 0 });
  c.start();
  for (let i = 0; i < 3; i++) {
    ws().fail();
    await flush();
    await clock.advance(0);
  }
  assert.equal(c.status, 'fallback');
  api.sendStatus = { status: 429, code: 'rate_limited', message: 'Chậm lại một chút.', retryAfter: 5 };
  c.send('a');
  await flush();
  assert.equal(c.snapshot().items.at(-1).status, 'failed');
  assert.equal(c.snapshot().notice.message, 'Chậm lại một chút.');
  api.sendStatus = null;
  api.online = false;
  c.send('b');
  await flush();
  assert.equal(c.snapshot().items.at(-1).status, 'pending');
  api.online = true;
  await clock.advance(POLL_MS * 2);
  const b = c.snapshot().items.find((m) => m.text === 'b');
  assert.equal(b.local, undefined, 'resent after the next successful poll');
  assert.equal(c.snapshot().items.find((m) => m.text === 'a').status, 'failed', 'failed ones wait for Thử lại');
  c.stop();
});

test('typing indicator from the agent; cleared after 6 s or by the agent message', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('replay.done', { lastSeq: 0 });
  ws().receive('typing', { conversationId: 'conv1', senderType: 'agent', senderName: 'An', typing: true });
  assert.deepEqual(c.snapshot().typing, { name: 'An' });
  await clock.advance(TYPING_CLEAR_MS);
  assert.equal(c.snapshot().typing, null);
  ws().receive('typing', { conversationId: 'conv1', senderType: 'agent', senderName: 'An', typing: true });
  ws().receive('message.created', { message: msg(1) });
  assert.equal(c.snapshot().typing, null);
});

test('visitor typing frames are throttled to one per 2 s and end with typing:false', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ready(ws());
  c.setTyping(true);
  c.setTyping(true);
  await clock.advance(1_000);
  c.setTyping(true);
  assert.equal(ws().frames('typing').length, 1);
  await clock.advance(1_000);
  c.setTyping(true);
  assert.equal(ws().frames('typing').length, 2);
  c.send('xong');
  assert.deepEqual(ws().last('typing').data, { conversationId: 'conv1', typing: false });
});

test('support status, conversation updates and read receipts', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws(), { supportOnline: false });
  assert.equal(c.snapshot().supportOnline, false);
  ws().receive('support.status', { online: true });
  assert.equal(c.snapshot().supportOnline, true);
  ws().receive('conversation.updated', { conversation: { id: 'conv1', status: 'assigned', assigneeName: 'Bình' }, change: 'assigned' });
  assert.equal(c.snapshot().conversation.assigneeName, 'Bình');
  ws().receive('message.created', { message: msg(1) });
  ws().receive('replay.done', { lastSeq: 1 });
  c.markRead();
  c.markRead();
  assert.equal(ws().frames('conversation.read').length, 1);
  assert.equal(ws().last('conversation.read').data.seq, 1);
});

test('garbage frames are ignored', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().onmessage({ data: 'not json' });
  ws().onmessage({ data: '[1,2]' });
  ws().receive('message.created', { message: { id: 1, seq: 'x' } });
  ws().receive('something.new', { a: 1 });
  assert.equal(c.snapshot().items.length, 0);
  assert.equal(c.status, 'online');
});

test('only the server\'s own JSON errors count as a rejected token (not a proxy 404 page)', () => {
  assert.ok(isTokenRejected({ status: 401, code: 'unauthorized' }));
  assert.ok(isTokenRejected({ status: 404, code: 'not_found' }));
  assert.ok(!isTokenRejected({ status: 404, code: 'internal' }), 'HTML 404 from a proxy');
  assert.ok(!isTokenRejected({ status: 502, code: 'internal' }));
  assert.ok(!isTokenRejected({ status: 0, code: 'network' }));
});

test('REST fallback: a rejected token stops the client and reports it', async () => {
  const { c, clock, ws, api, events } = setup({ random: () => 0 });
  c.start();
  for (let i = 0; i < 3; i++) {
    ws().fail();
    await flush();
    await clock.advance(0);
  }
  assert.equal(c.status, 'fallback');
  api.listMessages = async () => {
    throw { status: 401, code: 'unauthorized', message: 'Phiên đã hết hạn.' };
  };
  await clock.advance(POLL_MS);
  assert.equal(events.unauthorized, 1);
  assert.equal(c.status, 'stopped');
  assert.equal(clock.timers.size, 0);
});

test('pending messages go out even if replay.done never comes', async () => {
  const { c, clock, ws } = setup();
  c.start();
  ws().serverClose(1006);
  const id = c.send('vẫn gửi');
  await clock.advance(1_000);
  ready(ws());
  assert.equal(ws().frames('message.send').length, 0);
  await clock.advance(REPLAY_TIMEOUT_MS);
  assert.equal(ws().last('message.send').data.clientId, id);
});

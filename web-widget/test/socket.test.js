// The transport alone: hello, session.ready matching, timeouts, draining and
// the retry schedule, with the owner's callbacks recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Socket, HEALTHY_MS, HELLO_TIMEOUT_MS, FALLBACK_WS_RETRY_MIN_MS } from '../src/lib/connection/socket.js';
import { Timers } from '../src/lib/connection/timers.js';
import { FakeClock, makeFakeWS } from './fakes.js';

function setup({ random = () => 0.5, lastSeq = 0 } = {}) {
  const clock = new FakeClock();
  const { FakeWS, instances } = makeFakeWS();
  const seen = { ready: [], sessionErrors: [], frames: [], downs: [] };
  const s = new Socket({
    server: 'http://127.0.0.1:8080/',
    WebSocket: FakeWS,
    timers: new Timers(clock.setTimeout, clock.clearTimeout),
    random,
    hello: () => ({ token: 'tok', lastSeq }),
    onReady: (d) => seen.ready.push(d),
    onSessionError: (d) => seen.sessionErrors.push(d),
    onFrame: (env) => seen.frames.push(env),
    onDown: (code, wasReady) => seen.downs.push({ code, wasReady }),
  });
  return { s, clock, seen, ws: () => instances[instances.length - 1], instances };
}

test('opens ws://…/ws and says hello with the owner\'s data', () => {
  const { s, ws } = setup({ lastSeq: 7 });
  s.start();
  assert.equal(ws().url, 'ws://127.0.0.1:8080/ws');
  ws().open();
  const hello = ws().last('hello');
  assert.deepEqual(hello.data, { token: 'tok', lastSeq: 7 });
  assert.match(hello.id, /^h\d+$/);
});

test('only the session.ready answering our hello counts; other frames go up', () => {
  const { s, ws, seen } = setup();
  s.start();
  ws().open();
  ws().receive('session.ready', { role: 'visitor' }, 'someone-else');
  assert.equal(seen.ready.length, 0);
  ws().receive('session.ready', { role: 'visitor' }, ws().last('hello').id);
  assert.deepEqual(seen.ready, [{ role: 'visitor' }]);
  assert.ok(s.session.ready);
  ws().receive('message.created', { message: { id: 'm1' } });
  ws().receive('ack', {}, 'm9');
  assert.deepEqual(seen.frames.map((f) => f.type), ['message.created', 'ack']);
  assert.ok(s.send('typing', { typing: true }));
  assert.deepEqual(ws().last('typing').data, { typing: true });
});

test('an error without id or with the hello id is about the session; a request error is a frame', () => {
  const { s, ws, seen } = setup();
  s.start();
  ws().open();
  ws().receive('error', { code: 'unauthorized' }, ws().last('hello').id);
  ws().receive('error', { code: 'unavailable' });
  ws().receive('error', { code: 'rate_limited' }, 'm3');
  assert.deepEqual(seen.sessionErrors.map((d) => d.code), ['unauthorized', 'unavailable']);
  assert.deepEqual(seen.frames.map((f) => f.data.code), ['rate_limited']);
});

test('no session.ready within the hello timeout: closed with 4000, reported as a failed open', async () => {
  const { s, ws, clock, seen } = setup();
  s.start();
  ws().open();
  await clock.advance(HELLO_TIMEOUT_MS);
  assert.equal(ws().closedWith, 4000);
  assert.deepEqual(seen.downs, [{ code: 4000, wasReady: false }]);
  assert.equal(s.ws, null);
});

test('retry: full-jitter backoff that grows, failed opens counted, reset by a ready session', async () => {
  const { s, ws, clock, seen } = setup({ random: () => 0.999 });
  s.start();
  const delays = [];
  for (let i = 0; i < 4; i++) {
    ws().fail();
    s.retry(seen.downs.at(-1).wasReady, false);
    const [d] = clock.pending().filter((x) => x !== HELLO_TIMEOUT_MS);
    delays.push(d);
    await clock.advance(d);
  }
  assert.deepEqual(delays, [499, 999, 1998, 3996]);
  assert.equal(s.failedOpens, 4);
  ws().open();
  ws().receive('session.ready', {}, ws().last('hello').id);
  assert.equal(s.failedOpens, 0);
  await clock.advance(HEALTHY_MS);
  assert.equal(s.attempt, 0, 'healthy for 10 s resets the backoff');
  ws().serverClose(1006);
  assert.deepEqual(seen.downs.at(-1), { code: 1006, wasReady: true });
  s.retry(true, false);
  assert.deepEqual(clock.pending(), [499]);
});

test('slow retries while the REST fallback carries the conversation: random(15 s, 30 s)', () => {
  const { s, ws, clock } = setup({ random: () => 0 });
  s.start();
  ws().fail();
  s.retry(false, true);
  assert.deepEqual(clock.pending().filter((x) => x !== HELLO_TIMEOUT_MS), [FALLBACK_WS_RETRY_MIN_MS]);
});

test('server.draining: closed by us with 1000, next attempt within random(0, 2 s), not a failed open', async () => {
  const { s, ws, clock, seen, instances } = setup({ random: () => 0.999 });
  s.start();
  ws().open();
  ws().receive('session.ready', {}, ws().last('hello').id);
  const old = ws();
  old.receive('server.draining', {});
  assert.equal(old.closedWith, 1000);
  assert.deepEqual(seen.downs, [{ code: 1000, wasReady: true }]);
  s.retry(true, false);
  const [d] = clock.pending();
  assert.ok(d < 2000, `drain delay ${d}`);
  assert.equal(s.failedOpens, 0);
  await clock.advance(d);
  assert.equal(instances.length, 2);
});

test('recycle ends only the socket it was asked about', () => {
  const { s, ws, seen } = setup();
  s.start();
  ws().open();
  ws().receive('session.ready', {}, ws().last('hello').id);
  s.recycle(4000, { some: 'older socket' });
  assert.equal(seen.downs.length, 0);
  const cur = ws();
  s.recycle(4000, cur);
  assert.equal(cur.closedWith, 4000);
  assert.deepEqual(seen.downs, [{ code: 4000, wasReady: true }]);
});

test('wake connects at once; stop closes without reporting and leaves no timer', async () => {
  const { s, ws, clock, seen, instances } = setup();
  s.start();
  ws().fail();
  s.retry(false, false);
  s.wake();
  assert.equal(instances.length, 2, 'no wait for the backoff');
  s.wake();
  assert.equal(instances.length, 2, 'a socket is already open');
  s.stop();
  assert.equal(ws().closedWith, 1000);
  assert.equal(seen.downs.length, 1, 'our own close is not reported');
  assert.equal(clock.timers.size, 0);
  s.wake();
  await clock.advance(60_000);
  assert.equal(instances.length, 2);
});

// The REST fallback alone, on a stub client: the probe, paging through
// `?after=`, the poll loop and what a failed poll does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fallback, POLL_MS } from '../src/lib/connection/fallback.js';
import { makeHub, msg, flush } from './fakes.js';

function setup() {
  const hub = makeHub({ status: 'reconnecting' });
  hub.rest = new Fallback(hub);
  return hub;
}

const listed = (hub) => hub.api.calls.filter((c) => c[0] === 'listMessages').map((c) => c[1]);

test('the probe polls once; REST answering switches to the fallback, resends and starts polling', async () => {
  const hub = setup();
  hub.api.stored.push(msg(1), msg(2));
  await hub.rest.probe();
  assert.equal(hub.rest.active, true);
  assert.equal(hub.rest.ok, true);
  assert.equal(hub.status, 'fallback');
  assert.equal(hub.loaded, true);
  assert.equal(hub.outbox.resent, 1);
  assert.deepEqual(hub.conversation, { id: 'conv1', status: 'assigned', assigneeName: 'An' });
  assert.equal(hub.supportOnline, true);
  assert.deepEqual(hub.feed.added.map((m) => m.seq), [1, 2]);

  hub.api.stored.push(msg(3));
  await hub.clock.advance(POLL_MS);
  assert.deepEqual(hub.feed.added.map((m) => m.seq), [1, 2, 3]);
  assert.deepEqual(listed(hub), [0, 2], 'each poll asks after the last gap-free seq');
  assert.equal(hub.outbox.resent, 2, 'a successful poll resends what is pending');

  hub.rest.leave();
  await hub.clock.advance(POLL_MS * 3);
  assert.equal(listed(hub).length, 2, 'no polling once the WebSocket is back');
});

test('no switch when REST is down too, or when the WebSocket came back meanwhile', async () => {
  const hub = setup();
  hub.api.online = false;
  await hub.rest.probe();
  assert.equal(hub.rest.active, false);
  assert.equal(hub.rest.ok, false);
  assert.equal(hub.status, 'reconnecting');

  hub.api.online = true;
  const probe = hub.rest.probe();
  hub.status = 'online';
  await probe;
  assert.equal(hub.rest.active, false);
});

test('a poll reads every page, and the conversation only every 4th poll', async () => {
  const hub = setup();
  for (let i = 1; i <= 250; i++) hub.api.stored.push(msg(i));
  assert.equal(await hub.rest.poll(false), true);
  assert.deepEqual(listed(hub), [0, 100, 200]);
  assert.equal(hub.transcript.lastSeq, 250);
  for (let i = 0; i < 4; i++) await hub.rest.poll(false);
  assert.equal(hub.api.calls.filter((c) => c[0] === 'getConversation').length, 2, 'polls 1 and 5');
});

test('a hole the server does not fill is skipped after a full listing', async () => {
  const hub = setup();
  hub.api.stored.push(msg(1), msg(3));
  await hub.rest.poll(false);
  assert.equal(hub.transcript.lastSeq, 3);
});

test('a failed poll while on REST shows reconnecting; a refused token rejects', async () => {
  const hub = setup();
  await hub.rest.probe();
  hub.api.online = false;
  await hub.clock.advance(POLL_MS);
  assert.equal(hub.status, 'reconnecting');
  assert.equal(hub.rest.ok, false);
  assert.equal(hub.outbox.resent, 1, 'nothing resent on a failed poll');
  hub.api.online = true;
  await hub.clock.advance(POLL_MS);
  assert.equal(hub.status, 'fallback');

  hub.api.listMessages = async () => {
    throw { status: 401, code: 'unauthorized', message: 'Phiên đã hết hạn.' };
  };
  await hub.clock.advance(POLL_MS);
  await flush();
  assert.equal(hub.rejected, 1);
});

// The resend queue alone, on a stub client: which way a pending message
// goes, ack/error matching, the ack timeout, resends with the same clientId.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, ACK_TIMEOUT_MS } from '../src/lib/connection/outbox.js';
import { t } from '../src/i18n/index.js';

const MSG_SEND_FAILED = t('sendFailed');
import { MAX_TEXT_CHARS } from '../src/lib/protocol.js';
import { makeHub, msg, flush } from './fakes.js';

function setup(over) {
  const hub = makeHub(over);
  hub.outbox = new Outbox(hub);
  return hub;
}

const pending = (hub) => [...hub.transcript.pending.values()];

test('add trims, refuses empty and too long texts, and does not send by itself', () => {
  const hub = setup();
  assert.equal(hub.outbox.add('   '), null);
  assert.equal(hub.outbox.add('a'.repeat(MAX_TEXT_CHARS + 1)), null);
  assert.ok(hub.outbox.add('ắ'.repeat(MAX_TEXT_CHARS)), 'the limit counts characters, not UTF-16 units');
  const id = hub.outbox.add('  Chào  ');
  assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
  assert.equal(hub.transcript.pending.get(id).text, 'Chào');
  assert.equal(hub.frames.length, 0);
});

test('online: message.send with the clientId; the ack stores the message and clears the notice', () => {
  const hub = setup();
  hub.notice = { code: 'rate_limited', message: 'x' };
  const id = hub.outbox.add('một');
  hub.outbox.dispatch(id);
  hub.outbox.dispatch(id); // already in flight: not sent twice
  assert.equal(hub.frames.length, 1);
  const f = hub.frames[0];
  assert.equal(f.type, 'message.send');
  assert.deepEqual(f.data, { conversationId: 'conv1', clientId: id, text: 'một' });
  hub.outbox.ack('other-id', { message: msg(9) });
  assert.equal(hub.feed.added.length, 0, 'not ours');
  hub.outbox.ack(f.id, { message: msg(1, { senderType: 'visitor', clientId: id, text: 'một' }) });
  assert.equal(hub.feed.added.length, 1);
  assert.equal(pending(hub).length, 0);
  assert.equal(hub.notice, null);
  assert.equal(hub.outbox.inflight.size, 0);
});

test('while replaying or disconnected it waits; resend() sends every pending one with its clientId', () => {
  const hub = setup();
  hub.feed.replaying = true;
  const a = hub.outbox.add('a');
  hub.outbox.dispatch(a);
  hub.status = 'reconnecting';
  const b = hub.outbox.add('b');
  hub.outbox.dispatch(b);
  assert.equal(hub.frames.length, 0);
  hub.status = 'online';
  hub.feed.replaying = false;
  hub.outbox.resend();
  assert.deepEqual(hub.frames.map((f) => f.data.clientId), [a, b]);
});

test('no ack in time: failed, and the socket it went out on is recycled', async () => {
  const hub = setup();
  const id = hub.outbox.add('alo');
  hub.outbox.dispatch(id);
  await hub.clock.advance(ACK_TIMEOUT_MS - 1);
  assert.equal(pending(hub)[0].status, 'pending');
  await hub.clock.advance(1);
  assert.deepEqual([pending(hub)[0].status, pending(hub)[0].error], ['failed', MSG_SEND_FAILED]);
  assert.deepEqual(hub.socket.recycled, [{ code: 4000, ws: hub.socket.ws }]);
});

test('reset (socket gone): no ack timeout fires; the message stays pending for the resend', async () => {
  const hub = setup();
  const id = hub.outbox.add('alo');
  hub.outbox.dispatch(id);
  hub.outbox.reset();
  await hub.clock.advance(ACK_TIMEOUT_MS * 2);
  assert.equal(pending(hub)[0].status, 'pending');
  assert.equal(hub.socket.recycled.length, 0);
  assert.equal(hub.clock.timers.size, 0);
});

test('error replies: rate limit is one notice and "Chưa gửi được." on the message; others show the server text', () => {
  const hub = setup();
  const a = hub.outbox.add('a');
  hub.outbox.dispatch(a);
  hub.outbox.error(hub.frames[0].id, { code: 'rate_limited', message: 'Chậm lại.', retryAfter: 7 });
  assert.deepEqual(hub.notices, [{ code: 'rate_limited', message: 'Chậm lại.', secs: 7 }]);
  assert.deepEqual([pending(hub)[0].status, pending(hub)[0].error], ['failed', MSG_SEND_FAILED]);
  const b = hub.outbox.add('b');
  hub.outbox.dispatch(b);
  hub.outbox.error(hub.frames[1].id, { code: 'unavailable', message: 'Máy chủ đang bận.' });
  assert.equal(hub.transcript.pending.get(b).error, 'Máy chủ đang bận.');
  assert.equal(hub.notices.length, 1);

  // retry: pending again, same clientId, notice cleared
  hub.outbox.retry(a);
  assert.equal(hub.notice, null);
  assert.equal(hub.frames.at(-1).data.clientId, a);
  assert.notEqual(hub.frames.at(-1).id, hub.frames[0].id);
});

test('REST fallback: POST with the clientId; a network error keeps it pending, a 4xx fails it, a refused token rejects', async () => {
  const hub = setup({ status: 'fallback' });
  hub.rest.active = true;
  hub.rest.ok = true;
  const a = hub.outbox.add('qua REST');
  hub.outbox.dispatch(a);
  hub.outbox.dispatch(a); // already being POSTed
  await flush();
  assert.deepEqual(hub.api.calls.filter((c) => c[0] === 'sendMessage'), [['sendMessage', a, 'qua REST']]);
  assert.equal(pending(hub).length, 0);

  hub.api.online = false;
  const b = hub.outbox.add('b');
  hub.outbox.dispatch(b);
  await flush();
  assert.equal(hub.transcript.pending.get(b).status, 'pending');
  assert.equal(hub.rest.ok, false, 'the next successful poll resends it');

  hub.api.online = true;
  hub.rest.ok = true;
  hub.api.sendStatus = { status: 400, code: 'invalid_input', message: 'Tin nhắn không hợp lệ.' };
  hub.outbox.dispatch(b);
  await flush();
  assert.equal(hub.transcript.pending.get(b).error, 'Tin nhắn không hợp lệ.');

  hub.api.sendStatus = { status: 401, code: 'unauthorized', message: 'Phiên đã hết hạn.' };
  hub.outbox.retry(b);
  await flush();
  assert.equal(hub.rejected, 1);
});

test('a file message is handed to the uploads, in every mode', () => {
  const hub = setup();
  hub.transcript.addPending('f1', '', 'now', { file: { name: 'a.pdf', size: 1 }, kind: 'file' });
  hub.outbox.dispatch('f1');
  hub.status = 'reconnecting';
  hub.outbox.resend();
  assert.deepEqual(hub.uploads.started, ['f1', 'f1']);
  assert.equal(hub.frames.length, 0);
});

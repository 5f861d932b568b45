import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transcript } from '../src/lib/connection/transcript.js';
import { msg } from './fakes.js';

test('inserts by seq and tracks the highest gap-free seq', () => {
  const t = new Transcript();
  assert.ok(t.add(msg(1)));
  assert.ok(t.add(msg(3)));
  assert.equal(t.lastSeq, 1);
  assert.ok(t.hasGap());
  assert.ok(t.add(msg(2)));
  assert.deepEqual(t.messages.map((m) => m.seq), [1, 2, 3]);
  assert.equal(t.lastSeq, 3);
  assert.ok(!t.hasGap());
});

test('dedupes by id and refuses malformed messages', () => {
  const t = new Transcript();
  assert.ok(t.add(msg(1)));
  assert.ok(!t.add(msg(1)));
  assert.ok(!t.add({ ...msg(1), id: 'other' }), 'same seq, other id');
  assert.ok(!t.add({ id: 'x', seq: 0, text: 'a' }));
  assert.ok(!t.add(null));
  assert.equal(t.messages.length, 1);
});

test('a stored message replaces its pending copy by clientId', () => {
  const t = new Transcript();
  t.addPending('c-1', 'xin chào', '2026-01-01T00:00:00Z');
  assert.equal(t.items().length, 1);
  assert.equal(t.items()[0].status, 'pending');
  t.add(msg(1, { senderType: 'visitor', clientId: 'c-1', text: 'xin chào' }));
  assert.equal(t.items().length, 1);
  assert.equal(t.items()[0].id, 'm1');
  assert.ok(t.isStored('c-1'));
});

test('failed messages are not resent automatically', () => {
  const t = new Transcript();
  t.addPending('a', '1', '');
  t.addPending('b', '2', '');
  t.mark('a', 'failed', 'lỗi');
  assert.deepEqual(t.toResend().map((p) => p.clientId), ['b']);
  assert.equal(t.pending.get('a').error, 'lỗi');
});

test('skipTo settles a hole the server does not have', () => {
  const t = new Transcript();
  t.add(msg(1));
  t.add(msg(4));
  t.add(msg(5));
  t.skipTo(3);
  assert.equal(t.lastSeq, 5);
  t.skipTo(99);
  assert.equal(t.lastSeq, 5, 'never past what we hold');
});

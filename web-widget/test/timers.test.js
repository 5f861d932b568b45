import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timers } from '../src/lib/connection/timers.js';
import { FakeClock } from './fakes.js';

test('named timers: re-arming replaces, clear cancels, clearAll leaves nothing', async () => {
  const clock = new FakeClock();
  const t = new Timers(clock.setTimeout, clock.clearTimeout);
  const fired = [];
  t.set('a', 100, () => fired.push('a1'));
  t.set('a', 200, () => fired.push('a2'));
  t.set('b', 50, () => fired.push('b'));
  assert.ok(t.has('a'));
  await clock.advance(300);
  assert.deepEqual(fired, ['b', 'a2']);
  assert.ok(!t.has('a'), 'a fired timer is gone');
  t.set('c', 10, () => fired.push('c'));
  t.clear('c');
  t.set('d', 10, () => fired.push('d'));
  t.clearAll();
  const u = t.after(10, () => fired.push('u'));
  t.cancel(u);
  await clock.advance(100);
  assert.deepEqual(fired, ['b', 'a2']);
  assert.equal(clock.timers.size, 0);
});

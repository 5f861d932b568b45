import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffCap, backoffDelay, CAP_MS, BASE_MS } from '../src/lib/connection/backoff.js';

test('cap doubles from 0.5 s and stops at 30 s', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(backoffCap), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(backoffCap(1000), CAP_MS);
  assert.equal(backoffCap(-3), BASE_MS);
});

test('full jitter: delay is uniform in [0, cap)', () => {
  for (let a = 0; a < 12; a++) {
    assert.equal(backoffDelay(a, () => 0), 0);
    assert.equal(backoffDelay(a, () => 0.5), Math.floor(backoffCap(a) / 2));
    const hi = backoffDelay(a, () => 0.999999);
    assert.ok(hi < backoffCap(a) && hi >= backoffCap(a) - 1, `attempt ${a}: ${hi}`);
  }
});

test('real randomness stays within bounds and spreads out', () => {
  const seen = new Set();
  for (let i = 0; i < 2000; i++) {
    const d = backoffDelay(6);
    assert.ok(d >= 0 && d < CAP_MS);
    seen.add(Math.floor(d / 3000));
  }
  assert.equal(seen.size, 10, 'delays cover the whole range');
});

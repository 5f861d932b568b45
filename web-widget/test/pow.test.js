import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { zeroBits, solve } from '../src/lib/pow.js';

function zeroBitsOf(s) {
  const d = createHash('sha256').update(s).digest();
  let n = 0;
  for (const byte of d) {
    if (byte) return n + Math.clz32(byte) - 24;
    n += 8;
  }
  return n;
}

test('zeroBits matches SHA-256 for every length of one block', () => {
  for (let len = 0; len <= 55; len++) {
    for (let k = 0; k < 20; k++) {
      const s = randomBytes(64).toString('base64').slice(0, len);
      assert.equal(zeroBits(s), zeroBitsOf(s), JSON.stringify(s));
    }
  }
  // inputs with many leading zero bits
  for (let n = 0, found = 0; found < 5; n++) {
    const s = 'AbCdEfGhIjKlMnOp:' + n;
    const want = zeroBitsOf(s);
    if (want >= 12) {
      assert.equal(zeroBits(s), want, s);
      found++;
    }
  }
});

test('solve finds an answer the server accepts', async () => {
  const prefix = randomBytes(12).toString('base64url');
  const answer = await solve({ prefix, bits: 12 });
  assert.match(answer, /^\d{1,12}$/);
  assert.ok(zeroBitsOf(prefix + ':' + answer) >= 12);
});

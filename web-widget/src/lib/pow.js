// The form's proof of work (internal/chat/challenge.go): find a counter n
// such that SHA-256(prefix + ":" + n) starts with `bits` zero bits. The
// input is under 56 ASCII bytes, so one SHA-256 block is all it hashes: a
// few hundred bytes of code instead of a library, and no crypto.subtle
// (missing on plain-HTTP pages). It runs in slices while the visitor types.

const K = [];
const H = [];
for (let n = 2, i = 0; i < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
  if (!prime) continue;
  // the first 32 bits of the fractional parts of the square and cube roots
  if (i < 8) H[i] = (n ** 0.5 * 2 ** 32) | 0;
  K[i++] = (n ** (1 / 3) * 2 ** 32) | 0;
}

const rotr = (x, r) => (x >>> r) | (x << (32 - r));

/**
 * Leading zero bits of SHA-256(s), for an ASCII s of at most 55 bytes
 * (counted in the first 64 bits of the digest: enough for any difficulty).
 * @param {string} s
 */
export function zeroBits(s) {
  const w = new Array(64).fill(0);
  const L = s.length;
  for (let j = 0; j < L; j++) w[j >> 2] |= s.charCodeAt(j) << (24 - 8 * (j & 3));
  w[L >> 2] |= 0x80 << (24 - 8 * (L & 3));
  w[15] = L * 8;
  for (let j = 16; j < 64; j++) {
    const a = w[j - 15];
    const b = w[j - 2];
    w[j] = (w[j - 16] + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[j - 7] + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10))) | 0;
  }
  let [a, b, c, d, e, f, g, h] = H;
  for (let j = 0; j < 64; j++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[j] + w[j]) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  const z = Math.clz32(a + H[0]);
  return z < 32 ? z : 32 + Math.clz32(b + H[1]);
}

/**
 * Solves a challenge without blocking the page: slices of 2,000 hashes,
 * each followed by a yield to the event loop.
 * @param {{prefix: string, bits: number}} ch
 * @returns {Promise<string>} the answer
 */
export function solve(ch) {
  return new Promise((resolve) => {
    let n = 0;
    const run = () => {
      for (const end = n + 2000; n < end; n++) if (zeroBits(ch.prefix + ':' + n) >= ch.bits) return resolve(String(n));
      setTimeout(run);
    };
    run();
  });
}

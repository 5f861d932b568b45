// Scaling for the hand-written SVG charts.

/** A "nice" axis maximum ≥ max: 1, 2, 5 × 10^n (at least 1). */
export function niceMax(max) {
  const m = Number(max);
  if (!Number.isFinite(m) || m <= 1) return 1;
  const exp = Math.floor(Math.log10(m));
  const base = 10 ** exp;
  for (const f of [1, 2, 5, 10]) {
    if (f * base >= m) return f * base;
  }
  return 10 * base;
}

/** Integer ticks 0..max (at most `count`+1 of them). */
export function ticks(max, count = 4) {
  const step = Math.max(1, Math.ceil(max / count));
  const out = [];
  for (let v = 0; v <= max; v += step) out.push(v);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

/**
 * Bars for values in a width × height box: [{x, y, width, height, value}].
 * Heights are proportional to value / niceMax(max); a gap of `gap` (0–1 of a slot).
 */
export function scaleBars(values, { width, height, gap = 0.2 } = {}) {
  const n = values.length;
  if (!n) return { max: 1, bars: [] };
  const max = niceMax(Math.max(0, ...values.map((v) => Number(v) || 0)));
  const slot = width / n;
  const bw = Math.max(1, slot * (1 - gap));
  const bars = values.map((raw, i) => {
    const value = Math.max(0, Number(raw) || 0);
    const h = (value / max) * height;
    return { x: i * slot + (slot - bw) / 2, y: height - h, width: bw, height: h, value };
  });
  return { max, bars };
}

import { describe, expect, it } from 'vitest';
import { niceMax, scaleBars, ticks } from './scale.js';

describe('niceMax', () => {
  it('rounds up to 1, 2, 5 × 10^n', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(12)).toBe(20);
    expect(niceMax(50)).toBe(50);
    expect(niceMax(51)).toBe(100);
  });
});

describe('ticks', () => {
  it('spans 0..max with integer steps', () => {
    expect(ticks(10)).toEqual([0, 3, 6, 9, 10]);
    expect(ticks(1)).toEqual([0, 1]);
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
  });
});

describe('scaleBars', () => {
  it('scales heights to the nice maximum and lays bars out in slots', () => {
    const { max, bars } = scaleBars([0, 5, 10], { width: 300, height: 100, gap: 0.5 });
    expect(max).toBe(10);
    expect(bars.map((b) => b.height)).toEqual([0, 50, 100]);
    expect(bars.map((b) => b.y)).toEqual([100, 50, 0]);
    expect(bars[0].width).toBe(50);
    expect(bars.map((b) => b.x)).toEqual([25, 125, 225]);
  });
  it('handles no data and all zeros', () => {
    expect(scaleBars([], { width: 10, height: 10 }).bars).toEqual([]);
    const z = scaleBars([0, 0], { width: 10, height: 10 });
    expect(z.max).toBe(1);
    expect(z.bars.every((b) => b.height === 0)).toBe(true);
  });
});

import { describe, it, expect } from 'vitest';
import { createPendingResolves } from './pending-resolve.js';

function fakeTimers() {
  let t = 0;
  let queue = [];
  return {
    now: () => t,
    setTimer: (fn, ms) => { const h = { fn, at: t + ms }; queue.push(h); return h; },
    clearTimer: (h) => { queue = queue.filter((x) => x !== h); },
    advance(ms) {
      t += ms;
      const due = queue.filter((x) => x.at <= t);
      queue = queue.filter((x) => x.at > t);
      due.forEach((x) => x.fn());
    },
  };
}

describe('pending resolves (undo of "Kết thúc")', () => {
  it('sends the resolve only after the undo window', () => {
    const sent = [];
    const clock = fakeTimers();
    const s = createPendingResolves({ send: (id) => sent.push(id), ...clock, delay: 5000 });
    s.schedule('c1', 'Hoa');
    s.schedule('c1', 'Hoa'); // twice is once
    clock.advance(4999);
    expect(sent).toEqual([]);
    expect(s.isPending('c1')).toBe(true);
    clock.advance(1);
    expect(sent).toEqual(['c1']);
    expect(s.get()).toEqual([]);
  });
  it('undo sends nothing; flush sends what is left at once, with keepalive', () => {
    const sent = [];
    const clock = fakeTimers();
    const s = createPendingResolves({ send: (id, opts) => sent.push([id, opts]), ...clock });
    s.schedule('a', 'A');
    s.schedule('b', 'B');
    s.undo('a');
    s.flush({ keepalive: true });
    clock.advance(10000);
    expect(sent).toEqual([['b', { keepalive: true }]]);
  });
});

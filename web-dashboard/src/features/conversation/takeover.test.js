import { describe, expect, it } from 'vitest';
import { secondsLeft, takeoverEndedText } from './takeover.js';

describe('takeoverEndedText', () => {
  const takeover = { requesterId: 'b', requesterName: 'Bình' };
  it.each([
    ['accepted', 'b', 'An đã đồng ý: bạn đang phụ trách cuộc trò chuyện.'],
    ['accepted', 'a', 'An đã đồng ý chuyển cuộc trò chuyện cho Bình.'],
    ['declined', 'b', 'An đã từ chối yêu cầu của bạn.'],
    ['declined', 'x', 'An đã từ chối yêu cầu của Bình.'],
    ['cancelled', 'a', 'Bình đã huỷ yêu cầu nhận cuộc trò chuyện.'],
    ['passed', 'b', 'Không có phản hồi: bạn đang phụ trách cuộc trò chuyện.'],
    ['expired', 'b', 'Yêu cầu nhận cuộc trò chuyện của bạn đã hết hạn.'],
  ])('%s seen by %s', (outcome, me, want) => {
    expect(takeoverEndedText({ takeover, outcome, byName: outcome === 'expired' || outcome === 'passed' ? '' : outcome === 'cancelled' ? 'Bình' : 'An' }, me)).toBe(want);
  });
});

describe('secondsLeft', () => {
  it.each([
    [60000, 0, 60],
    [60000, 59001, 1],
    [60000, 60000, 0],
    [60000, 75000, 0],
  ])('deadline %i at %i', (deadline, now, want) => {
    expect(secondsLeft(deadline, now)).toBe(want);
  });
});

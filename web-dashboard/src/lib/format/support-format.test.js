import { describe, expect, it } from 'vitest';
import { addDays, formatBytes, formatDuration, normalizeTag, priorityRank, vietnamToday } from './index.js';

describe('formatDuration', () => {
  it('formats seconds in Vietnamese with two units at most', () => {
    expect(formatDuration(90)).toBe('1 phút 30 giây');
    expect(formatDuration(45)).toBe('45 giây');
    expect(formatDuration(60)).toBe('1 phút');
    expect(formatDuration(1200)).toBe('20 phút');
    expect(formatDuration(3725)).toBe('1 giờ 2 phút');
    expect(formatDuration(3601)).toBe('1 giờ');
    expect(formatDuration(90061)).toBe('1 ngày 1 giờ');
    expect(formatDuration(0)).toBe('0 giây');
    expect(formatDuration(12.6)).toBe('13 giây');
    expect(formatDuration(null)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses base 1024 and a decimal comma', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1,5 KB');
    expect(formatBytes(1.2 * 1024 * 1024)).toBe('1,2 MB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MB');
    expect(formatBytes(-1)).toBe('');
  });
});

describe('dates and tags', () => {
  it('computes the Vietnam date (UTC+7)', () => {
    expect(vietnamToday(Date.parse('2026-11-21T17:30:00Z'))).toBe('2026-11-22');
    expect(vietnamToday(Date.parse('2026-11-21T16:59:00Z'))).toBe('2026-11-21');
    expect(addDays('2026-11-22', -6)).toBe('2026-11-16');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
  it('normalises tags like the server and ranks priorities', () => {
    expect(normalizeTag('  Khách  VIP ')).toBe('khách vip');
    expect(priorityRank('urgent')).toBe(0);
    expect(priorityRank(undefined)).toBe(2);
    expect(priorityRank('low')).toBe(3);
  });
});

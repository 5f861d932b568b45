import { describe, it, expect } from 'vitest';
import { refreshDelay } from './auth-store.js';

describe('token refresh', () => {
  it('refreshes 5 min before expiry, or at 80 % for short tokens', () => {
    const now = Date.parse('2026-11-22T01:00:00Z');
    expect(refreshDelay('2026-11-22T02:00:00Z', now)).toBe(55 * 60 * 1000);
    expect(refreshDelay('2026-11-22T01:05:00Z', now)).toBe(4 * 60 * 1000);
    expect(refreshDelay('2026-11-22T00:59:00Z', now)).toBe(0);
    expect(refreshDelay('garbage', now)).toBeNull();
  });
});

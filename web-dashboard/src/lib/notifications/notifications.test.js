import { describe, it, expect } from 'vitest';
import { titleWithCount } from './index.js';

describe('document title', () => {
  it('puts the unread count in the title', () => {
    expect(titleWithCount(0)).toBe('chatdesk');
    expect(titleWithCount(3)).toBe('(3) chatdesk');
    expect(titleWithCount(150)).toBe('(99+) chatdesk');
  });
});

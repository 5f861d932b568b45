import { describe, it, expect } from 'vitest';
import { blockChoices, blockState, networkOf } from './blocks.js';

describe('blocks', () => {
  it('offers what the conversation has', () => {
    expect(blockChoices({ visitor: {} }).map((c) => c.kind)).toEqual(['visitor']);
    const all = blockChoices({ visitor: { phone: '0912345678', ip: '203.0.113.7' } });
    expect(all.map((c) => c.kind)).toEqual(['visitor', 'phone', 'ip', 'network']);
    expect(all[3].label).toBe('Dải mạng 203.0.113.0/24');
    expect(blockChoices({ visitor: { ip: '2001:db8::1' } })[2].label).toBe('Dải mạng của địa chỉ này');
  });
  it('names networks and states', () => {
    expect(networkOf('10.1.2.3')).toBe('10.1.2.0/24');
    expect(networkOf('x')).toBe('');
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(blockState({ expiresAt: '2026-01-02T00:00:00Z' }, now)).toBe('active');
    expect(blockState({ expiresAt: '2025-12-31T00:00:00Z' }, now)).toBe('expired');
  });
});

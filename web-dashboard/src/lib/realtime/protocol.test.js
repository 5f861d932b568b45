import { describe, it, expect } from 'vitest';
import { backoffDelay, drainDelay, decode, encode, isValidClientId, wsUrl } from './protocol.js';

describe('backoff with full jitter', () => {
  it('is random(0, min(30 s, 0.5 s × 2^attempt))', () => {
    const max = () => 0.999999;
    expect(backoffDelay(0, max)).toBe(499);
    expect(backoffDelay(1, max)).toBe(999);
    expect(backoffDelay(3, max)).toBe(3999);
    expect(backoffDelay(6, max)).toBe(29999); // 32 s capped to 30 s
    expect(backoffDelay(20, max)).toBe(29999);
    expect(backoffDelay(5, () => 0)).toBe(0);
    for (let i = 0; i < 200; i += 1) {
      const d = backoffDelay(4);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(8000);
    }
  });
  it('waits random(0, 2 s) after server.draining', () => {
    expect(drainDelay(() => 0.5)).toBe(1000);
    expect(drainDelay(() => 0.999999)).toBeLessThan(2000);
  });
});

describe('envelopes', () => {
  it('encodes with optional id and decodes defensively', () => {
    expect(JSON.parse(encode('hello', { token: 't' }, 'h1'))).toEqual({ type: 'hello', id: 'h1', data: { token: 't' } });
    expect(JSON.parse(encode('typing', { typing: true }))).toEqual({ type: 'typing', data: { typing: true } });
    expect(decode('{"type":"ack","id":"r1","data":{"x":1}}')).toEqual({ type: 'ack', id: 'r1', data: { x: 1 } });
    expect(decode('{"type":"server.draining"}')).toEqual({ type: 'server.draining', id: null, data: {} });
    expect(decode('not json')).toBeNull();
    expect(decode('{"data":{}}')).toBeNull();
  });
  it('validates client ids and builds the ws url', () => {
    expect(isValidClientId('c-abc_123')).toBe(true);
    expect(isValidClientId('')).toBe(false);
    expect(isValidClientId('a'.repeat(65))).toBe(false);
    expect(isValidClientId('có dấu')).toBe(false);
    expect(wsUrl({ protocol: 'https:', host: 'chat.example.vn' })).toBe('wss://chat.example.vn/ws?client=dashboard');
    expect(wsUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/ws?client=dashboard');
  });
});

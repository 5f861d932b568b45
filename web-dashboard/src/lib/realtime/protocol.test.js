import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wire from '../../../../internal/protocol/wire.js';
import * as protocol from './protocol.js';
import { backoffDelay, drainDelay, decode, encode, isValidClientId, wsUrl } from './protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, '..', '..');
const GROUPS = ['REQ', 'EVT', 'CHANGE', 'CLOSE', 'ERROR_CODE', 'LIMITS'];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.jsx?$/.test(e.name) ? [{ file: path.relative(src, p), text: readFileSync(p, 'utf8') }] : [];
  });
}

// The names come from internal/protocol/wire.js (generated from the Go
// protocol package); this file is the one place that spells them, to pin them.
describe('protocol names from wire.js', () => {
  it('re-exports the wire names as they are', () => {
    for (const g of GROUPS) expect(protocol[g], g).toBe(wire[g]);
    expect(protocol.REQ.HELLO).toBe('hello');
    expect(protocol.REQ.CONVERSATION_JOIN).toBe('conversation.join');
    expect(protocol.REQ.CONVERSATION_LEAVE).toBe('conversation.leave');
    expect(protocol.REQ.CONVERSATION_READ).toBe('conversation.read');
    expect(protocol.EVT.MESSAGE_CREATED).toBe('message.created');
    expect(protocol.EVT.CONVERSATION_UPDATED).toBe('conversation.updated');
    expect(protocol.EVT.SESSION_READY).toBe('session.ready');
    expect(protocol.CHANGE.HANDOFF).toBe('handoff');
    expect(protocol.CLOSE.UNAUTHORIZED).toBe(4401);
    expect(protocol.CLOSE.DISABLED).toBe(4403);
    expect(protocol.ERROR_CODE.RATE_LIMITED).toBe('rate_limited');
    expect([...protocol.FATAL_CLOSE_CODES].sort()).toEqual([4401, 4403]);
    expect(protocol.MAX_TEXT_CHARS).toBe(4000);
    expect(protocol.MAX_FRAME_BYTES).toBe(16 * 1024);
    expect(Object.isFrozen(protocol.EVT)).toBe(true);
  });

  it('every protocol name the dashboard uses exists in wire.js (a typo would be undefined)', () => {
    const used = new Set();
    for (const { file, text } of sources(src)) {
      for (const m of text.matchAll(/\b(REQ|EVT|CHANGE|CLOSE|ERROR_CODE|LIMITS)\.([A-Z][A-Z0-9_]*)\b/g)) {
        expect(Object.hasOwn(wire[m[1]], m[2]), `${file}: ${m[0]}`).toBe(true);
        used.add(m[0]);
      }
    }
    expect(used.has('EVT.MESSAGE_CREATED') && used.has('REQ.CONVERSATION_JOIN') && used.has('ERROR_CODE.UNAUTHORIZED')).toBe(true);
  });

  it('no frame name, close code or error code is spelled out elsewhere in src/', () => {
    // Values that cannot be anything else: dotted frame names, error codes
    // with an underscore, the 44xx close codes. (Plain words such as
    // 'typing' or 'message' are also field names, so they are not checked.)
    const names = [...Object.values(wire.REQ), ...Object.values(wire.EVT), ...Object.values(wire.ERROR_CODE)].filter((v) => /[._]/.test(v));
    for (const { file, text } of sources(src)) {
      if (file === path.join('lib', 'realtime', 'protocol.test.js')) continue;
      for (const n of names) expect(text.includes(`'${n}'`) || text.includes(`"${n}"`), `${file} spells '${n}'`).toBe(false);
      expect(/\b44\d\d\b/.test(text), `${file} spells a close code`).toBe(false);
    }
  });
});

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

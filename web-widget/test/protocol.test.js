// The widget takes every protocol name from internal/protocol/wire.js (the
// module generated from the Go protocol package) through src/lib/protocol.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wire from '../../internal/protocol/wire.js';
import * as protocol from '../src/lib/protocol.js';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const GROUPS = ['REQ', 'EVT', 'CHANGE', 'CLOSE', 'ERROR_CODE', 'LIMITS'];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.jsx?$/.test(e.name) ? [{ file: path.relative(src, p), text: readFileSync(p, 'utf8') }] : [];
  });
}

test('protocol.js re-exports the wire names as they are', () => {
  for (const g of GROUPS) assert.equal(protocol[g], wire[g], g);
  assert.equal(protocol.REQ.HELLO, 'hello');
  assert.equal(protocol.REQ.MESSAGE_SEND, 'message.send');
  assert.equal(protocol.REQ.CONVERSATION_READ, 'conversation.read');
  assert.equal(protocol.EVT.SESSION_READY, 'session.ready');
  assert.equal(protocol.EVT.MESSAGE_CREATED, 'message.created');
  assert.equal(protocol.EVT.CONVERSATION_UPDATED, 'conversation.updated');
  assert.equal(protocol.EVT.SERVER_DRAINING, 'server.draining');
  assert.equal(protocol.CHANGE.HANDOFF, 'handoff');
  assert.equal(protocol.CLOSE.UNAUTHORIZED, 4401);
  assert.equal(protocol.CLOSE.DISABLED, 4403);
  assert.equal(protocol.CLOSE.TRY_AGAIN, 4000);
  assert.equal(protocol.ERROR_CODE.RATE_LIMITED, 'rate_limited');
  assert.equal(protocol.MAX_TEXT_CHARS, 4000);
  assert.ok(!Object.isFrozen(protocol.EVT), 'plain tables: the minifier keeps only the names the widget reads');
});

test('every protocol name the widget uses exists in wire.js (a typo would be undefined)', () => {
  const used = new Set();
  for (const { file, text } of sources(src)) {
    for (const m of text.matchAll(/\b(REQ|EVT|CHANGE|CLOSE|ERROR_CODE|LIMITS)\.([A-Z][A-Z0-9_]*)\b/g)) {
      assert.ok(Object.hasOwn(wire[m[1]], m[2]), `${file}: ${m[1]}.${m[2]} is not in wire.js`);
      used.add(m[0]);
    }
  }
  assert.ok(used.has('EVT.MESSAGE_CREATED') && used.has('REQ.HELLO') && used.has('CLOSE.UNAUTHORIZED'));
});

test('no frame name, close code or error code is spelled out in src/', () => {
  // Values that cannot be anything else: dotted frame names, error codes
  // with an underscore, the 44xx close codes. (Plain words such as 'typing'
  // or 'message' are also field and event names, so they are not checked.)
  const names = [
    ...Object.values(wire.REQ), ...Object.values(wire.EVT), ...Object.values(wire.ERROR_CODE),
  ].filter((v) => /[._]/.test(v));
  for (const { file, text } of sources(src)) {
    for (const n of names) assert.ok(!text.includes(`'${n}'`) && !text.includes(`"${n}"`), `${file} spells '${n}'`);
    assert.doesNotMatch(text, /\b44\d\d\b/, `${file} spells a close code`);
  }
});

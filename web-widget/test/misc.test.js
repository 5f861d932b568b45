import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initials, parseColor, contrast, textOn, palette, formatTime } from '../src/lib/format.js';
import { readLocalConfig, mergeConfig, DEFAULTS } from '../src/config.js';
import { createSessionStore, storageKey } from '../src/lib/storage.js';
import { decode, encode, wsURL, newClientId } from '../src/lib/protocol.js';
import { createApi } from '../src/lib/api.js';

test('initials for Vietnamese names', () => {
  assert.equal(initials('An'), 'A');
  assert.equal(initials('Nguyễn Văn Bình'), 'NB');
  assert.equal(initials('  đặng   thu  '), 'ĐT');
  assert.equal(initials(''), '?');
});

test('colours: only hex accepted; text on the brand colour keeps 4.5:1', () => {
  assert.equal(parseColor('#2563EB'), '#2563eb');
  assert.equal(parseColor('#abc'), '#aabbcc');
  assert.equal(parseColor('red;background:url(x)'), null);
  assert.equal(textOn('#2563eb'), '#ffffff');
  assert.equal(textOn('#fde047'), '#111827');
  for (const c of ['#2563eb', '#fde047', '#16a34a', '#000000', '#ffffff', '#e11d48']) {
    const p = palette(c);
    assert.ok(contrast(c, p['--cd-on-primary']) >= 4.5 || contrast(c, '#ffffff') >= contrast(c, '#111827'), c);
    assert.ok(contrast(p['--cd-primary-strong'], p['--cd-primary-soft']) >= 4.5, c + ' strong on soft');
  }
});

test('time format', () => {
  const now = new Date(2026, 10, 22, 15, 0);
  assert.equal(formatTime(new Date(2026, 10, 22, 9, 5).toISOString(), now), '09:05');
  assert.equal(formatTime(new Date(2026, 10, 20, 23, 59).toISOString(), now), '20/11 23:59');
  assert.equal(formatTime('nonsense', now), '');
});

test('config: data-* over window.ChatDesk over server over defaults; server defaults to the script origin', () => {
  const script = { src: 'https://chat.example.vn/widget.js', dataset: { color: '#16a34a', title: 'Hỏi đáp' } };
  const local = readLocalConfig(script, { title: 'Từ window', greeting: 'Chào!', position: 'left' }, 'https://shop.vn');
  assert.equal(local.server, 'https://chat.example.vn');
  const cfg = mergeConfig(local, { title: 'Máy chủ', greeting: 'Lời chào máy chủ', color: '#000000', supportOnline: true });
  assert.deepEqual(cfg, { ...DEFAULTS, server: 'https://chat.example.vn', title: 'Hỏi đáp', greeting: 'Chào!', color: '#16a34a', position: 'left' });
  assert.equal(mergeConfig(readLocalConfig(null, null, 'https://shop.vn'), { title: 'Máy chủ' }).title, 'Máy chủ');
  const withServer = readLocalConfig({ src: 'https://cdn.vn/widget.js', dataset: { server: 'https://chat.vn/' } }, null, 'https://shop.vn');
  assert.equal(withServer.server, 'https://chat.vn');
  assert.equal(readLocalConfig(script, { color: 'javascript:alert(1)' }, 'https://x.vn').color, '#16a34a');
});

test('session storage is namespaced per server origin and survives bad data', () => {
  const mem = new Map();
  const ls = { getItem: (k) => (mem.has(k) ? mem.get(k) : null), setItem: (k, v) => mem.set(k, v), removeItem: (k) => mem.delete(k) };
  const a = createSessionStore('https://chat.a.vn/path', ls);
  const b = createSessionStore('https://chat.b.vn', ls);
  assert.equal(a.key, storageKey('https://chat.a.vn'));
  a.save({ token: 't', conversationId: 'c' });
  assert.deepEqual(a.load(), { token: 't', conversationId: 'c' });
  assert.equal(b.load(), null);
  mem.set(b.key, '{bad json');
  assert.equal(b.load(), null);
  a.clear();
  assert.equal(a.load(), null);
  const broken = createSessionStore('https://x.vn', { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); }, removeItem() {} });
  broken.save({ token: 't', conversationId: 'c' });
  assert.deepEqual(broken.load(), { token: 't', conversationId: 'c' }, 'memory fallback');
});

test('protocol helpers', () => {
  assert.equal(wsURL('http://127.0.0.1:8080'), 'ws://127.0.0.1:8080/ws');
  assert.equal(wsURL('https://chat.vn/base/'), 'wss://chat.vn/base/ws');
  assert.deepEqual(JSON.parse(encode('typing', { typing: true })), { type: 'typing', data: { typing: true } });
  assert.equal(decode('{"type":1}'), null);
  assert.deepEqual(decode('{"type":"x"}'), { type: 'x', data: {} });
  const ids = new Set(Array.from({ length: 100 }, () => newClientId()));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
});

test('REST: the transcript by email is POST …/transcript with the visitor token; a refusal is the server error', async () => {
  const calls = [];
  const answers = [
    { status: 200, body: { sent: true, email: 'lan@example.vn' } },
    { status: 409, body: { error: { code: 'conflict', message: 'Chức năng gửi email chưa được cấu hình.' } } },
  ];
  const api = createApi('https://chat.example.vn/', async (url, init) => {
    calls.push({ url, method: init.method, auth: init.headers.Authorization, body: JSON.parse(init.body) });
    const a = answers.shift();
    return { ok: a.status < 300, status: a.status, json: async () => a.body, headers: { get: () => null } };
  });
  assert.deepEqual(await api.transcript('c 1', 'tok', 'lan@example.vn'), { sent: true, email: 'lan@example.vn' });
  assert.deepEqual(calls[0], { url: 'https://chat.example.vn/api/conversations/c%201/transcript', method: 'POST', auth: 'Bearer tok', body: { email: 'lan@example.vn' } });
  await assert.rejects(api.transcript('c1', 'tok', ''), (e) => e.status === 409 && e.code === 'conflict' && /email/.test(e.message));
});

// window.ChatDesk as a page uses it (web-widget/README.md, "JavaScript
// API"): the calls queued before the script loaded, setUser / setFields /
// reset and what they leave for the UI, show / hide / open / close, and
// the events. The UI's side runs in the browser tests (test/widget/api.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createController, createPublicApi, replay, plain } from '../src/app/controller.js';
import { createSessionStore } from '../src/lib/storage.js';
import { toAsk } from '../src/lib/validation.js';

function memoryStore() {
  const mem = new Map();
  return createSessionStore('https://chat.example.vn', {
    getItem: (k) => (mem.has(k) ? mem.get(k) : null),
    setItem: (k, v) => mem.set(k, v),
    removeItem: (k) => mem.delete(k),
  });
}

function widget() {
  const c = createController(false);
  const store = memoryStore();
  const api = createPublicApi(c, store);
  const changes = [];
  c.subscribe(() => changes.push({ ...c.s }));
  return { c, store, api, changes };
}

test('plain copies strings, numbers as strings and booleans; drops blanks, objects and other keys', () => {
  const tests = [
    { in: { name: 'Lan', phone: 912345678, userId: 42, x: { $ne: '' } }, keys: ['name', 'phone', 'userId'], want: { name: 'Lan', phone: '912345678', userId: '42' } },
    { in: { order: 'DH-1', gift: true, note: '  ', empty: '', nil: null, arr: ['a'], fn() {} }, want: { order: 'DH-1', gift: true } },
    { in: { userId: ' u 1 ' }, keys: ['userId'], want: { userId: ' u 1 ' } }, // signed as it is
    { in: null, want: {} },
    { in: undefined, keys: ['name'], want: {} },
  ];
  for (const tt of tests) assert.deepEqual(plain(tt.in, tt.keys), tt.want, JSON.stringify(tt.in));
});

test('calls queued before load are replayed in order; a bad one does not stop the rest', () => {
  const { c, api } = widget();
  const seen = [];
  const errors = console.error;
  console.error = () => {};
  try {
    replay(api, [
      ['on', ['open', () => seen.push('open')]],
      ['setUser', [{ name: 'Nguyễn Văn Bình', userId: 'u-42', hash: 'ab', role: 'admin' }]],
      ['nonsense', []],
      ['setFields', [{ order: 'DH-1001' }]],
      ['open', []],
      ['hide', []],
    ]);
    replay(api, 'not a queue');
    replay(api, undefined);
  } finally {
    console.error = errors;
  }
  assert.deepEqual(seen, ['open']);
  assert.deepEqual(c.s.user, { name: 'Nguyễn Văn Bình', userId: 'u-42', hash: 'ab' });
  assert.deepEqual(c.s.fields, { order: 'DH-1001' });
  assert.equal(c.s.open, true);
  assert.equal(c.s.hidden, true);
});

test('setUser and setFields merge; the UI hears every change', () => {
  const { c, api, changes } = widget();
  api.setUser({ name: 'Lan', phone: '0912345678' });
  api.setUser({ email: 'lan@example.vn', userId: 7, hash: 'h' });
  api.setFields({ order: 'DH-1' });
  api.setFields({ gift: true });
  assert.deepEqual(c.s.user, { name: 'Lan', phone: '0912345678', email: 'lan@example.vn', userId: '7', hash: 'h' });
  assert.deepEqual(c.s.fields, { order: 'DH-1', gift: true });
  assert.equal(changes.length, 4);
});

test('setUser of another customer replaces the previous one', () => {
  const { c, api } = widget();
  api.setUser({ name: 'Lan', phone: '0912345678', userId: 'u-1', hash: 'h1' });
  api.setUser({ name: 'Minh', userId: 'u-2', hash: 'h2' });
  assert.deepEqual(c.s.user, { name: 'Minh', userId: 'u-2', hash: 'h2' });
  api.setUser({ email: 'minh@example.vn' });
  assert.deepEqual(c.s.user, { name: 'Minh', userId: 'u-2', hash: 'h2', email: 'minh@example.vn' });
});

test('setUser of another customer forgets the stored conversation; the same one keeps it', () => {
  const tests = [
    { stored: { userId: 'u-1' }, user: { userId: 'u-1' }, kept: true },
    { stored: { userId: 'u-1' }, user: { userId: 'u-2' }, kept: false },
    { stored: { userId: 'u-1' }, user: { name: 'Lan' }, kept: true },
    { stored: {}, user: { userId: 'u-2' }, kept: true }, // an anonymous visitor who signed in
  ];
  for (const tt of tests) {
    const { store, api } = widget();
    store.save({ token: 't', conversationId: 'c', ...tt.stored });
    api.setUser(tt.user);
    assert.equal(!!store.load(), tt.kept, JSON.stringify(tt));
  }
});

test('reset forgets the conversation, the user and the answers, and asks the UI for a fresh form', () => {
  const { c, store, api } = widget();
  store.save({ token: 't', conversationId: 'c', userId: 'u-1' });
  api.setUser({ name: 'Lan', userId: 'u-1', hash: 'h' });
  api.setFields({ order: 'DH-1' });
  api.reset();
  assert.equal(store.load(), null);
  assert.deepEqual([c.s.user, c.s.fields, c.s.resets], [{}, {}, 1]);
  api.reset();
  assert.equal(c.s.resets, 2);
});

test('open, close, toggle and show, hide; open and close fire only on a change', () => {
  const { c, api } = widget();
  const events = [];
  const onOpen = () => events.push('open');
  api.on('open', onOpen);
  api.on('close', () => events.push('close'));
  api.open();
  api.open();
  assert.equal(api.isOpen(), true);
  api.toggle();
  api.close();
  api.off('open', onOpen);
  api.open();
  assert.deepEqual(events, ['open', 'close']);
  api.hide();
  assert.equal(c.s.hidden, true);
  assert.equal(c.s.open, true, 'hide is the launcher: the panel stays');
  api.show();
  assert.equal(c.s.hidden, false);
});

test('events: a throwing listener does not stop the others; ready also reaches late listeners', () => {
  const { c, api } = widget();
  const got = [];
  const errors = console.error;
  console.error = () => {};
  try {
    api.on('message', () => {
      throw new Error('page bug');
    });
    api.on('message', (m) => got.push(m.text));
    api.on('unread', (n) => got.push(n));
    api.on('ready', () => got.push('ready (early)'));
    api.on(42, () => got.push('never'));
    api.on('ready', 'not a function');
    c.emit('message', { text: 'Chào anh' });
    c.emit('unread', 2);
    c.emit('ready');
    api.on('ready', () => got.push('ready (late)'));
  } finally {
    console.error = errors;
  }
  assert.deepEqual(got, ['Chào anh', 2, 'ready (early)', 'ready (late)']);
});

test('the form asks only what the page did not answer, or answered wrong', () => {
  const fields = [
    { key: 'name', label: 'Họ tên', type: 'text', required: true },
    { key: 'phone', label: 'Số điện thoại', type: 'phone', required: true },
    { key: 'email', label: 'Email', type: 'text' },
    { key: 'order', label: 'Mã đơn', type: 'text' },
    { key: 'agree', label: 'Đồng ý', type: 'checkbox', required: true },
    { key: 'message', label: 'Nội dung', type: 'textarea' },
  ];
  const tests = [
    { known: {}, ask: ['name', 'phone', 'email', 'order', 'agree', 'message'] },
    { known: { name: 'Lan', phone: '0912 345 678', email: 'lan@example.vn' }, ask: ['order', 'agree', 'message'] },
    { known: { name: 'Lan', phone: '12345', order: 'DH-1', agree: true }, ask: ['phone', 'email', 'message'] },
    { known: { agree: false }, ask: ['name', 'phone', 'email', 'order', 'agree', 'message'] },
  ];
  for (const tt of tests) assert.deepEqual(toAsk(fields, tt.known).map((f) => f.key), tt.ask, JSON.stringify(tt.known));
});

test('the stored session keeps the verified user id', () => {
  const store = memoryStore();
  store.save({ token: 't', conversationId: 'c', userId: 'u-42' });
  assert.deepEqual(store.load(), { token: 't', conversationId: 'c', userId: 'u-42' });
});

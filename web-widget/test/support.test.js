// Rating, attachments and bot support in the connection client (REST parts
// through a fake api; the real endpoints are covered by the browser tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../src/lib/connection/client.js';
import { Transcript } from '../src/lib/connection/transcript.js';
import { isMessage } from '../src/lib/protocol.js';
import { t } from '../src/i18n/index.js';

const MSG_TOO_LARGE = t('tooLarge');
import { formatSize } from '../src/lib/format.js';
import { FakeClock, makeFakeWS, makeFakeApi, msg, flush } from './fakes.js';

function setup() {
  const clock = new FakeClock();
  const { FakeWS, instances } = makeFakeWS();
  const api = makeFakeApi();
  api.uploads = [];
  // upload(id, token, {clientId, file, text}, onProgress): resolves when the test says so
  api.upload = (id, token, p, onProgress) => new Promise((resolve, reject) => {
    api.uploads.push({ id, token, p, onProgress, resolve, reject });
  });
  api.rate = async (id, token, stars, comment) => {
    api.calls.push(['rate', id, stars, comment]);
    if (api.rateError) throw api.rateError;
    return { conversation: { id, status: 'resolved', rating: { stars, comment, at: '2026-11-22T01:00:00Z' } } };
  };
  api.handoff = async (id) => {
    api.calls.push(['handoff', id]);
    if (api.handoffError) throw api.handoffError;
    return { conversation: { id, status: 'waiting', handoffAt: '2026-11-22T01:00:00Z' } };
  };
  api.blob = async (path, token) => {
    api.calls.push(['blob', path, token]);
    return { path };
  };
  const c = new ChatClient({
    server: 'https://chat.example.vn', token: 'tok', conversationId: 'conv1', api, WebSocket: FakeWS,
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, random: () => 0.5, now: clock.now,
  });
  const ws = () => instances[instances.length - 1];
  return { c, clock, api, ws };
}

function ready(ws) {
  ws.open();
  ws.receive('session.ready', { role: 'visitor', conversation: { id: 'conv1', status: 'waiting' }, supportOnline: false }, ws.last('hello').id);
  ws.receive('replay.done', { conversationId: 'conv1', lastSeq: 0 });
}

const file = (name, type, size) => ({ name, type, size });
const local = (c) => c.snapshot().items.filter((m) => m.local);

test('a file upload is an optimistic message with progress, matched by clientId when stored', async () => {
  const { c, api, ws } = setup();
  c.start();
  ready(ws());
  const f = file('anh.png', 'image/png', 5000);
  const id = c.sendFile(f);
  assert.ok(id);
  assert.equal(api.uploads.length, 1);
  const up = api.uploads[0];
  assert.deepEqual([up.id, up.token, up.p.clientId, up.p.file, up.p.text], ['conv1', 'tok', id, f, '']);
  let [p] = local(c);
  assert.deepEqual([p.status, p.kind, p.attachment, p.progress], ['pending', 'image', { name: 'anh.png', size: 5000 }, 0]);
  up.onProgress(42);
  [p] = local(c);
  assert.equal(p.progress, 42);
  // the live echo may come first; the answer afterwards is not a duplicate
  const stored = msg(1, { senderType: 'visitor', clientId: id, text: '', kind: 'image', attachment: { id: 'a1', name: 'anh.png', size: 5000, contentType: 'image/png', thumbnail: true } });
  ws().receive('message.created', { message: stored });
  up.resolve({ message: stored });
  await flush();
  assert.equal(local(c).length, 0);
  assert.equal(c.snapshot().items.length, 1);
  assert.equal(c.snapshot().items[0].kind, 'image');
  assert.equal(ws().frames('message.send').length, 0, 'files never go over the WebSocket');
});

test('files go over REST in the fallback mode too, and a pending upload is not started twice', async () => {
  const { c, api, ws, clock } = setup();
  c.start();
  for (let i = 0; i < 3; i++) {
    ws().fail();
    await clock.advance(30_000);
  }
  await flush();
  assert.equal(c.status, 'fallback');
  const id = c.sendFile(file('bao-gia.pdf', 'application/pdf', 1234));
  await clock.advance(10_000); // polls resend pending messages: not this one again while in flight
  assert.equal(api.uploads.length, 1);
  assert.equal(local(c)[0].kind, 'file');
  api.uploads[0].resolve({ message: msg(1, { senderType: 'visitor', clientId: id, text: '', kind: 'file', attachment: { id: 'a2', name: 'bao-gia.pdf', size: 1234 } }) });
  await flush();
  assert.equal(local(c).length, 0);
  c.stop();
});

test('too large before upload: notice with the limit, nothing sent', async () => {
  const { c, api, clock } = setup();
  c.start();
  assert.equal(c.sendFile(file('video.mp4', 'video/mp4', 10 * 1024 * 1024 + 1)), null);
  assert.equal(api.uploads.length, 0);
  assert.deepEqual(c.snapshot().notice, { code: 'too_large', message: MSG_TOO_LARGE });
  assert.equal(MSG_TOO_LARGE, 'Tệp quá lớn (tối đa 10 MB).');
  await clock.advance(9_000);
  assert.equal(c.snapshot().notice, null);
});

test('a refused upload shows the server message, permanent: only dismissed; a network failure is retried with the same clientId', async () => {
  const { c, api, ws } = setup();
  c.start();
  ready(ws());
  const id = c.sendFile(file('evil.png', 'image/png', 300));
  const reason = 'Loại tệp này không được hỗ trợ. Chỉ nhận ảnh (JPG, PNG, WebP, GIF), PDF, Office, ZIP và tệp văn bản.';
  api.uploads[0].reject({ status: 415, code: 'unsupported_type', message: reason });
  await flush();
  let [p] = local(c);
  assert.deepEqual([p.status, p.error, p.permanent], ['failed', reason, true]);
  c.dismiss(id);
  assert.equal(local(c).length, 0, 'dismissed');
  // too large: permanent as well
  const big = c.sendFile(file('nhat-ky.txt', 'text/plain', 300));
  api.uploads[1].reject({ status: 413, code: 'too_large', message: 'Tệp quá lớn (tối đa 200 KB).' });
  await flush();
  assert.equal(local(c)[0].permanent, true);
  c.dismiss(big);
  // a network failure is shown as failed, and may be retried
  const net = c.sendFile(file('anh.png', 'image/png', 300));
  api.uploads[2].reject({ status: 0, code: 'network', message: 'Không thể kết nối tới máy chủ. Vui lòng kiểm tra mạng và thử lại.' });
  await flush();
  [p] = local(c);
  assert.deepEqual([p.status, p.permanent], ['failed', false]);
  c.retry(net);
  assert.equal(api.uploads.length, 4);
  assert.equal(api.uploads[3].p.clientId, net);
  assert.equal(local(c)[0].status, 'pending');
});

test('attachments are fetched with the token; thumbnails with ?thumb=1', async () => {
  const { c, api } = setup();
  await c.attachment('a1', true);
  await c.attachment('a1');
  assert.deepEqual(api.calls.filter((x) => x[0] === 'blob'), [
    ['blob', '/api/conversations/conv1/attachments/a1?thumb=1', 'tok'],
    ['blob', '/api/conversations/conv1/attachments/a1', 'tok'],
  ]);
});

test('rating updates the conversation; a server error rejects with its Vietnamese message', async () => {
  const { c, api } = setup();
  await c.rate(4, 'Nhanh');
  assert.deepEqual(c.snapshot().conversation.rating.stars, 4);
  assert.deepEqual(api.calls.at(-1), ['rate', 'conv1', 4, 'Nhanh']);
  api.rateError = { status: 409, code: 'conflict', message: 'Bạn có thể đánh giá sau khi cuộc trò chuyện kết thúc.' };
  await assert.rejects(c.rate(5, ''), { message: 'Bạn có thể đánh giá sau khi cuộc trò chuyện kết thúc.' });
});

test('conversation.updated (resolved, rated) replaces the conversation', () => {
  const { c, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('conversation.updated', { change: 'resolved', conversation: { id: 'conv1', status: 'resolved', rating: null } });
  assert.equal(c.snapshot().conversation.status, 'resolved');
  ws().receive('conversation.updated', { change: 'rated', conversation: { id: 'conv1', status: 'resolved', rating: { stars: 5 } } });
  assert.equal(c.snapshot().conversation.rating.stars, 5);
  ws().receive('conversation.updated', { change: 'x', conversation: 'garbage' });
  assert.equal(c.snapshot().conversation.rating.stars, 5);
});

test('bot: messages, typing and handoff', async () => {
  const { c, api, ws } = setup();
  c.start();
  ready(ws());
  ws().receive('typing', { conversationId: 'conv1', senderType: 'bot', senderName: 'Trợ lý ảo', typing: true });
  assert.deepEqual(c.snapshot().typing, { name: 'Trợ lý ảo' });
  ws().receive('message.created', { message: msg(1, { senderType: 'bot', senderName: 'Trợ lý ảo', text: 'Chào bạn!' }) });
  assert.equal(c.snapshot().typing, null, 'the answer clears the indicator');
  assert.equal(c.snapshot().items[0].senderType, 'bot');
  assert.equal(await c.handoff(), true);
  assert.ok(c.snapshot().conversation.handoffAt);
  api.handoffError = { status: 429, code: 'rate_limited', message: 'Bạn thao tác quá nhanh.' };
  assert.equal(await c.handoff(), false);
  assert.equal(c.snapshot().notice.message, 'Bạn thao tác quá nhanh.');
});

test('messages with an attachment may come without text', () => {
  const m = { id: 'x', seq: 1, senderType: 'visitor', kind: 'file', attachment: { id: 'a', name: 'a.pdf', size: 1 } };
  assert.ok(isMessage(m));
  assert.equal(m.text, '');
  assert.ok(!isMessage({ id: 'y', seq: 2 }));
  const t = new Transcript();
  t.addPending('c1', '', 'now', { file: {}, kind: 'file', progress: 0 });
  t.mark('c1', 'pending', undefined, { progress: 50 });
  assert.equal(t.pending.get('c1').progress, 50);
  assert.equal(t.pending.get('c1').kind, 'file');
});

test('human file sizes in Vietnamese style', () => {
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(350 * 1024), '350 KB');
  assert.equal(formatSize(1.2 * 1024 * 1024), '1,2 MB');
  assert.equal(formatSize(10 * 1024 * 1024), '10 MB');
  assert.equal(formatSize(undefined), '');
});

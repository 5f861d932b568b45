// File messages alone, on a stub client: the size pre-check, progress, the
// stored answer, failures, and attachment downloads with the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Uploads } from '../src/lib/connection/uploads.js';
import { MAX_UPLOAD_BYTES } from '../src/lib/protocol.js';
import { t } from '../src/i18n/index.js';

const MSG_TOO_LARGE = t('tooLarge');
import { makeHub, msg, flush } from './fakes.js';

function setup() {
  const hub = makeHub();
  hub.uploads = new Uploads(hub);
  hub.api.uploads = [];
  hub.api.upload = (id, token, p, onProgress) => new Promise((resolve, reject) => {
    hub.api.uploads.push({ id, token, p, onProgress, resolve, reject });
  });
  hub.api.blob = async (path, token) => ({ path, token });
  return hub;
}

const file = (name, type, size) => ({ name, type, size });

test('over 10 MB: a notice, nothing added, nothing sent', () => {
  const hub = setup();
  assert.equal(hub.uploads.send(file('phim.mp4', 'video/mp4', MAX_UPLOAD_BYTES + 1)), null);
  assert.deepEqual(hub.notices, [{ code: 'too_large', message: MSG_TOO_LARGE, secs: 8 }]);
  assert.equal(hub.transcript.pending.size, 0);
  assert.equal(hub.api.uploads.length, 0);
  assert.equal(hub.uploads.send(null), null);
});

test('a pending item with kind, name, size and progress; the answer replaces it', async () => {
  const hub = setup();
  const f = file('anh.png', 'image/png', 5000);
  const id = hub.uploads.send(f, 'chú thích');
  const up = hub.api.uploads[0];
  assert.deepEqual([up.id, up.token, up.p], ['conv1', 'tok', { clientId: id, file: f, text: 'chú thích' }]);
  let p = hub.transcript.pending.get(id);
  assert.deepEqual([p.status, p.kind, p.attachment, p.progress], ['pending', 'image', { name: 'anh.png', size: 5000 }, 0]);
  const before = hub.changes;
  up.onProgress(40);
  up.onProgress(40); // same value: no new snapshot
  assert.equal(hub.transcript.pending.get(id).progress, 40);
  assert.equal(hub.changes, before + 1);
  hub.uploads.start(id); // already uploading: not twice
  assert.equal(hub.api.uploads.length, 1);
  up.resolve({ message: msg(1, { senderType: 'visitor', clientId: id, text: 'chú thích', kind: 'image' }) });
  await flush();
  assert.equal(hub.feed.added.length, 1);
  assert.equal(hub.transcript.pending.size, 0);
  p = hub.transcript.pending.get(id);
  assert.equal(p, undefined);
});

test('a refused upload is failed through the outbox (server reason, "Thử lại"); a refused token rejects', async () => {
  const hub = setup();
  const id = hub.uploads.send(file('bao-gia.pdf', 'application/pdf', 100));
  const err = { status: 415, code: 'unsupported_type', message: 'Loại tệp này không được hỗ trợ.' };
  hub.api.uploads[0].reject(err);
  await flush();
  assert.deepEqual(hub.outbox.failures, [{ clientId: id, err }]);
  assert.equal(hub.transcript.pending.get(id).kind, 'file');

  hub.uploads.start(id); // "Thử lại" re-uploads with the same clientId
  assert.equal(hub.api.uploads[1].p.clientId, id);
  hub.api.uploads[1].reject({ status: 401, code: 'unauthorized', message: 'Phiên đã hết hạn.' });
  await flush();
  assert.equal(hub.rejected, 1);
  assert.equal(hub.outbox.failures.length, 1);
});

test('attachments download with the token; thumbnails with ?thumb=1', async () => {
  const hub = setup();
  hub.conversationId = 'c/1';
  assert.deepEqual(await hub.uploads.fetch('a 1', true), { path: '/api/conversations/c%2F1/attachments/a%201?thumb=1', token: 'tok' });
  assert.deepEqual(await hub.uploads.fetch('a1'), { path: '/api/conversations/c%2F1/attachments/a1', token: 'tok' });
});

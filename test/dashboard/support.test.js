// Browser tests of the dashboard's support features (docs/api.md "Support
// features"): canned replies, priority and tags, rating, statistics,
// attachments and the bot settings. Real headless Chromium against the real
// dev server (bin/chatdesk-dev) on a free port with a fresh data dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { uniquePhone, fakeHiddenTab, rowSel, shot } from './lib/browser.js';
import { startDeskSuite } from './lib/suite.js';
import { eventually } from './lib/api.js';
import { formatDuration } from '../../web-dashboard/src/lib/format/index.js';


let server;
let api;
let ctx;


async function createConversation(name, message = 'Xin chào shop') {
  const r = await api.call('POST', '/conversations', { body: { fields: { name, phone: uniquePhone(), message } } });
  assert.equal(r.status, 201, `POST /api/conversations → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// --- a real PNG (random pixels: incompressible, so the upload takes a while) ---
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function randomPng(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const px = randomBytes(width * 3 * height);
  for (let y = 0; y < height; y += 1) px.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Multipart upload from node (to learn the server's own answer). */
async function restUpload(id, token, bytes, name) {
  const form = new FormData();
  form.append('clientId', `t-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(`${server.baseUrl}/api/conversations/${id}/attachments`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Drops files on a selector through a real DataTransfer built in the page. */
async function dropFiles(page, selector, files) {
  const dt = await page.evaluateHandle((list) => {
    const d = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      d.items.add(new File([Uint8Array.from(bin, (ch) => ch.charCodeAt(0))], f.name, { type: f.type }));
    }
    return d;
  }, files.map((f) => ({ ...f, b64: f.bytes.toString('base64') })));
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
}

const visibleRowIds = (page) =>
  page.$$eval('[data-testid="conversation-row"]', (els) => els.map((e) => e.dataset.conversationId));

describe('dashboard support features', { timeout: 5 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ pages: ['an', 'admin'] });
    ({ server, api } = ctx);
  });

  after(() => ctx?.close());

  it('canned replies: admin creates shared ones (409 on a taken shortcut); "/xin" in the composer inserts one that is sent and stored', async () => {
    const admin = ctx.pages.admin;
    await admin.click('nav >> text=Trả lời chung');
    await admin.waitForURL(/\/admin\/canned/);
    const add = async (shortcut, title, text) => {
      await admin.fill('#new-shortcut', shortcut);
      await admin.fill('#new-title', title);
      await admin.fill('#new-text', text);
      await admin.click('[data-testid="canned-new-form"] [data-testid="canned-save"]');
    };
    await add('xinchao', 'Lời chào', 'Xin chào anh/chị, em có thể giúp gì ạ?');
    await admin.locator('[data-testid="canned-item"][data-shortcut="xinchao"]').waitFor();
    await add('xinloi', 'Xin lỗi vì chờ lâu', 'Em xin lỗi vì để anh/chị chờ lâu ạ.');
    await admin.locator('[data-testid="canned-item"][data-shortcut="xinloi"]').waitFor();
    // a taken shortcut: the server's 409 message on the shortcut field
    await add('XinChao', 'Trùng', 'Trùng phím tắt');
    await admin.locator('[data-testid="canned-new-form"]', { hasText: 'Phím tắt này đã được sử dụng.' }).waitFor();
    const shared = await api.call('GET', '/admin/canned-replies', { token: ctx.tokens.admin });
    assert.deepEqual(shared.body.items.map((r) => r.shortcut).sort(), ['xinchao', 'xinloi']);

    const { conversation } = await createConversation('Khách Trả Lời Nhanh');
    await ctx.own(conversation.id);
    const page = ctx.pages.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    const input = page.locator('[data-testid="composer-input"]');
    await eventually(async () => !(await input.isDisabled()), { message: 'composer enabled' });
    await input.click();
    await input.pressSequentially('Dạ /xin');
    await page.locator('[data-testid="canned-option"]').nth(1).waitFor();
    assert.deepEqual(await page.$$eval('[data-testid="canned-option"]', (els) => els.map((e) => e.dataset.shortcut)), ['xinchao', 'xinloi']);
    // arrows move the selection, Esc closes, Enter inserts (replacing "/xin")
    await input.press('ArrowDown');
    assert.equal(await page.locator('[data-testid="canned-option"][aria-selected="true"]').getAttribute('data-shortcut'), 'xinloi');
    await input.press('Escape');
    await page.locator('[data-testid="canned-picker"]').waitFor({ state: 'detached' });
    await input.press('Backspace');
    await input.pressSequentially('nc');
    await page.locator('[data-testid="canned-option"][data-shortcut="xinchao"]').waitFor();
    assert.equal(await page.locator('[data-testid="canned-option"]').count(), 1);
    await input.press('Enter');
    assert.equal(await input.inputValue(), 'Dạ Xin chào anh/chị, em có thể giúp gì ạ?');
    assert.equal(await page.locator('[data-testid="canned-picker"]').count(), 0);
    // mouse pick on a second line
    await input.press('Shift+Enter');
    await input.pressSequentially('/xinl');
    await page.locator('[data-testid="canned-option"][data-shortcut="xinloi"]').click();
    const expected = 'Dạ Xin chào anh/chị, em có thể giúp gì ạ?\nEm xin lỗi vì để anh/chị chờ lâu ạ.';
    assert.equal(await input.inputValue(), expected);
    await input.press('Enter');
    await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'Em xin lỗi vì để anh/chị chờ lâu ạ.' }).waitFor();
    const msgs = await api.call('GET', `/conversations/${conversation.id}/messages?after=0`, { token: ctx.tokens.an });
    const stored = msgs.body.items.find((m) => m.senderType === 'agent');
    assert.ok(stored, 'agent message stored');
    assert.equal(stored.text, expected);
    assert.equal(stored.senderId, ctx.agents.an.id);
  });

  it('canned replies: an agent manages personal ones (shared listed read-only; 409 on a taken personal shortcut; edit; delete)', async () => {
    const page = ctx.pages.an;
    await page.goto(`${server.baseUrl}/dashboard/canned`);
    await page.locator('[data-testid="canned-item"][data-shortcut="xinchao"]', { hasText: 'Dùng chung' }).waitFor();
    // shared ones cannot be edited here
    assert.equal(await page.locator('[data-testid="canned-item"][data-shortcut="xinchao"] button').count(), 0);
    const add = async (shortcut, title, text) => {
      await page.fill('#new-shortcut', shortcut);
      await page.fill('#new-title', title);
      await page.fill('#new-text', text);
      await page.click('[data-testid="canned-new-form"] [data-testid="canned-save"]');
    };
    await add('cam-on', 'Cảm ơn', 'Cảm ơn anh/chị đã liên hệ ạ.');
    await page.locator('[data-testid="canned-item"][data-shortcut="cam-on"]').waitFor();
    await add('cam-on', 'Trùng', 'Trùng');
    await page.locator('[data-testid="canned-new-form"]', { hasText: 'Phím tắt này đã được sử dụng.' }).waitFor();
    // invalid shortcut: refused next to the field, in the server's words
    await add('sai phím', 'Sai', 'Sai');
    const bad = await api.call('POST', '/canned-replies', { token: ctx.tokens.an, body: { shortcut: 'sai phím', title: 'Sai', text: 'Sai' } });
    assert.equal(bad.status, 400);
    await page.locator('[data-testid="canned-new-form"]', { hasText: bad.body.error.fields.shortcut }).waitFor();
    // edit
    await page.locator('[data-testid="canned-item"][data-shortcut="cam-on"]').getByRole('button', { name: 'Sửa' }).click();
    await page.fill('[data-testid="canned-edit-form"] input[name="title"]', 'Lời cảm ơn');
    await page.click('[data-testid="canned-edit-form"] [data-testid="canned-save"]');
    await page.locator('[data-testid="canned-item"][data-shortcut="cam-on"]', { hasText: 'Lời cảm ơn' }).waitFor();
    let mine = (await api.call('GET', '/canned-replies', { token: ctx.tokens.an })).body.items.filter((r) => r.ownerId === ctx.agents.an.id);
    assert.deepEqual(mine.map((r) => [r.shortcut, r.title]), [['cam-on', 'Lời cảm ơn']]);
    // delete (confirmed)
    page.once('dialog', (d) => d.accept());
    await page.locator('[data-testid="canned-item"][data-shortcut="cam-on"]').getByRole('button', { name: 'Xoá' }).click();
    await page.locator('[data-testid="canned-item"][data-shortcut="cam-on"]').waitFor({ state: 'detached' });
    mine = (await api.call('GET', '/canned-replies', { token: ctx.tokens.an })).body.items.filter((r) => r.ownerId === ctx.agents.an.id);
    assert.equal(mine.length, 0);
  });

  it('priority and tags: set in the UI (server validation shown), live badges, inbox filters by tag and priority, sort by priority', async () => {
    const page = ctx.pages.an;
    const [a, b, c] = await Promise.all([
      createConversation('Khách Ưu Tiên A'),
      createConversation('Khách Ưu Tiên B'),
      createConversation('Khách Ưu Tiên C'),
    ]);
    ctx.convA = a;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${a.conversation.id}`);
    for (const x of [a, b, c]) await page.locator(rowSel(x.conversation.id)).waitFor();
    await page.locator('[data-testid="triage-panel"]').waitFor();
    await page.selectOption('[data-testid="priority-select"]', 'urgent');
    await page.locator(`${rowSel(a.conversation.id)} [data-testid="priority-badge"][data-priority="urgent"]`).waitFor();
    await page.fill('[data-testid="tag-input"]', '  Khách   VIP ');
    await page.press('[data-testid="tag-input"]', 'Enter');
    await page.locator('[data-testid="tag-chip"][data-tag="khách vip"]').waitFor();
    await page.fill('[data-testid="tag-input"]', 'đổi trả');
    await page.press('[data-testid="tag-input"]', 'Enter');
    await page.locator('[data-testid="tag-chip"][data-tag="đổi trả"]').waitFor();
    // a malformed tag: the server's message under the tag field, nothing stored
    await page.fill('[data-testid="tag-input"]', 'sai!nhãn');
    await page.press('[data-testid="tag-input"]', 'Enter');
    const tagError = await page.locator('[data-testid="tag-error"]').textContent();
    assert.ok(tagError.length > 0, 'tag error shown');
    assert.equal(await page.locator('[data-testid="tag-chip"]').count(), 2);
    // remove with ×
    await page.click('[aria-label="Xoá nhãn đổi trả"]');
    await page.locator('[data-testid="tag-chip"][data-tag="đổi trả"]').waitFor({ state: 'detached' });
    const stored = (await api.call('GET', `/conversations/${a.conversation.id}`, { token: ctx.tokens.an })).body.conversation;
    assert.equal(stored.priority, 'urgent');
    assert.deepEqual(stored.tags, ['khách vip']);
    await page.fill('[data-testid="tag-input"]', '');
    await shot(page, 'support-conversation-priority-tags');

    // another agent triages B: live conversation.updated (priority / tags) reaches An's inbox
    const patch = await api.call('PATCH', `/conversations/${b.conversation.id}`, { token: ctx.tokens.binh, body: { priority: 'high', tags: ['giao hàng'] } });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    await page.locator(`${rowSel(b.conversation.id)} [data-testid="priority-badge"][data-priority="high"]`).waitFor();
    await page.locator(`${rowSel(b.conversation.id)} [data-testid="tag"]`, { hasText: '#giao hàng' }).waitFor();

    // filter by tag (typed unnormalised), then by priority
    await page.fill('[data-testid="inbox-filter-tag"]', 'KHÁCH VIP');
    await page.press('[data-testid="inbox-filter-tag"]', 'Enter');
    await eventually(async () => JSON.stringify(await visibleRowIds(page)) === JSON.stringify([a.conversation.id]), { message: 'tag filter shows only A' });
    await page.fill('[data-testid="inbox-filter-tag"]', '');
    await page.selectOption('[data-testid="inbox-filter-priority"]', 'high');
    await eventually(async () => JSON.stringify(await visibleRowIds(page)) === JSON.stringify([b.conversation.id]), { message: 'priority filter shows only B' });
    await page.selectOption('[data-testid="inbox-filter-priority"]', '');
    await eventually(async () => (await visibleRowIds(page)).includes(c.conversation.id), { message: 'filters cleared' });

    // sort by priority: in every section, ranks never go up; A (Khẩn cấp) heads its section
    await page.selectOption('[data-testid="inbox-sort"]', 'priority');
    const sections = await page.$$eval('section[data-testid^="section-"]', (secs) =>
      secs.map((s) => [...s.querySelectorAll('[data-testid="conversation-row"]')].map((r) => ({
        id: r.dataset.conversationId,
        p: r.querySelector('[data-testid="priority-badge"]')?.dataset.priority || 'normal',
      }))));
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 };
    for (const rows of sections) {
      for (let i = 1; i < rows.length; i += 1) assert.ok(rank[rows[i - 1].p] <= rank[rows[i].p], `sorted by priority: ${JSON.stringify(rows)}`);
    }
    const withA = sections.find((rows) => rows.some((r) => r.id === a.conversation.id));
    assert.equal(withA[0].id, a.conversation.id);
    assert.equal((await page.locator(rowSel(a.conversation.id)).textContent()).includes('Khẩn cấp'), true);
    await page.selectOption('[data-testid="inbox-sort"]', 'recent');

    // history search with priority and tag filters
    await page.goto(`${server.baseUrl}/dashboard/history?priority=urgent&tag=kh%C3%A1ch%20vip`);
    await page.locator(`[data-testid="history-row"][data-conversation-id="${a.conversation.id}"]`).waitFor();
    assert.deepEqual(await page.$$eval('[data-testid="history-row"]', (els) => els.map((e) => e.dataset.conversationId)), [a.conversation.id]);
    await page.goto(`${server.baseUrl}/dashboard/history?priority=high`);
    await page.locator(`[data-testid="history-row"][data-conversation-id="${b.conversation.id}"]`).waitFor();
    assert.deepEqual(await page.$$eval('[data-testid="history-row"]', (els) => els.map((e) => e.dataset.conversationId)), [b.conversation.id]);
  });

  it('rating: shown live on the conversation view after the visitor rates via REST', async () => {
    const page = ctx.pages.an;
    const { conversation, visitorToken } = ctx.convA;
    await ctx.own(conversation.id);
    const res = await api.call('POST', `/conversations/${conversation.id}/resolve`, { token: ctx.tokens.an });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    await page.locator('[data-testid="rating-block"]', { hasText: 'Chưa có đánh giá.' }).waitFor();
    const rated = await api.call('POST', `/conversations/${conversation.id}/rating`, { token: visitorToken, body: { stars: 4, comment: 'Tư vấn nhiệt tình' } });
    assert.equal(rated.status, 200, JSON.stringify(rated.body));
    await page.locator('[data-testid="rating-block"] [data-testid="rating-stars"][data-stars="4"]').waitFor();
    assert.match(await page.locator('[data-testid="rating-comment"]').textContent(), /Tư vấn nhiệt tình/);
    await page.locator('[data-testid="message"][data-sender="system"]', { hasText: 'Khách đã đánh giá 4 sao.' }).waitFor();
    // rating again replaces it (change "rated" again)
    await api.call('POST', `/conversations/${conversation.id}/rating`, { token: visitorToken, body: { stars: 5 } });
    await page.locator('[data-testid="rating-block"] [data-testid="rating-stars"][data-stars="5"]').waitFor();
    ctx.ratedId = conversation.id;
  });

  it('statistics page shows the figures of GET /api/admin/stats; a bad range shows the API errors', async () => {
    const page = ctx.pages.admin;
    // firstResponseAt is written with the coalesced activity update (~200 ms)
    const stats = await eventually(async () => {
      const r = await api.call('GET', '/admin/stats', { token: ctx.tokens.admin });
      return r.status === 200 && r.body.medianFirstResponseSeconds !== null && r.body.ratings.count >= 1 && r.body;
    }, { message: 'stats settled' });
    assert.ok(stats.totalConversations >= 4, JSON.stringify(stats));
    await page.click('nav >> text=Thống kê');
    await page.waitForURL(/\/admin\/stats/);
    await page.locator('[data-testid="stats-content"]').waitFor();
    const text = async (id) => (await page.locator(`[data-testid="${id}"]`).textContent()).trim();
    assert.equal(await page.locator('[data-testid="stats-content"]').getAttribute('data-from'), stats.from);
    assert.equal(await page.locator('[data-testid="stats-content"]').getAttribute('data-to'), stats.to);
    assert.equal(await text('stat-total'), String(stats.totalConversations));
    assert.equal(await text('stat-waiting'), String(stats.waitingNow));
    assert.equal(await text('stat-resolved'), String(stats.resolved));
    assert.equal(await text('stat-first-response'), formatDuration(stats.medianFirstResponseSeconds));
    assert.equal(await text('stat-resolution'), formatDuration(stats.medianResolutionSeconds));
    assert.match(await text('stat-first-response'), /giây|phút/);
    // one bar per day, with the day's count and an accessible label
    const bars = await page.$$eval('[data-testid="per-day-chart"] [data-testid="bar"]', (els) => els.map((e) => Number(e.dataset.value)));
    assert.deepEqual(bars, stats.conversationsPerDay.map((d) => d.count));
    assert.equal(bars.length, 7);
    const today = stats.conversationsPerDay[6];
    const label = await page.locator('[data-testid="per-day-chart"] [data-testid="bar"] rect').nth(6).getAttribute('aria-label');
    assert.equal(label, `${today.date.slice(8, 10)}/${today.date.slice(5, 7)}/${today.date.slice(0, 4)}: ${today.count}`);
    assert.equal(await text('rating-count'), String(stats.ratings.count));
    for (const s of ['1', '2', '3', '4', '5']) {
      assert.equal(await page.locator(`[data-testid="rating-distribution"] [data-dist-stars="${s}"]`).getAttribute('data-count'), String(stats.ratings.distribution[s]));
    }
    const rows = await page.$$eval('[data-testid="per-agent-row"]', (els) => els.map((e) => ({
      agentId: e.dataset.agentId,
      conversations: Number(e.querySelector('[data-col="conversations"]').textContent),
      resolved: Number(e.querySelector('[data-col="resolved"]').textContent),
      ratings: Number(e.querySelector('[data-col="ratings"]').textContent),
    })));
    assert.deepEqual(rows, stats.perAgent.map((a) => ({ agentId: a.agentId, conversations: a.conversations, resolved: a.resolved, ratings: a.ratings })));
    assert.ok(rows.some((r) => r.agentId === ctx.agents.an.id && r.ratings === 1));
    await shot(page, 'support-stats');

    // from after to: refused next to the field, in the API's own words
    await page.fill('input[name="from"]', '20/11/2026');
    await page.fill('input[name="to"]', '10/11/2026');
    await page.click('[data-testid="stats-apply"]');
    await page.locator('#stats-from-error').waitFor();
    const bad = await api.call('GET', '/admin/stats?from=2026-11-20&to=2026-11-10', { token: ctx.tokens.admin });
    assert.equal(bad.status, 400);
    assert.equal(await page.locator('#stats-from-error').textContent(), bad.body.error.fields.from);
  });

  it('attachments: file input upload shows progress and the thumbnail (lightbox closes on Esc); a refused type dropped on the thread shows the server message, with no retry', async (t) => {
    const { conversation } = await createConversation('Khách Gửi Ảnh');
    await ctx.own(conversation.id);
    const probe = await api.call('POST', `/conversations/${conversation.id}/attachments`, { token: ctx.tokens.an, body: {} });
    if (probe.status === 404 || probe.status === 405) {
      t.skip(`server has no attachments endpoint yet (POST …/attachments → ${probe.status})`);
      return;
    }
    const page = ctx.pages.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    await eventually(async () => !(await page.locator('[data-testid="composer-input"]').isDisabled()), { message: 'composer enabled' });
    const thumbRequests = [];
    page.on('request', (req) => {
      if (req.url().includes(`/conversations/${conversation.id}/attachments/`)) thumbRequests.push({ url: req.url(), auth: req.headers().authorization || '' });
    });
    // record every progress value shown (the bar may live only a moment on localhost)
    await page.evaluate(() => {
      window.__progress = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-testid="upload-progress"]')) window.__progress.push(Number(el.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    });
    const png = randomPng(640, 480); // ~0.9 MB
    await page.setInputFiles('[data-testid="attach-input"]', { name: 'anh-san-pham.png', mimeType: 'image/png', buffer: png });
    const img = page.locator('[data-testid="message"][data-sender="agent"] [data-testid="image-thumb"]');
    await img.waitFor({ timeout: 20000 });
    assert.match(await img.getAttribute('src'), /^blob:/);
    const progress = await page.evaluate(() => window.__progress);
    assert.ok(progress.length > 0, 'a progress bar was shown while uploading');
    assert.equal(await page.locator('[data-testid="upload-item"]').count(), 0);
    const thumbReq = thumbRequests.find((r) => r.url.includes('thumb=1'));
    assert.ok(thumbReq, 'thumbnail fetched with ?thumb=1');
    assert.match(thumbReq.auth, /^Bearer /);
    const msgs = await api.call('GET', `/conversations/${conversation.id}/messages?after=0`, { token: ctx.tokens.an });
    const stored = msgs.body.items.find((m) => m.kind === 'image');
    assert.ok(stored, 'image message stored');
    assert.equal(stored.attachment.name, 'anh-san-pham.png');
    assert.equal(stored.attachment.size, png.length);
    // lightbox with the full image; Esc closes it
    await page.click('[data-testid="image-attachment"]');
    await page.locator('[data-testid="lightbox-image"]').waitFor();
    await shot(page, 'support-attachment-lightbox');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="lightbox"]').waitFor({ state: 'detached' });

    // an image pasted into the composer is sent too
    const small = randomPng(40, 30);
    await page.locator('[data-testid="composer-input"]').focus();
    await page.evaluate((b64) => {
      const bin = atob(b64);
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(bin, (ch) => ch.charCodeAt(0))], 'dan-anh.png', { type: 'image/png' }));
      document.querySelector('[data-testid="composer-input"]').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, small.toString('base64'));
    await eventually(async () => (await page.locator('[data-testid="message"][data-sender="agent"] [data-testid="image-thumb"]').count()) === 2, { message: 'pasted image shown' });
    const afterPaste = await api.call('GET', `/conversations/${conversation.id}/messages?after=0`, { token: ctx.tokens.an });
    assert.ok(afterPaste.body.items.some((m) => m.kind === 'image' && m.attachment.name === 'dan-anh.png' && m.attachment.width === 40 && m.attachment.height === 30));
    assert.equal(await page.locator('[data-testid="composer-input"]').inputValue(), '');

    // an executable renamed .png, dropped on the thread: the server's 415 message; Bỏ removes it
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), randomBytes(2048)]);
    const refused = await restUpload(conversation.id, ctx.tokens.an, exe, 'virus.png');
    assert.equal(refused.status, 415, JSON.stringify(refused.body));
    await dropFiles(page, '[data-testid="thread"]', [{ name: 'virus.png', type: 'image/png', bytes: exe }]);
    const err = page.locator('[data-testid="upload-item"][data-status="failed"] [data-testid="upload-error"]');
    await err.waitFor();
    assert.equal((await err.textContent()).trim(), refused.body.error.message);
    // refused for what it is: sending it again cannot help, it can only be dropped (#14)
    assert.equal(await page.locator('[data-testid="upload-item"]', { hasText: 'virus.png' }).getByText('Thử lại').count(), 0);
    await page.locator('[data-testid="upload-item"]').getByText('Bỏ').click();
    await page.locator('[data-testid="upload-item"]').waitFor({ state: 'detached' });

    // over the size limit: the server's 413 message
    const big = Buffer.alloc(10 * 1024 * 1024 + 4096, 0x41);
    const tooLarge = await restUpload(conversation.id, ctx.tokens.an, big, 'lon.txt');
    assert.equal(tooLarge.status, 413, JSON.stringify(tooLarge.body));
    await page.setInputFiles('[data-testid="attach-input"]', { name: 'lon.txt', mimeType: 'text/plain', buffer: big });
    const bigErr = page.locator('[data-testid="upload-item"][data-status="failed"]', { hasText: 'lon.txt' }).locator('[data-testid="upload-error"]');
    await bigErr.waitFor({ timeout: 20000 });
    assert.equal((await bigErr.textContent()).trim(), tooLarge.body.error.message);
    assert.match(await page.locator('[data-testid="upload-item"]', { hasText: 'lon.txt' }).textContent(), /10 MB/);
    await page.locator('[data-testid="upload-item"]', { hasText: 'lon.txt' }).getByText('Bỏ').click();
    await page.locator('[data-testid="upload-item"]').waitFor({ state: 'detached' });

    // a file: name + human size, downloaded through fetch-with-header
    const text = Buffer.from('Mã đơn,Số tiền\nDH001,120000\n', 'utf8');
    await page.setInputFiles('[data-testid="attach-input"]', { name: 'don-hang.csv', mimeType: 'text/csv', buffer: text });
    const file = page.locator('[data-testid="message"][data-sender="agent"] [data-testid="file-attachment"]');
    await file.waitFor({ timeout: 15000 });
    assert.equal((await file.locator('[data-testid="file-name"]').textContent()).trim(), 'don-hang.csv');
    assert.equal((await file.locator('[data-testid="file-size"]').textContent()).trim(), `${text.length} B`);
    const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
    assert.equal(download.suggestedFilename(), 'don-hang.csv');
    await shot(page, 'support-attachments-thread');
  });

  it('bot: settings save and reload (API key never echoed); bot messages are badged; a handoff flags the inbox row and rings', async (t) => {
    const probe = await api.call('GET', '/admin/bot', { token: ctx.tokens.admin });
    if (probe.status === 404 || probe.status === 405) {
      t.skip(`server has no bot endpoint yet (GET /api/admin/bot → ${probe.status})`);
      return;
    }
    assert.equal(probe.status, 200, JSON.stringify(probe.body));
    // a stand-in for the external OpenAI-compatible API the server calls
    const llmCalls = [];
    const llm = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        llmCalls.push({ url: req.url, auth: req.headers.authorization, body });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Dạ, cửa hàng mở cửa từ 8 giờ đến 21 giờ ạ.' } }] }));
      });
    });
    await new Promise((r) => llm.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => llm.close(r)));
    const llmUrl = `http://127.0.0.1:${llm.address().port}/v1`;

    const page = ctx.pages.admin;
    await page.click('nav >> text=Trợ lý ảo');
    await page.waitForURL(/\/admin\/bot/);
    await page.locator('[data-testid="bot-form"]').waitFor();
    // a field error from the server
    await page.fill('#bot-timeoutSeconds', '61');
    await page.click('[data-testid="bot-save"]');
    const badTimeout = await api.call('PUT', '/admin/bot', { token: ctx.tokens.admin, body: { ...probe.body.bot, timeoutSeconds: 61 } });
    assert.equal(badTimeout.status, 400);
    await page.locator('[data-testid="bot-form"]', { hasText: badTimeout.body.error.fields.timeoutSeconds }).waitFor();

    if (!(await page.locator('[data-testid="bot-enabled"]').isChecked())) await page.locator('[data-testid="bot-enabled"]').check({ force: true });
    await page.fill('#bot-name', 'Bé Na');
    await page.fill('#bot-baseUrl', llmUrl);
    await page.fill('#bot-model', 'gia-lap-1');
    await page.fill('#bot-apiKey', 'sk-bi-mat-123');
    await page.fill('#bot-systemPrompt', 'Bạn là trợ lý của cửa hàng.');
    await page.fill('#bot-knowledge', 'Giờ mở cửa: 8 giờ – 21 giờ.');
    await page.fill('#bot-waitSeconds', '1');
    await page.fill('#bot-timeoutSeconds', '10');
    await page.click('[data-testid="bot-save"]');
    await page.locator('[role="status"]', { hasText: 'Đã lưu cài đặt trợ lý ảo.' }).waitFor();
    await page.reload();
    await page.locator('[data-testid="bot-form"]').waitFor();
    assert.equal(await page.inputValue('#bot-name'), 'Bé Na');
    assert.equal(await page.inputValue('#bot-baseUrl'), llmUrl);
    assert.equal(await page.inputValue('#bot-model'), 'gia-lap-1');
    assert.equal(await page.inputValue('#bot-apiKey'), '');
    assert.equal(await page.getAttribute('#bot-apiKey', 'type'), 'password');
    await page.locator('[data-testid="bot-key-saved"]', { hasText: 'Đã lưu khóa' }).waitFor();
    assert.equal(await page.inputValue('#bot-waitSeconds'), '1');
    assert.equal(await page.locator('[data-testid="bot-enabled"]').isChecked(), true);
    const saved = (await api.call('GET', '/admin/bot', { token: ctx.tokens.admin })).body.bot;
    assert.equal(saved.apiKey, '');
    assert.equal(saved.apiKeySet, true);
    assert.equal(saved.knowledge, 'Giờ mở cửa: 8 giờ – 21 giờ.');
    await shot(page, 'support-bot-settings');

    // nobody takes new conversations (away), so the bot answers one that waited 1 s
    for (const k of ['an', 'admin']) await api.call('PUT', '/agents/me/status', { token: ctx.tokens[k], body: { status: 'away' } });
    try {
      const { conversation, visitorToken } = await createConversation('Khách Hỏi Trợ Lý', '');
      const an = ctx.pages.an;
      await an.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
      await an.locator('[data-testid="conversation-view"]').waitFor();
      await eventually(async () => Date.now() - Date.parse(conversation.createdAt) > 1200, { interval: 100, message: 'waited 1 s' });
      const sent = await api.call('POST', `/conversations/${conversation.id}/messages`, { token: visitorToken, body: { text: 'Shop mở cửa mấy giờ?', clientId: 'v-bot-1' } });
      assert.ok(sent.status === 201 || sent.status === 200, JSON.stringify(sent.body));
      const botMsg = an.locator('[data-testid="message"][data-sender="bot"]');
      await botMsg.waitFor({ timeout: 20000 });
      assert.match(await botMsg.textContent(), /mở cửa từ 8 giờ/);
      assert.match(await botMsg.locator('[data-testid="bot-badge"]').textContent(), /Trợ lý ảo/);
      assert.ok(llmCalls.some((c) => c.auth === 'Bearer sk-bi-mat-123'), 'the server called the configured API with the stored key');

      // handoff: the row says so, and a hidden tab rings
      await fakeHiddenTab(an);
      try {
        const h = await api.call('POST', `/conversations/${conversation.id}/handoff`, { token: visitorToken });
        assert.equal(h.status, 200, JSON.stringify(h.body));
        await an.locator(`${rowSel(conversation.id)} [data-testid="handoff-flag"]`, { hasText: 'Khách muốn gặp nhân viên' }).waitFor();
        await an.waitForFunction(() => window.__notes.some((n) => /muốn gặp nhân viên/.test(n.title)), null, { timeout: 10000 });
        assert.ok((await an.evaluate(() => window.__beeps)) > 0, 'a WebAudio beep was played');
      } finally {
        await an.evaluate(() => { delete document.hidden; });
      }
      await an.locator('[data-testid="message"][data-sender="system"]', { hasText: 'Khách muốn gặp nhân viên hỗ trợ.' }).waitFor();
      await shot(an, 'support-bot-handoff');
    } finally {
      for (const k of ['an', 'admin']) await api.call('PUT', '/agents/me/status', { token: ctx.tokens[k], body: { status: 'online' } });
      await api.call('PUT', '/admin/bot', { token: ctx.tokens.admin, body: { ...saved, enabled: false } });
    }
  });
});

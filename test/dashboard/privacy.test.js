// Browser tests of #16 in the dashboard: the notice of failed sign-ins, an
// agent blocking a visitor from a conversation, the admin's block list, the
// privacy notice and consent settings, a contact's export and erasure (the
// conversation leaves the inbox live), and the audit log. Real headless
// Chromium against the dev server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DESKTOP, loginUi, newPage, rowSel, shot } from './lib/browser.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';


let server;
let api;
let browser;
let ctx;

async function createConversation(name, phone, message = 'Xin chào shop') {
  const r = await api.call('POST', '/conversations', { body: { fields: { name, phone, message } } });
  assert.equal(r.status, 201, `POST /api/conversations → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.conversation;
}

describe('dashboard: abuse controls and personal data (#16)', { timeout: 5 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ logins: ['admin'], pages: ['an', 'admin'], pageOptions: { ...DESKTOP, acceptDownloads: true } });
    ({ server, api, browser } = ctx);
  });

  after(() => ctx?.close());

  it('failed sign-ins into my account are shown at my next sign-in, until dismissed', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await api.call('POST', '/auth/login', { body: { email: 'binh@chatdesk.local', password: 'doan-sai-' + i } });
      assert.equal(r.status, 401);
    }
    const page = await newPage(browser, { ...DESKTOP, acceptDownloads: true });
    await loginUi(page, server.baseUrl, 'binh@chatdesk.local');
    const banner = page.locator('[data-testid="login-notice"]');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Có 3 lần đăng nhập sai vào tài khoản của bạn từ 127\.0\.0\.1/);
    await shot(page, 'login-notice');
    await page.reload();
    await banner.waitFor(); // kept until dismissed
    await page.click('text=Đã hiểu');
    await banner.waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('an agent blocks a visitor from the conversation; the admin sees and lifts the block', async () => {
    const conv = await createConversation('Khách Spam', '0905 123 456', 'mua hàng giá rẻ tại spam.example');
    const page = ctx.pages.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conv.id}`);
    await page.click('[data-testid="block-open"]');
    await page.check('[data-testid="block-kind-phone"]');
    await page.fill('[data-testid="block-reason"]', 'gửi tin rác');
    await page.selectOption('#block-hours', String(24 * 30));
    await shot(page, 'block-visitor');
    await page.click('[data-testid="block-submit"]');
    assert.match(await page.locator('[data-testid="block-done"]').textContent(), /Đã chặn số 0905123456 đến/);

    const again = await api.call('POST', '/conversations', { body: { fields: { name: 'Khách Spam', phone: '0905123456' } } });
    assert.equal(again.status, 403);
    assert.equal(again.body.error.code, 'blocked');

    const admin = ctx.pages.admin;
    await admin.click('nav >> text=Chặn khách');
    await admin.waitForURL(/\/admin\/blocks/);
    const row = admin.locator('[data-testid="block-row"]', { hasText: '0905123456' });
    await row.waitFor();
    assert.match(await row.textContent(), /gửi tin rác.*An/);
    // The admin adds a network block by hand, then lifts the phone block.
    await admin.selectOption('#nb-kind', 'ip');
    await admin.fill('[data-testid="new-block-value"]', '198.51.100.0/24');
    await admin.click('[data-testid="new-block-submit"]');
    await admin.locator('[data-testid="block-row"]', { hasText: '198.51.100.0/24' }).waitFor();
    await shot(admin, 'blocks-page');
    await row.locator('[data-testid="block-remove"]').click();
    await row.waitFor({ state: 'detached' });
    await eventually(async () => (await api.call('POST', '/conversations', { body: { fields: { name: 'Khách', phone: '0905123456' } } })).status === 201,
      { message: 'the phone may open conversations again' });
  });

  it('the admin sets the privacy notice and consent; exports and erases a contact, which leaves the inbox; all in the audit log', async () => {
    const admin = ctx.pages.admin;
    await admin.click('nav >> text=Dữ liệu cá nhân');
    await admin.waitForURL(/\/admin\/privacy/);
    await admin.fill('[data-testid="privacy-notice-input"]', 'Cửa hàng Áo Đẹp dùng họ tên, số điện thoại để trả lời bạn; lưu 12 tháng. Liên hệ 024 3825 1234 để xem, sửa, xóa.');
    await admin.check('[data-testid="privacy-consent-required"]');
    await admin.fill('[data-testid="privacy-months"]', '12');
    await admin.click('[data-testid="privacy-save"]');
    await admin.locator('text=Phiên bản 1').first().waitFor();
    const form = await api.call('GET', '/form-fields');
    assert.equal(form.body.privacy.version, 1);
    assert.equal(form.body.privacy.consentRequired, true);

    // A contact with two conversations; one is in An's inbox.
    const phone = '0911 222 333';
    const withConsent = { fields: { name: 'Lê Văn Tám', phone, message: 'Đơn hàng DH-77 của tôi đâu?' }, consent: { version: 1, accepted: true } };
    const c1 = (await api.call('POST', '/conversations', { body: withConsent })).body.conversation;
    const c2 = (await api.call('POST', '/conversations', { body: withConsent })).body.conversation;
    assert.ok(c1 && c2, 'conversations with consent');
    await ctx.pages.an.goto(`${server.baseUrl}/dashboard/inbox/${c1.id}`);
    await ctx.pages.an.locator('[data-testid="privacy-consent"]').waitFor();
    assert.match(await ctx.pages.an.locator('[data-testid="privacy-consent"]').textContent(), /Đã đồng ý thông báo phiên bản 1/);
    await ctx.pages.an.locator(rowSel(c1.id)).waitFor();

    await admin.fill('[data-testid="contact-phone"]', phone);
    await admin.click('[data-testid="contact-lookup"]');
    const summary = admin.locator('[data-testid="contact-summary"]');
    await summary.waitFor();
    assert.match(await summary.textContent(), /2 cuộc trò chuyện, \d+ tin nhắn/);
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('[data-testid="contact-export"]')]);
    assert.equal(download.suggestedFilename(), 'du-lieu-0911222333.zip');
    const zip = readFileSync(await download.path());
    assert.equal(zip.subarray(0, 2).toString(), 'PK');

    await admin.fill('[data-testid="contact-confirm"]', '0911 222 334');
    await admin.click('[data-testid="contact-erase"]');
    await admin.locator('text=Số điện thoại xác nhận không khớp.').waitFor();
    await admin.fill('[data-testid="contact-confirm"]', '0911222333');
    await shot(admin, 'privacy-erase-confirm');
    await admin.click('[data-testid="contact-erase"]');
    assert.match(await admin.locator('[data-testid="contact-erased"]').textContent(), /Đã xóa 2 cuộc trò chuyện, \d+ tin nhắn/);
    // Live: the erased conversation leaves An's inbox.
    await ctx.pages.an.locator(rowSel(c1.id)).waitFor({ state: 'detached' });
    assert.equal((await api.call('GET', `/conversations/${c2.id}`, { token: ctx.tokens.admin })).status, 404);

    await admin.click('nav >> text=Nhật ký');
    await admin.waitForURL(/\/admin\/audit/);
    await admin.locator('[data-testid="audit-row"][data-action="contact.erased"]').first().waitFor();
    for (const action of ['contact.exported', 'block.added', 'block.removed', 'privacy.updated', 'auth.login_failed', 'auth.login']) {
      assert.ok(await admin.locator(`[data-testid="audit-row"][data-action="${action}"]`).count() > 0, `audit row ${action}`);
    }
    const text = await admin.locator('[data-testid="audit-table"]').textContent();
    assert.ok(!text.includes('0911222333'), 'the phone is masked in the log');
    assert.match(text, /091\*+33/);
    await admin.selectOption('[data-testid="audit-filter"]', 'auth.login_failed');
    await eventually(async () => {
      const actions = await admin.$$eval('[data-testid="audit-row"]', (els) => els.map((e) => e.dataset.action));
      return actions.length > 0 && actions.every((a) => a === 'auth.login_failed');
    }, { message: 'the filter' });
    await shot(admin, 'audit-log');
  });
});

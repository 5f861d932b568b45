// Browser test of the admin's integrations page (issue 17): an admin adds
// a webhook to a receiver run by this test (it checks every signature and
// answers 500 to each delivery's first attempt), watches the deliveries go
// from retrying to delivered, resends one with "Gửi lại", and saves the
// SMTP settings. Real headless Chromium against bin/chatdesk-dev.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { ARTIFACTS } from './lib/server.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

let suite;
let server;
let api;
let browser;
let receiver;
const received = []; // {delivery, attempt, status, verified, body}
let secret = '';

/** The verification a shop's server does (docs/api.md "Verifying a delivery"). */
function verify(header, body) {
  const parts = Object.fromEntries(String(header).split(',').map((p) => p.split('=')));
  const mac = crypto.createHmac('sha256', secret).update(`${parts.t}.`).update(body).digest('hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
  return fresh && parts.v1 && crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(parts.v1.padEnd(mac.length).slice(0, mac.length)));
}

function startReceiver() {
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const delivery = req.headers['x-chatdesk-delivery'];
        const seen = received.filter((r) => r.delivery === delivery).length;
        const status = seen === 0 ? 500 : 204;
        received.push({ delivery, attempt: req.headers['x-chatdesk-attempt'], status, verified: verify(req.headers['x-chatdesk-signature'], body), body: body.toString() });
        res.writeHead(status).end();
      });
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

describe('integrations page', () => {
  before(async () => {
    // Quick retries; the dev server reads the same variables as production.
    process.env.CHATDESK_WEBHOOK_RETRY_BASE = '1s';
    try {
      suite = await startDeskSuite({ logins: [] });
    } finally {
      delete process.env.CHATDESK_WEBHOOK_RETRY_BASE;
    }
    ({ server, api, browser } = suite);
    receiver = await startReceiver();
  });

  after(async () => {
    await suite?.close();
    receiver?.close();
  });

  it('adds a webhook, shows its deliveries and resends one; saves SMTP settings', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (err) => console.error(`[browser error] ${err.message}`));
    await page.goto(`${server.baseUrl}/dashboard/login`);
    await page.fill('#email', 'admin@chatdesk.local');
    await page.fill('#password', 'matkhau123');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard\/inbox/);
    await page.getByRole('link', { name: 'Tích hợp' }).click();
    await page.waitForURL(/\/dashboard\/admin\/integrations/);

    // A private address is refused unless allowed.
    await page.click('[data-testid="add-webhook"]');
    const url = `http://127.0.0.1:${receiver.address().port}/chatdesk`;
    await page.fill('#wh-url', url);
    await page.fill('#wh-description', 'CRM của shop');
    await page.click('[data-testid="wh-save"]');
    await page.getByText('Địa chỉ IP nội bộ bị chặn', { exact: false }).waitFor();
    await page.check('[data-testid="wh-allow-private"]');
    await page.click('[data-testid="wh-save"]');
    secret = (await page.locator('[data-testid="new-secret"]').textContent()).trim();
    assert.match(secret, /^whsec_[0-9a-f]{48}$/);
    await page.locator('[data-testid="webhook"]').getByText(url).waitFor();

    // A visitor opens a conversation: conversation.created and message.created.
    const created = await api.call('POST', '/conversations', { body: { fields: { name: 'Nguyễn Văn Bình', phone: '0912 345 678', message: 'Cho em hỏi giá' } } });
    assert.equal(created.status, 201);
    await page.click('[data-testid="show-deliveries"]');
    await eventually(async () => (await page.locator('[data-testid="delivery-row"][data-status="delivered"]').count()) >= 2, { timeout: 30000, message: 'deliveries shown delivered' });
    await page.locator('[data-testid="deliveries"]').getByText('Tin nhắn mới').first().waitFor();
    for (const r of received) assert.ok(r.verified, `signature of ${r.delivery} attempt ${r.attempt}`);
    const events = new Set(received.map((r) => JSON.parse(r.body).type));
    assert.ok(events.has('conversation.created') && events.has('message.created'), [...events].join());
    const acked = received.filter((r) => r.status === 204).map((r) => r.delivery);
    assert.equal(new Set(acked).size, acked.length, 'each delivery acknowledged once');
    const before = { n: received.length, bodies: new Set(received.map((r) => r.body)).size, ids: new Set(received.map((r) => r.delivery)).size };
    await page.screenshot({ path: path.join(ARTIFACTS, 'integrations-webhooks.png') });

    // "Gửi lại": the same event under a new delivery id.
    await page.locator('[data-testid="redeliver"]').first().click();
    await page.getByText('Đã xếp hàng gửi lại.').waitFor();
    await eventually(() => received.length > before.n, { timeout: 20000, message: 'the redelivery' });
    assert.equal(new Set(received.map((r) => r.body)).size, before.bodies, 'the redelivery carries an event already sent');
    assert.equal(new Set(received.map((r) => r.delivery)).size, before.ids + 1, 'under a new delivery id');

    // SMTP settings: the password is write-only.
    await page.fill('#mail-host', 'smtp.example.vn');
    await page.fill('#mail-username', 'hotro@example.vn');
    await page.fill('#mail-password', 'mat-khau-smtp');
    await page.fill('#mail-from', 'Hỗ trợ Shop <hotro@example.vn>');
    await page.click('[data-testid="mail-save"]');
    await page.getByText('Đã lưu cài đặt email.').waitFor();
    assert.equal(await page.inputValue('#mail-password'), '');
    await page.getByText('Để trống để giữ mật khẩu đã lưu.').waitFor();
    const admin = await api.login('admin@chatdesk.local');
    const mail = await api.call('GET', '/admin/mail', { token: admin.token });
    assert.equal(mail.body.mail.password, '');
    assert.equal(mail.body.mail.passwordSet, true);
    await page.locator('#mail-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'integrations-mail.png') });
    await context.close();
  });

  it('identity: the secret is generated and shown once, verified-only is saved, a verified visitor is marked', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (err) => console.error(`[browser error] ${err.message}`));
    await page.goto(`${server.baseUrl}/dashboard/login`);
    await page.fill('#email', 'admin@chatdesk.local');
    await page.fill('#password', 'matkhau123');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard\/inbox/);
    await page.goto(`${server.baseUrl}/dashboard/admin/integrations`);
    const status = page.locator('[data-testid="identity-status"]');
    await status.getByText('Chưa có khóa bí mật.').waitFor();

    // Verified-only needs a secret first.
    await page.check('[data-testid="identity-verified-only"]');
    await page.click('[data-testid="identity-save"]');
    await page.getByText('Hãy tạo khóa bí mật trước', { exact: false }).waitFor();

    await page.click('[data-testid="identity-rotate"]');
    const idSecret = (await page.locator('[data-testid="identity-secret"]').textContent()).trim();
    assert.match(idSecret, /^idsec_[0-9a-f]{64}$/);
    await status.getByText('…' + idSecret.slice(-4)).waitFor();
    await page.click('[data-testid="identity-save"]');
    await page.getByText('Đã bật: chỉ khách đã xác minh', { exact: false }).waitFor();
    await page.locator('#identity-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'integrations-identity.png') });

    // Shown once: not after a reload, never by the API.
    await page.reload();
    await status.getByText('…' + idSecret.slice(-4)).waitFor();
    assert.equal(await page.locator('[data-testid="identity-secret"]').count(), 0);
    assert.equal(await page.isChecked('[data-testid="identity-verified-only"]'), true);
    const admin = await api.login('admin@chatdesk.local');
    const got = await api.call('GET', '/admin/identity', { token: admin.token });
    assert.ok(!JSON.stringify(got.body).includes(idSecret) && got.body.identity.verifiedOnly === true, JSON.stringify(got.body));

    // Anonymous visitors are refused; a customer the shop's server signed is not, and is marked.
    const hmac = (key, id) => crypto.createHmac('sha256', key).update(id).digest('hex');
    const fields = { name: 'Phạm Thu Hà', phone: '0933 444 555', message: 'Đơn của em sao rồi ạ?' };
    const anon = await api.call('POST', '/conversations', { body: { fields } });
    assert.equal(anon.status, 403);
    assert.equal(anon.body.error.code, 'identity_required');
    const ok = await api.call('POST', '/conversations', { body: { fields, userId: 'kh-2024-0042', hash: hmac(idSecret, 'kh-2024-0042') } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    await page.goto(`${server.baseUrl}/dashboard/inbox/${ok.body.conversation.id}`);
    const mark = page.locator('[data-testid="verified"]');
    await mark.getByText('Đã xác minh').waitFor();
    assert.equal((await page.locator('[data-testid="verified-user-id"]').textContent()).trim(), 'kh-2024-0042');
    await page.screenshot({ path: path.join(ARTIFACTS, 'conversation-verified.png') });

    // A new secret replaces the old one at once.
    await page.goto(`${server.baseUrl}/dashboard/admin/integrations`);
    page.once('dialog', (d) => d.accept());
    await page.click('[data-testid="identity-rotate"]');
    const next = page.locator('[data-testid="identity-secret"]');
    await next.waitFor();
    const newSecret = (await next.textContent()).trim();
    assert.notEqual(newSecret, idSecret);
    const old = await api.call('POST', '/conversations', { body: { fields, userId: 'kh-2024-0042', hash: hmac(idSecret, 'kh-2024-0042') } });
    assert.equal(old.status, 403);
    assert.equal(old.body.error.code, 'identity_invalid');
    await page.uncheck('[data-testid="identity-verified-only"]');
    await page.click('[data-testid="identity-save"]');
    await page.getByText('Đã lưu: mọi khách đều bắt đầu được cuộc trò chuyện.').waitFor();
    await context.close();
  });
});

// Browser tests of the widget's JavaScript API (issue 17, web-widget/README.md)
// in real headless Chromium against bin/chatdesk-dev: a shop page on another
// origin that uses the documented queue stub, so every call it makes before
// widget.js has loaded is replayed. setUser fills and skips the form fields it
// knows and proves who the customer is (userId + hash, computed here as the
// shop's server would); setFields' answer reaches the agent; the events fire;
// show/hide is the launcher; reset forgets; an unverified visitor is refused
// with the Vietnamese message when the admin accepts only verified ones; and
// "Gửi bản ghi qua email" through an SMTP server run by the test.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createServer } from 'node:http';
import { $, freePort, launcher, login, rest, shot, sleep, startSMTP, startWidgetSuite } from './lib.js';

const T = 20_000;

let suite;
let server;
let shop;
let browser;
let admin;
let secret;
let smtp;
const pages = new Map(); // name → the page's own script, after the stub

const field = (p, key) => p.locator(`chatdesk-widget [data-field="${key}"]`);
const hash = (userId) => crypto.createHmac('sha256', secret).update(userId).digest('hex'); // the shop's server

/** The shop's page: the README's stub, a log of every event, then its own calls, then widget.js (async). */
function shopPage(name) {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Shop ${name}</title></head>
<body><h1>Cửa hàng</h1>
<script>
  (function (w, c) {
    c = w.ChatDesk = w.ChatDesk || {};
    c.q = c.q || [];
    'open close toggle show hide setUser setFields reset on off'.split(' ').forEach(function (m) {
      c[m] = c[m] || function () { c.q.push([m, arguments]); };
    });
  })(window);
  window.__ev = [];
  ['ready', 'open', 'close', 'message', 'unread'].forEach(function (e) {
    ChatDesk.on(e, function (d) { window.__ev.push([e, d === undefined ? null : d]); });
  });
  ${pages.get(name) || ''}
</script>
<script src="${server.url}/widget.js" async data-server="${server.url}"></script>
</body></html>`;
}

async function startShop() {
  const port = await freePort();
  const srv = createServer((req, res) => {
    const name = (req.url.match(/^\/p\/(\w+)/) || [])[1];
    if (!name) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(shopPage(name));
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { url: (name) => `http://127.0.0.1:${port}/p/${name}`, close: () => new Promise((r) => srv.close(r)) };
}

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => console.log('# page error:', e.message));
  return p;
}

const events = (p, type) => p.evaluate((t) => window.__ev.filter((e) => !t || e[0] === t), type);

async function waitEvent(p, type, pred = () => true, what = type) {
  const deadline = Date.now() + T;
  for (;;) {
    const found = (await events(p, type)).find((e) => pred(e[1]));
    if (found) return found[1];
    assert.ok(Date.now() < deadline, `event ${what}; got ${JSON.stringify(await events(p))}`);
    await sleep(50);
  }
}

const storedSession = (p) => p.evaluate(() => {
  const k = Object.keys(localStorage).find((x) => x.startsWith('chatdesk:'));
  return k ? JSON.parse(localStorage.getItem(k)) : null;
});

async function setVerifiedOnly(on) {
  const r = await rest(server.url, 'PUT', '/api/admin/identity', { token: admin, body: { verifiedOnly: on } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

describe('the widget JavaScript API', { timeout: 600_000 }, () => {
  before(async () => {
    // The shop below is this file's own host page.
    suite = await startWidgetSuite({ hostPage: false });
    ({ server, browser } = suite);
    shop = await startShop();
    smtp = await startSMTP();
    admin = await login(server.url, 'admin@chatdesk.local');
    for (const f of [
      { key: 'email', label: 'Email', type: 'text', required: false, enabled: true },
      { key: 'order', label: 'Mã đơn hàng', type: 'text', required: false, enabled: true },
    ]) {
      const r = await rest(server.url, 'POST', '/api/admin/form-fields', { token: admin, body: f });
      assert.equal(r.status, 201, `field ${f.key}: ${JSON.stringify(r.body)}`);
    }
    const r = await rest(server.url, 'POST', '/api/admin/identity/secret', { token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    secret = r.body.identity.secret;
    assert.match(secret, /^idsec_[0-9a-f]{64}$/);
  });

  after(async () => {
    await shop?.close().catch(() => {});
    await smtp?.close().catch(() => {});
    await suite?.close();
  });

  let page;
  let convId;
  let agent;

  it('calls queued before load: setUser fills and skips name, phone and email, setFields the order; ready and open fire', async () => {
    pages.set('lan', `
      ChatDesk.setUser({ name: 'Nguyễn Thị Lan', phone: '0912 345 678', email: 'lan@example.vn', userId: 'u-42', hash: '${hash('u-42')}' });
      ChatDesk.setFields({ order: 'DH-1001' });
    `);
    page = await newPage();
    await page.goto(shop.url('lan'));
    await waitEvent(page, 'ready');
    assert.deepEqual(await events(page, 'open'), [], 'nothing opened by itself');
    await page.evaluate(() => window.ChatDesk.open());
    await waitEvent(page, 'open');
    await $(page, 'prechat-form').waitFor({ timeout: T });
    for (const key of ['name', 'phone', 'email', 'order']) assert.equal(await field(page, key).count(), 0, `${key} is asked although the page knows it`);
    assert.equal(await field(page, 'address').count(), 1, 'address is still asked');
    await field(page, 'message').fill('Chào shop, đơn DH-1001 của em giao chưa ạ?');
    await shot(page, 'api-prefilled-form');
    await $(page, 'prechat-submit').click();
    await $(page, 'composer').waitFor({ timeout: T });
    const s = await storedSession(page);
    assert.equal(s.userId, 'u-42');
    convId = s.conversationId;
  });

  it('the agent gets the verified customer and the setFields answer', async () => {
    agent = await login(server.url, 'an@chatdesk.local');
    const r = await rest(server.url, 'GET', `/api/conversations/${convId}`, { token: agent });
    assert.equal(r.status, 200);
    const c = r.body.conversation;
    assert.equal(c.visitor.userId, 'u-42');
    assert.equal(c.visitor.verified, true);
    assert.equal(c.visitor.name, 'Nguyễn Thị Lan');
    assert.equal(c.visitor.phone, '0912345678');
    const answers = Object.fromEntries(c.answers.map((a) => [a.key, a.value]));
    assert.equal(answers.order, 'DH-1001');
    assert.equal(answers.email, 'lan@example.vn');
  });

  it('events: message is a plain copy, unread counts while closed, close and open fire', async () => {
    const claim = await rest(server.url, 'POST', `/api/conversations/${convId}/claim`, { token: agent });
    assert.ok([200, 409].includes(claim.status), JSON.stringify(claim.body));
    await page.evaluate(() => window.ChatDesk.close());
    await waitEvent(page, 'close');
    const sent = await rest(server.url, 'POST', `/api/conversations/${convId}/messages`, { token: agent, body: { text: 'Đơn DH-1001 đang giao chị nhé.', clientId: 'a-1' } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const m = await waitEvent(page, 'message', (d) => d.from === 'agent', 'message from the agent');
    assert.deepEqual(Object.keys(m).sort(), ['createdAt', 'from', 'id', 'seq', 'text']);
    assert.deepEqual(m, { id: sent.body.message.id, seq: sent.body.message.seq, from: 'agent', text: 'Đơn DH-1001 đang giao chị nhé.', createdAt: sent.body.message.createdAt });
    assert.equal(await waitEvent(page, 'unread', (n) => n === 1, 'unread 1'), 1);
    await launcher(page).click();
    await waitEvent(page, 'unread', (n) => n === 0, 'unread 0');
    assert.equal((await events(page, 'open')).length, 2);
    await $(page, 'composer').fill('Dạ em cảm ơn.');
    await page.keyboard.press('Enter');
    const own = await waitEvent(page, 'message', (d) => d.from === 'visitor', 'the visitor\'s own message, once stored');
    assert.equal(own.text, 'Dạ em cảm ơn.');
  });

  it('hide() and show() are the launcher; the panel still opens', async () => {
    await page.evaluate(() => { window.ChatDesk.close(); window.ChatDesk.hide(); });
    await launcher(page).waitFor({ state: 'detached', timeout: T });
    await page.evaluate(() => window.ChatDesk.open());
    await $(page, 'composer').waitFor({ timeout: T });
    await page.evaluate(() => { window.ChatDesk.close(); window.ChatDesk.show(); });
    await launcher(page).waitFor({ timeout: T });
  });

  it('"Gửi bản ghi qua email": absent without SMTP; sent to the form\'s address through the test\'s SMTP server', async () => {
    await page.evaluate(() => window.ChatDesk.open());
    await $(page, 'composer').waitFor({ timeout: T });
    assert.equal(await $(page, 'mail-transcript').count(), 0, 'offered while email is not configured');
    const r = await rest(server.url, 'PUT', '/api/admin/mail', {
      token: admin, body: { host: smtp.host, port: smtp.port, security: 'none', from: 'Hỗ trợ Shop <hotro@example.vn>', notifyWaiting: false },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await page.reload();
    await page.evaluate(() => window.ChatDesk.open());
    await $(page, 'mail-transcript').click({ timeout: T });
    assert.equal(await $(page, 'mail-email').inputValue(), 'lan@example.vn');
    await $(page, 'mail-send').click();
    await page.locator('chatdesk-widget [data-testid="mail-note"]', { hasText: 'Đã gửi bản ghi tới lan@example.vn.' }).waitFor({ timeout: T });
    assert.equal(smtp.messages.length, 1);
    assert.deepEqual(smtp.messages[0].to, ['lan@example.vn']);
    assert.match(smtp.messages[0].data, /^Subject: =\?utf-8\?q\?N=E1=BB=99i_dung_cu=E1=BB=99c_tr=C3=B2_chuy=E1=BB=87n/im, "the subject: Nội dung cuộc trò chuyện…");
    // The server's refusal shows in its words.
    await $(page, 'mail-email').fill('khong-phai-email');
    await $(page, 'mail-send').click();
    await page.locator('chatdesk-widget [data-testid="mail-note"]', { hasText: 'Địa chỉ email không hợp lệ.' }).waitFor({ timeout: T });
    await shot(page, 'api-mail-transcript');
  });

  it('another customer signing in on the same browser starts afresh; reset() forgets everything', async () => {
    await page.evaluate((h) => window.ChatDesk.setUser({ name: 'Trần Văn Minh', userId: 'u-43', hash: h }), hash('u-43'));
    await $(page, 'prechat-form').waitFor({ timeout: T });
    assert.equal(await storedSession(page), null, 'u-42\'s conversation is forgotten');
    assert.equal(await field(page, 'name').count(), 0, 'the new name is known');
    assert.equal(await field(page, 'phone').count(), 1, 'the previous customer\'s phone is not kept');
    await page.evaluate(() => window.ChatDesk.reset());
    await field(page, 'name').waitFor({ timeout: T });
    for (const key of ['name', 'phone', 'email', 'order']) assert.equal(await field(page, key).count(), 1, `${key} asked again after reset`);
    assert.equal(await field(page, 'name').inputValue(), '');
    assert.equal(await storedSession(page), null);
    await shot(page, 'api-after-reset');
  });

  it('verified identity only: an anonymous visitor and a wrong hash are refused with the Vietnamese message', async () => {
    await setVerifiedOnly(true);
    pages.set('anon', '');
    pages.set('forged', `ChatDesk.setUser({ name: 'Kẻ giả mạo', phone: '0987654321', userId: 'u-42', hash: '${'0'.repeat(64)}' });`);
    const tests = [
      { name: 'anon', fill: true, message: 'Vui lòng đăng nhập trên website để trò chuyện với chúng tôi.' },
      { name: 'forged', fill: false, message: 'Không xác minh được tài khoản của bạn. Vui lòng tải lại trang hoặc đăng nhập lại.' },
    ];
    for (const tt of tests) {
      const p = await newPage();
      await p.goto(shop.url(tt.name));
      await p.evaluate(() => window.ChatDesk.open());
      await $(p, 'prechat-form').waitFor({ timeout: T });
      if (tt.fill) {
        await field(p, 'name').fill('Khách vãng lai');
        await field(p, 'phone').fill('0901234567');
      }
      await $(p, 'prechat-submit').click();
      const err = $(p, 'form-error');
      await err.waitFor({ timeout: T });
      assert.equal((await err.textContent()).trim(), tt.message, tt.name);
      assert.equal(await storedSession(p), null, `${tt.name}: no conversation`);
      await shot(p, 'api-refused-' + tt.name);
      await p.context().close();
    }
    // A verified customer still gets through.
    const p = await newPage();
    pages.set('minh', `ChatDesk.setUser({ name: 'Trần Văn Minh', phone: '0987654321', userId: 'u-43', hash: '${hash('u-43')}' });`);
    await p.goto(shop.url('minh'));
    await p.evaluate(() => window.ChatDesk.open());
    await $(p, 'prechat-submit').click({ timeout: T });
    await $(p, 'composer').waitFor({ timeout: T });
    assert.equal((await storedSession(p)).userId, 'u-43');
    await p.context().close();
    await setVerifiedOnly(false);
  });
});

// Browser test of the visitor context (issue 15): the visitor panel shows
// the browser as "Chrome N · Linux" (the raw user-agent on hover) and the
// page the visitor is on, updated live when their socket reports another
// (page.view → visitor.page). The visitor is a real Chromium page of the
// server's origin: its own user-agent creates the conversation, its own
// WebSocket reports the pages. Real headless Chromium against the dev
// server (bin/chatdesk-dev) on a free port with a fresh data dir. The admin
// settings page manages the proactive greetings, with the server's
// Vietnamese errors per rule.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newPage } from './lib/browser.js';
import { startDeskSuite } from './lib/suite.js';

let suite;
let server;
let api;
let browser;

describe('dashboard visitor context', { timeout: 3 * 60 * 1000 }, () => {
  before(async () => {
    suite = await startDeskSuite({ logins: [] });
    ({ server, api, browser } = suite);
  });

  after(() => suite?.close());

  it('the agent sees "Chrome N · Linux" and the visitor\'s current page change live', async () => {
    // The visitor: a page of the server's origin (its CSP allows the socket).
    const visitor = await newPage(browser);
    await visitor.goto(`${server.baseUrl}/demo`);
    const created = await visitor.evaluate(async () => {
      const r = await fetch('/api/conversations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { name: 'Khách Đang Xem', phone: '0912000991', message: 'Cho em hỏi áo' }, pageUrl: location.href }),
      });
      return { status: r.status, body: await r.json(), ua: navigator.userAgent };
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.conversation.id;
    await visitor.evaluate((tok) => new Promise((resolve, reject) => {
      window.__frames = [];
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
      window.__ws = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', id: 'h1', data: { token: tok, lastSeq: 0 } }));
      ws.onmessage = (ev) => {
        const env = JSON.parse(ev.data);
        window.__frames.push(env);
        if (env.type === 'session.ready') resolve();
      };
      setTimeout(() => reject(new Error('visitor hello timeout')), 8000);
    }), created.body.visitorToken);
    const report = (path, title, n) => visitor.evaluate(([p, t, i]) => window.__ws.send(JSON.stringify({ type: 'page.view', id: 'p' + i, data: { path: p, title: t } })), [path, title, n]);
    await report('/san-pham/ao-thun', 'Áo thun cotton', 1);

    // The agent opens the conversation.
    const { token } = await api.login('an@chatdesk.local');
    const agent = await newPage(browser);
    await agent.goto(`${server.baseUrl}/dashboard/login`);
    await agent.fill('#email', 'an@chatdesk.local');
    await agent.fill('#password', 'matkhau123');
    await agent.click('button[type=submit]');
    await agent.waitForURL(/\/dashboard\/inbox/);
    await agent.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    const panel = agent.locator('[data-testid="visitor-panel"]');
    const browserCell = panel.locator('[data-testid="browser"]');
    await browserCell.waitFor();
    assert.match(await browserCell.innerText(), /^Chrome \d+ · Linux$/);
    assert.equal(await browserCell.getAttribute('title'), created.ua, 'raw user-agent on hover');
    const current = panel.locator('[data-testid="current-page"]');
    await current.filter({ hasText: 'Áo thun cotton' }).waitFor();
    assert.match(await current.innerText(), /\/san-pham\/ao-thun/);
    assert.match(await current.innerText(), /lúc .*\d{2}\/\d{2}\/\d{4}/, 'dd/mm/yyyy');

    // The visitor navigates: the panel follows without a reload.
    const url = agent.url();
    await agent.evaluate(() => { window.__sameDocument = true; });
    await report('/gio-hang', 'Giỏ hàng', 2);
    await current.filter({ hasText: 'Giỏ hàng' }).waitFor();
    assert.match(await current.innerText(), /\/gio-hang/);
    assert.equal(agent.url(), url);
    assert.equal(await agent.evaluate(() => window.__sameDocument), true, 'no reload');
    // REST agrees (the live page in Redis).
    const r = await api.call('GET', `/conversations/${id}`, { token });
    assert.equal(r.body.conversation.visitor.currentPage.path, '/gio-hang');
  });

  it('the admin manages proactive greetings in Cài đặt; a bad pattern shows the server\'s Vietnamese error', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.baseUrl}/dashboard/login`);
    await page.fill('#email', 'admin@chatdesk.local');
    await page.fill('#password', 'matkhau123');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard\/inbox/);
    await page.goto(`${server.baseUrl}/dashboard/admin/settings`);
    const card = page.locator('[data-testid="greetings"]');
    await card.getByText('Chưa có lời chào chủ động.').waitFor();
    await page.click('[data-testid="greeting-add"]');
    await page.fill('#greeting-0-pattern', '/san pham');
    await page.fill('#greeting-0-delay', '8');
    await page.fill('#greeting-0-text', 'Bạn cần tư vấn size không?');
    await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await card.getByText('Mẫu trang không được chứa khoảng trắng').waitFor();
    let wc = await api.call('GET', '/widget/config');
    assert.deepEqual(wc.body.greetings, [], 'nothing saved');
    await page.fill('#greeting-0-pattern', '/san-pham/*');
    await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await page.getByText('Đã lưu cài đặt.').waitFor();
    wc = await api.call('GET', '/widget/config');
    assert.deepEqual(wc.body.greetings, [['/san-pham/*', 8, 'Bạn cần tư vấn size không?']]);
    // Switched off: kept in the settings, gone from the widget.
    await card.getByLabel('Đang bật').uncheck();
    await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await page.getByText('Đã lưu cài đặt.').waitFor();
    wc = await api.call('GET', '/widget/config');
    assert.deepEqual(wc.body.greetings, []);
    await page.reload();
    assert.equal(await page.inputValue('#greeting-0-pattern'), '/san-pham/*');
    assert.equal(await card.getByLabel('Đang bật').isChecked(), false);
  });
});

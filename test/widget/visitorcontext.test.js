// Browser tests of the visitor context (issue 15). The widget reports the
// page over the socket it already holds — on connect, then on every
// navigation of a single-page site (pushState, hash route, back) — and an
// agent following the conversation receives each as visitor.page; the
// query string never leaves the page. Proactive greetings: after N seconds
// on a matching page only, once per session, dismissible, opening the chat,
// also after an SPA navigation to a matching page. Own server instance, the
// hostile host page of lib.js on its own origin, real headless Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { $, agentSocket, login, rest, sleep, startWidgetSuite } from './lib.js';

const T = 20_000;
let suite;
let server;
let host;
let browser;


describe('issue 15: visitor context from the widget', { timeout: 300_000 }, () => {
  before(async () => {
    suite = await startWidgetSuite({ chromiumArgs: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    ({ server, host, browser } = suite);
  });

  after(() => suite?.close());

  it('navigation in an SPA page reaches the agent as visitor.page (path and #/ route, no query)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await page.goto(host.url + '?once&token=bi-mat');
    await page.locator('chatdesk-widget button.cd-launcher').click();
    await page.locator('chatdesk-widget [data-field="name"]').fill('Khách Lướt Trang');
    await page.locator('chatdesk-widget [data-field="phone"]').fill('0912000992');
    await $(page, 'prechat-submit').click();
    await $(page, 'composer').waitFor({ timeout: T });
    const s = await page.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((x) => x.startsWith('chatdesk:')))));

    const agent = await agentSocket(browser, server.url, await login(server.url, 'an@chatdesk.local'));
    const joined = await agent.request('conversation.join', { conversationId: s.conversationId, afterSeq: 0 });
    assert.equal(joined.type, 'ack', JSON.stringify(joined));
    const pages = async () => (await agent.events()).filter((e) => e.type === 'visitor.page' && e.data.conversationId === s.conversationId).map((e) => e.data.page);
    /** Waits for a visitor.page with this path (polling, no fixed sleeps). */
    async function seen(path) {
      const deadline = Date.now() + T;
      for (;;) {
        const p = (await pages()).find((x) => x.path === path);
        if (p) return p;
        assert.ok(Date.now() < deadline, `no visitor.page for ${path}; got ${JSON.stringify(await pages())}`);
        await sleep(100);
      }
    }
    // The report made on connect came before the agent joined: the
    // navigations below are what it must see.
    await page.evaluate(() => {
      document.title = 'Giỏ hàng – Shop';
      history.pushState({}, '', '/shop/gio-hang?ma=DH-1&email=a@b.vn');
    });
    const cart = await seen('/shop/gio-hang');
    assert.equal(cart.title, 'Giỏ hàng – Shop');
    await page.evaluate(() => { location.hash = '#/don-hang/1'; });
    await seen('/shop/gio-hang#/don-hang/1');
    await page.evaluate(() => history.back());
    // back to /shop/gio-hang after the hash entry: already the last reported
    // before it, so a report again proves popstate (2 reports of that path).
    const deadline = Date.now() + T;
    while ((await pages()).filter((p) => p.path === '/shop/gio-hang').length < 2) {
      assert.ok(Date.now() < deadline, 'popstate not reported: ' + JSON.stringify(await pages()));
      await sleep(100);
    }
    for (const p of await pages()) assert.ok(!p.path.includes('?') && !p.path.includes('bi-mat') && !p.path.includes('a@b.vn'), 'no query: ' + p.path);
    await agent.close();
    await ctx.close();
  });

  it('proactive greeting: after N s on a matching page only, once per session, dismissible; SPA navigation; a click opens the chat', async () => {
    const DELAY = 2;
    const TEXT = 'Bạn cần tư vấn size áo không?';
    const admin = await login(server.url, 'admin@chatdesk.local');
    const cur = await rest(server.url, 'GET', '/api/admin/settings', { token: admin });
    const put = await rest(server.url, 'PUT', '/api/admin/settings', {
      token: admin,
      body: { ...cur.body.settings, greetings: [
        { pattern: '/san-pham/*', delaySeconds: DELAY, text: TEXT, enabled: true },
        { pattern: 'gio-hang', delaySeconds: 0, text: 'Tắt rồi', enabled: false },
      ] },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const origin = new URL(host.url).origin;
    const greeting = (p) => p.locator('chatdesk-widget [data-testid="preview"]');
    /** Waits (polling) until the page has been open for ms, then reports whether a greeting shows. */
    const shownAfter = async (p, ms) => {
      await p.waitForFunction((t) => performance.now() > t, ms, { timeout: T });
      return greeting(p).count();
    };

    // A matching page: the greeting comes, not before the delay, announced politely.
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await page.goto(origin + '/san-pham/ao-thun?once');
    await greeting(page).waitFor({ timeout: T });
    assert.ok(await page.evaluate(() => performance.now()) >= DELAY * 1000, 'not before the delay');
    assert.match(await greeting(page).innerText(), new RegExp(TEXT));
    assert.equal(await greeting(page).getAttribute('aria-live'), 'polite');
    // Dismissed; a reload in the same session does not show it again.
    await page.locator('chatdesk-widget [data-testid="preview-close"]').click();
    assert.equal(await greeting(page).count(), 0);
    await page.reload();
    assert.equal(await shownAfter(page, DELAY * 1000 + 1500), 0, 'once per session');

    // Another visitor: a page that does not match gets nothing (the
    // disabled rule for gio-hang neither); an SPA navigation to a matching
    // page brings it; a click opens the chat.
    const ctx2 = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'vi-VN' });
    const p2 = await ctx2.newPage();
    await p2.goto(origin + '/gio-hang?once');
    assert.equal(await shownAfter(p2, DELAY * 1000 + 1500), 0, 'no greeting on a page that does not match');
    await p2.evaluate(() => history.pushState({}, '', '/san-pham/quan-jean'));
    await greeting(p2).waitFor({ timeout: T });
    await greeting(p2).locator('button').first().click();
    await p2.locator('chatdesk-widget [data-testid="panel"]').waitFor({ state: 'visible', timeout: T });
    assert.equal(await greeting(p2).count(), 0, 'hidden while the chat is open');
    await ctx.close();
    await ctx2.close();
  });
});

// Browser tests of the embeddable widget in real headless Chromium against
// the real server (bin/chatdesk-dev), embedded in a hostile third-party page
// served from another origin. Screenshots go to artifacts/widget/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { agentSocket, launcher, login, newPage, rest, shot, sleep, startWidgetSuite } from './lib.js';

const T = 20_000; // default wait for UI to react
const MSG_LIMIT = 8; // visitor messages per conversation per minute (server env)

let suite;
let server;
let host;
let browser;
let context;
let page;
let adminToken;
let conversationId;


// Locators pierce the open shadow root.
const $ = (p, testid) => p.locator(`[data-testid="${testid}"]`);

async function startChat(p, name, phone, topic = 'Mua hàng') {
  await openWidget(p);
  await p.locator('chatdesk-widget [data-field="name"]').fill(name);
  await p.locator('chatdesk-widget [data-field="phone"]').fill(phone);
  await p.locator('chatdesk-widget [data-field="topic"]').selectOption(topic);
  await p.locator('chatdesk-widget [data-field="agree"]').check();
  await $(p, 'prechat-submit').click();
  await $(p, 'composer').waitFor({ timeout: T });
  return p.evaluate(() => {
    const k = Object.keys(localStorage).find((x) => x.startsWith('chatdesk:'));
    return JSON.parse(localStorage.getItem(k)).conversationId;
  });
}

async function openWidget(p) {
  await launcher(p).waitFor({ timeout: T });
  if ((await p.evaluate(() => window.ChatDesk.isOpen())) === false) await launcher(p).click();
  await $(p, 'panel').waitFor({ state: 'visible', timeout: T });
}

/** Agent An: online (WebSocket hello), owner of the conversation, following it. */
async function agentAn(convId = conversationId) {
  const conversationId = convId;
  const token = await login(server.url, 'an@chatdesk.local');
  const ws = await agentSocket(browser, server.url, token);
  // An is the only agent online: the queue hands the conversation to An, or An claims it.
  let conv;
  let claim;
  const deadline = Date.now() + 10_000;
  for (;;) {
    conv = await rest(server.url, 'GET', `/api/conversations/${conversationId}`, { token });
    assert.equal(conv.status, 200, JSON.stringify(conv.body));
    if (conv.body.conversation.assigneeName === 'An' || Date.now() > deadline) break;
    claim = await rest(server.url, 'POST', `/api/conversations/${conversationId}/claim`, { token });
    await sleep(200);
  }
  assert.equal(conv.body.conversation.assigneeName, 'An',
    `conversation assigned to An; last claim: ${claim && claim.status} ${JSON.stringify(claim && claim.body)}; conversation: ${JSON.stringify(conv.body.conversation)}`);
  const join = await ws.request('conversation.join', { conversationId, afterSeq: 0 });
  assert.equal(join.type, 'ack', 'join: ' + JSON.stringify(join));
  return { token, ws };
}

async function agentSays(token, text, convId = conversationId) {
  const conversationId = convId;
  const r = await rest(server.url, 'POST', `/api/conversations/${conversationId}/messages`, {
    token, body: { text, clientId: 'agent-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) },
  });
  assert.ok([200, 201].includes(r.status), `agent send: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.message;
}

describe('chatdesk widget in a hostile host page', { timeout: 600_000 }, () => {
  before(async () => {
    // A low per-conversation message limit so the rate-limit test can hit it.
    suite = await startWidgetSuite({ env: { CHATDESK_RATE_LIMITS: `msg-visitor=${MSG_LIMIT}/1m` } });
    ({ server, host, browser } = suite);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    page = await newPage(context);

    adminToken = await login(server.url, 'admin@chatdesk.local');
    const fields = [
      { key: 'topic', label: 'Chủ đề', type: 'select', required: true, options: ['Mua hàng', 'Bảo hành', 'Khác'], enabled: true },
      { key: 'agree', label: 'Tôi đồng ý để nhân viên gọi lại', type: 'checkbox', required: true, enabled: true },
    ];
    for (const f of fields) {
      const r = await rest(server.url, 'POST', '/api/admin/form-fields', { token: adminToken, body: f });
      assert.equal(r.status, 201, `create field ${f.key}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  });

  after(() => suite?.close());

  it('loads once (included twice), exposes only window.ChatDesk, keeps the page globals', async () => {
    await page.goto(host.url);
    await launcher(page).waitFor({ timeout: T });
    const g = await page.evaluate(() => ({
      hosts: document.querySelectorAll('chatdesk-widget').length,
      shadow: !!document.querySelector('chatdesk-widget').shadowRoot,
      api: ['open', 'close', 'toggle', 'on', 'off'].every((k) => typeof window.ChatDesk[k] === 'function'),
      react: window.React,
      jq: window.$(),
      tw: window.tailwind.config.theme,
      docStyles: document.querySelectorAll('style').length,
      hostBox: (() => {
        const r = document.querySelector('chatdesk-widget').getBoundingClientRect();
        return [r.width, r.height];
      })(),
      scroll: document.documentElement.scrollWidth <= window.innerWidth,
      preact: window.preact,
      newGlobals: Object.keys(window).filter((k) => !window.__keysBefore.includes(k) && k !== '__keysBefore'),
    }));
    assert.deepEqual(g, {
      hosts: 1, shadow: true, api: true, react: 'host', jq: 'jquery-like', tw: 'host', docStyles: 1, preact: 'host',
      hostBox: [0, 0], scroll: true,
      newGlobals: ['ChatDesk'],
    });
    await shot(page, '01-host-page-closed');
  });

  it('is not broken by the host CSS and does not leak its own CSS', async () => {
    const box = await launcher(page).boundingBox();
    assert.ok(box, 'launcher visible');
    assert.equal(Math.round(box.width), 56);
    assert.equal(Math.round(box.height), 56);
    assert.ok(box.x + box.width > 1280 - 40 && box.y + box.height > 800 - 40, 'bottom right: ' + JSON.stringify(box));
    const probe = await page.evaluate(() => {
      const cs = getComputedStyle(document.getElementById('probe'));
      const cs2 = getComputedStyle(document.getElementById('probe2'));
      const hostEl = document.querySelector('chatdesk-widget');
      const hs = getComputedStyle(hostEl);
      return {
        padding: cs.paddingTop, fontSize: cs.fontSize, radius: cs.borderTopLeftRadius, shadow: cs.boxShadow,
        display2: cs2.display, bg2: cs2.backgroundColor,
        hostDisplay: hs.display, hostPosition: hs.position, hostZ: hs.zIndex,
      };
    });
    assert.deepEqual(probe, {
      padding: '0px', fontSize: '40px', radius: '0px', shadow: 'none',
      display2: 'grid', bg2: 'rgb(255, 0, 0)',
      hostDisplay: 'block', hostPosition: 'fixed', hostZ: '2147483647',
    });
  });

  it('opens the pre-chat form with custom select and checkbox; validates like the server', async () => {
    await launcher(page).click();
    await $(page, 'prechat-form').waitFor({ timeout: T });
    // layout width (the opening animation scales the box for a moment)
    assert.equal(await $(page, 'panel').evaluate((el) => el.offsetWidth), 380, 'panel width not affected by the 40px root font');
    const title = page.locator('chatdesk-widget h2');
    assert.equal(await title.textContent(), 'Tư vấn bán hàng');
    assert.equal(await title.evaluate((el) => getComputedStyle(el).fontSize), '16px');
    for (const key of ['name', 'phone', 'address', 'message', 'topic', 'agree']) {
      await page.locator(`chatdesk-widget [data-field="${key}"]`).waitFor({ timeout: T });
    }
    assert.equal(await page.locator('chatdesk-widget select[data-field="topic"] option').count(), 4);
    assert.equal(await page.locator('chatdesk-widget input[type="checkbox"][data-field="agree"]').count(), 1);
    // focus moved into the panel
    assert.equal(await page.evaluate(() => document.querySelector('chatdesk-widget').shadowRoot.activeElement?.getAttribute('data-field')), 'name');
    // inputs never zoom on iOS
    assert.equal(await page.locator('chatdesk-widget [data-field="name"]').evaluate((el) => getComputedStyle(el).fontSize), '16px');

    await $(page, 'prechat-submit').click();
    const errors = await $(page, 'field-error').allTextContents();
    assert.deepEqual(errors, ['Vui lòng nhập họ tên.', 'Vui lòng nhập số điện thoại.', 'Vui lòng chọn chủ đề.', 'Vui lòng đánh dấu ô này.']);
    await page.locator('chatdesk-widget [data-field="phone"]').fill('0123 45');
    assert.ok((await $(page, 'field-error').allTextContents()).includes('Số điện thoại không hợp lệ (ví dụ: 0912 345 678).'));
    await shot(page, '02-form-errors');
  });

  it('submits the form and starts the conversation', async () => {
    const f = (k) => page.locator(`chatdesk-widget [data-field="${k}"]`);
    await f('name').fill('Nguyễn Văn Bình');
    await f('phone').fill('+84 912.345.678');
    await f('address').fill('12 Lê Lợi, Quận 1, TP.HCM');
    await f('message').fill('Chào shop, máy giặt của tôi còn bảo hành không?');
    await f('topic').selectOption('Bảo hành');
    await f('agree').check();
    assert.equal(await $(page, 'field-error').count(), 0);
    await $(page, 'prechat-submit').click();
    await $(page, 'composer').waitFor({ timeout: T });
    await page.locator('chatdesk-widget [data-testid="visitor-message"]', { hasText: 'máy giặt' }).waitFor({ timeout: T });
    const session = await page.evaluate(() => {
      const k = Object.keys(localStorage).find((x) => x.startsWith('chatdesk:'));
      return { key: k, value: JSON.parse(localStorage.getItem(k)) };
    });
    assert.equal(session.key, 'chatdesk:v1:' + server.url);
    assert.ok(session.value.token && session.value.conversationId);
    conversationId = session.value.conversationId;
    const conv = await rest(server.url, 'GET', `/api/conversations/${conversationId}`, { token: session.value.token });
    assert.equal(conv.status, 200);
    const answers = Object.fromEntries(conv.body.conversation.answers.map((a) => [a.key, a.value]));
    assert.equal(answers.phone, '0912345678');
    assert.equal(answers.topic, 'Bảo hành');
    assert.equal(answers.agree, 'true');
  });

  let an;
  it('an agent replies and the reply appears with the agent name; header shows who replies', async () => {
    an = await agentAn();
    await agentSays(an.token, 'Chào anh Bình, em là An. Máy của anh còn bảo hành 6 tháng ạ.');
    const reply = page.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: 'em là An' });
    await reply.waitFor({ timeout: T });
    await page.locator('chatdesk-widget [data-testid="agent-name"]', { hasText: 'An' }).first().waitFor({ timeout: T });
    await $(page, 'agent-replying').waitFor({ timeout: T });
    assert.match(await $(page, 'status').textContent(), /Đang trực tuyến · An đang trả lời/);
    // system notice for the assignment is centred
    assert.ok((await $(page, 'system-message').count()) >= 1, 'assignment system message');
    // the page API got the event
    const evs = await page.evaluate(() => window.__messages.map((m) => m.text));
    assert.ok(evs.some((t) => t.includes('em là An')), 'ChatDesk.on("message") fired');
  });

  it('the visitor sends a message; it is stored once and the agent receives it', async () => {
    await $(page, 'composer').fill('Cảm ơn em, vậy anh mang máy tới đâu?');
    await page.keyboard.press('Enter');
    const mine = page.locator('chatdesk-widget [data-testid="visitor-message"]', { hasText: 'mang máy tới đâu' });
    await mine.waitFor({ timeout: T });
    await page.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'mang máy tới đâu' }).waitFor({ timeout: T });
    const list = await rest(server.url, 'GET', `/api/conversations/${conversationId}/messages?after=0`, { token: an.token });
    assert.equal(list.body.items.filter((m) => m.text.includes('mang máy tới đâu')).length, 1);
    const deadline = Date.now() + T;
    for (;;) {
      const evs = await an.ws.events();
      if (evs.some((e) => e.type === 'message.created' && e.data.message.text.includes('mang máy tới đâu'))) break;
      assert.ok(Date.now() < deadline, 'agent socket received the visitor message');
      await sleep(100);
    }
  });

  it('shows "Đang gõ..." while the agent types', async () => {
    await an.ws.send('typing', { conversationId, typing: true });
    await $(page, 'typing').waitFor({ timeout: T });
    assert.match(await $(page, 'typing').textContent(), /Đang gõ\.\.\./);
    await shot(page, '03-chat-typing');
    await an.ws.send('typing', { conversationId, typing: false });
    await $(page, 'typing').waitFor({ state: 'detached', timeout: T });
    // and the other way: the agent sees the visitor typing
    await $(page, 'composer').pressSequentially('Anh đang', { delay: 20 });
    const deadline = Date.now() + T;
    for (;;) {
      const evs = await an.ws.events();
      if (evs.some((e) => e.type === 'typing' && e.data.senderType === 'visitor' && e.data.typing === true)) break;
      assert.ok(Date.now() < deadline, 'agent received visitor typing');
      await sleep(100);
    }
    await $(page, 'composer').fill('');
  });

  it('survives a server crash: reconnects and shows what the agent sent meanwhile', async () => {
    await an.ws.close();
    await server.kill('SIGKILL');
    await $(page, 'reconnecting').waitFor({ timeout: T });
    assert.match(await $(page, 'reconnecting').textContent(), /Đang kết nối lại…/);
    assert.doesNotMatch(await $(page, 'status').textContent(), /Đang trực tuyến/, 'never online while the widget itself is offline');
    await shot(page, '04-reconnecting');
    await sleep(1500);
    await server.start();
    // the agent answers at once, probably before the widget is back
    an = await agentAn();
    await agentSays(an.token, 'Anh mang máy tới 45 Nguyễn Huệ giúp em nhé.');
    await page.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: '45 Nguyễn Huệ' }).waitFor({ timeout: 60_000 });
    await $(page, 'reconnecting').waitFor({ state: 'detached', timeout: 60_000 });
    // and live traffic flows again over the new session
    await agentSays(an.token, 'Em đã ghi nhận.');
    await page.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: 'Em đã ghi nhận.' }).waitFor({ timeout: T });
    const texts = await page.locator('chatdesk-widget [data-testid="agent-message"]').allTextContents();
    assert.equal(texts.filter((t) => t.includes('45 Nguyễn Huệ')).length, 1, 'no duplicates after replay');
    await shot(page, '05-after-restart');
  });

  it('a message written while offline is sent after reconnect, once (graceful shutdown: server.draining)', async () => {
    await server.kill('SIGTERM');
    await $(page, 'reconnecting').waitFor({ timeout: T });
    await $(page, 'composer').fill('Tin nhắn viết lúc mất mạng');
    await page.keyboard.press('Enter');
    await page.locator('chatdesk-widget [data-testid="visitor-message"][data-status="pending"]', { hasText: 'lúc mất mạng' }).waitFor({ timeout: T });
    await server.start();
    await page.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'lúc mất mạng' }).waitFor({ timeout: 60_000 });
    const token = await login(server.url, 'an@chatdesk.local');
    const list = await rest(server.url, 'GET', `/api/conversations/${conversationId}/messages?after=0&limit=500`, { token });
    assert.equal(list.body.items.filter((m) => m.text === 'Tin nhắn viết lúc mất mạng').length, 1);
  });

  it('a reload resumes the same conversation (and a second tab too)', async () => {
    assert.equal(await page.evaluate(() => window.ChatDesk.isOpen()), true);
    await page.reload();
    await launcher(page).waitFor({ timeout: T });
    // it was open before the reload: it opens again by itself (desktop)
    await $(page, 'panel').waitFor({ state: 'visible', timeout: T });
    await page.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: 'Em đã ghi nhận.' }).waitFor({ timeout: T });
    assert.equal(await $(page, 'prechat-form').count(), 0);
    const tab2 = await newPage(context);
    await tab2.goto(host.url + '?once');
    await openWidget(tab2);
    await tab2.locator('chatdesk-widget [data-testid="visitor-message"]', { hasText: 'máy giặt' }).waitFor({ timeout: T });
    // a message sent in tab 2 shows up in tab 1
    await $(tab2, 'composer').fill('Gửi từ tab thứ hai');
    await tab2.keyboard.press('Enter');
    await page.locator('chatdesk-widget [data-testid="visitor-message"]', { hasText: 'Gửi từ tab thứ hai' }).waitFor({ timeout: T });
    await tab2.close();
  });

  it('keyboard: Esc closes and focus returns to the launcher; ARIA labels are Vietnamese', async () => {
    await openWidget(page);
    await $(page, 'composer').focus();
    await page.keyboard.press('Escape');
    await $(page, 'panel').waitFor({ state: 'hidden', timeout: T });
    const active = await page.evaluate(() => {
      const el = document.querySelector('chatdesk-widget').shadowRoot.activeElement;
      return el && el.getAttribute('aria-label');
    });
    assert.equal(active, 'Mở cửa sổ trò chuyện');
    await page.keyboard.press('Enter');
    await $(page, 'panel').waitFor({ state: 'visible', timeout: T });
    // focus moves to the composer once the panel has rendered (a frame later)
    await page.waitForFunction(() => document.querySelector('chatdesk-widget').shadowRoot.activeElement?.id === 'cd-composer', null, { timeout: T });
    assert.equal(await page.locator('chatdesk-widget [role="log"]').getAttribute('aria-live'), 'polite');
    assert.equal(await $(page, 'send').getAttribute('aria-label'), 'Gửi tin nhắn');
  });

  it('shows an unread badge for messages that arrive while closed', async () => {
    await page.evaluate(() => window.ChatDesk.close());
    await agentSays(an.token, 'Anh ơi, cửa hàng mở cửa đến 21 giờ.');
    await $(page, 'unread-badge').waitFor({ timeout: T });
    assert.equal(await $(page, 'unread-badge').textContent(), '1');
    assert.match(await launcher(page).getAttribute('aria-label'), /1 tin nhắn mới/);
    await shot(page, '06-unread-badge');
    await page.evaluate(() => window.ChatDesk.open());
    await $(page, 'unread-badge').waitFor({ state: 'detached', timeout: T });
    // opening the panel marks everything read on the server (conversation.read)
    const deadline = Date.now() + T;
    for (;;) {
      const c = await rest(server.url, 'GET', `/api/conversations/${conversationId}`, { token: an.token });
      if (c.body.conversation.unreadByVisitor === 0) break;
      assert.ok(Date.now() < deadline, 'unreadByVisitor back to 0: ' + c.body.conversation.unreadByVisitor);
      await sleep(200);
    }
  });

  it('renders full screen on a 375×667 phone, with 16px inputs', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN' });
    const p = await newPage(phone);
    await p.goto(host.url);
    await launcher(p).waitFor({ timeout: T });
    await shot(p, '07-mobile-closed');
    await launcher(p).tap();
    await $(p, 'prechat-form').waitFor({ timeout: T });
    const box = await $(p, 'panel').boundingBox();
    assert.deepEqual([box.x, box.y, box.width, box.height].map(Math.round), [0, 0, 375, 667]);
    for (const k of ['name', 'phone', 'topic', 'message']) {
      const fs = await p.locator(`chatdesk-widget [data-field="${k}"]`).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok(fs >= 16, `${k} font-size ${fs}`);
    }
    assert.equal(await launcher(p).isVisible(), false, 'launcher hidden behind the full-screen panel');
    await shot(p, '08-mobile-form');
    // full screen: Tab cycles inside the panel instead of wandering into the hidden page
    for (let i = 0; i < 12; i++) await p.keyboard.press('Tab');
    assert.ok(await p.evaluate(() => !!document.querySelector('chatdesk-widget').shadowRoot.activeElement), 'focus stays in the panel');
    await $(p, 'close').focus();
    await p.keyboard.press('Shift+Tab');
    assert.equal(await p.evaluate(() => document.querySelector('chatdesk-widget').shadowRoot.activeElement?.getAttribute('data-testid')), 'prechat-submit');
    // the mobile visitor starts a chat too
    await p.locator('chatdesk-widget [data-field="name"]').fill('Trần Thị Hoa');
    await p.locator('chatdesk-widget [data-field="phone"]').fill('0387 654 321');
    await p.locator('chatdesk-widget [data-field="topic"]').selectOption('Mua hàng');
    await p.locator('chatdesk-widget [data-field="agree"]').check();
    await $(p, 'prechat-submit').tap();
    await $(p, 'composer').waitFor({ timeout: T });
    assert.ok(parseFloat(await $(p, 'composer').evaluate((el) => getComputedStyle(el).fontSize)) >= 16);
    await $(p, 'composer').fill('Cho em hỏi giá máy lạnh 1.5HP ạ?');
    await $(p, 'send').tap();
    await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'máy lạnh' }).waitFor({ timeout: T });
    await shot(p, '09-mobile-chat');
    await $(p, 'close').tap();
    await $(p, 'panel').waitFor({ state: 'hidden', timeout: T });
    await phone.close();
  });

  it('a rejected visitor token starts over with the form', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await newPage(ctx);
    await p.goto(host.url + '?once');
    await p.evaluate((key) => localStorage.setItem(key, JSON.stringify({ token: 'bogus.token.value', conversationId: '000000000000000000000000' })), 'chatdesk:v1:' + server.url);
    await p.reload();
    await openWidget(p);
    await $(p, 'prechat-form').waitFor({ timeout: 60_000 });
    assert.equal(await p.evaluate((key) => localStorage.getItem(key), 'chatdesk:v1:' + server.url), null);
    await shot(p, '10-token-rejected');
    await ctx.close();
  });

  it('falls back to REST (send by POST, poll every 3 s) when the WebSocket cannot connect', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // A proxy that kills every WebSocket right after it opens.
    await ctx.routeWebSocket(/\/ws$/, (ws) => ws.close({ code: 4000, reason: 'blocked by proxy' }));
    const p = await newPage(ctx);
    const requests = [];
    p.on('request', (r) => requests.push(r.method() + ' ' + new URL(r.url()).pathname + new URL(r.url()).search));
    await p.goto(host.url + '?once');
    const convId = await startChat(p, 'Lê Văn Tường', '0909 000 111');
    await $(p, 'composer').fill('Gửi qua REST');
    await p.keyboard.press('Enter');
    await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'Gửi qua REST' }).waitFor({ timeout: 30_000 });
    assert.ok(requests.some((r) => r === `POST /api/conversations/${convId}/messages`), 'sent with POST');
    const agent = await agentAn(convId);
    await agentSays(agent.token, 'Trả lời qua polling', convId);
    await p.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: 'Trả lời qua polling' }).waitFor({ timeout: 15_000 });
    assert.ok(requests.some((r) => r.startsWith(`GET /api/conversations/${convId}/messages?after=`)), 'polled');
    assert.equal(await $(p, 'reconnecting').count(), 0, 'no reconnect banner while REST works');
    await shot(p, '11-rest-fallback');
    const sys = await $(p, 'system-message').allTextContents();
    if (sys.length > 1) console.log('# server note: duplicate system messages in one conversation:', JSON.stringify(sys));
    await agent.ws.close();
    await ctx.close();
  });

  it('shows the server rate-limit message in Vietnamese and lets the visitor retry', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await newPage(ctx);
    await p.goto(host.url + '?once');
    await startChat(p, 'Phạm Minh Khoa', '0707 123 456');
    for (let i = 1; i <= MSG_LIMIT + 2; i++) {
      await $(p, 'composer').fill('Tin số ' + i);
      await p.keyboard.press('Enter');
    }
    await $(p, 'notice').waitFor({ timeout: T });
    const notice = await $(p, 'notice').textContent();
    assert.match(notice, /quá nhanh|thử lại/i, notice);
    await $(p, 'failed').first().waitFor({ timeout: T });
    assert.ok((await $(p, 'retry').count()) >= 1);
    await shot(p, '12-rate-limited');
    await ctx.close();
  });

  it('shows the server\'s per-field errors under each field', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await newPage(ctx);
    await p.route(/\/api\/conversations$/, (route) => route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid_input', message: 'Vui lòng kiểm tra lại thông tin.', fields: { phone: 'Số điện thoại này đã bị chặn.', topic: 'Vui lòng chọn một giá trị trong danh sách.' } } }),
    }));
    await p.goto(host.url + '?once');
    await openWidget(p);
    await p.locator('chatdesk-widget [data-field="name"]').fill('Võ Thị Sáu');
    await p.locator('chatdesk-widget [data-field="phone"]').fill('0912 000 000');
    await p.locator('chatdesk-widget [data-field="topic"]').selectOption('Khác');
    await p.locator('chatdesk-widget [data-field="agree"]').check();
    await $(p, 'prechat-submit').click();
    await p.locator('chatdesk-widget #cd-f-phone-error', { hasText: 'Số điện thoại này đã bị chặn.' }).waitFor({ timeout: T });
    await p.locator('chatdesk-widget #cd-f-topic-error', { hasText: 'Vui lòng chọn một giá trị trong danh sách.' }).waitFor({ timeout: T });
    assert.equal(await p.locator('chatdesk-widget [data-field="phone"]').getAttribute('aria-invalid'), 'true');
    assert.equal(await p.evaluate(() => document.querySelector('chatdesk-widget').shadowRoot.activeElement?.getAttribute('data-field')), 'phone');
    await ctx.close();
  });

  it('a conversation started in another tab shows up live (storage event)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const a = await newPage(ctx);
    await a.goto(host.url + '?once');
    await openWidget(a);
    await $(a, 'prechat-form').waitFor({ timeout: T });
    const b = await newPage(ctx);
    await b.goto(host.url + '?once');
    await startChat(b, 'Đỗ Hải Yến', '0868 111 222');
    await $(b, 'composer').fill('Tab B bắt đầu');
    await b.keyboard.press('Enter');
    await a.locator('chatdesk-widget [data-testid="visitor-message"]', { hasText: 'Tab B bắt đầu' }).waitFor({ timeout: T });
    assert.equal(await $(a, 'prechat-form').count(), 0);
    await ctx.close();
  });

  it('without data-*: server = script origin, window.ChatDesk config, server-side title and colour', async () => {
    const cur = await rest(server.url, 'GET', '/api/admin/settings', { token: adminToken });
    assert.equal(cur.status, 200, JSON.stringify(cur.body));
    const put = await rest(server.url, 'PUT', '/api/admin/settings', {
      token: adminToken, body: { ...cur.body.settings, widgetTitle: 'Chăm sóc khách hàng', widgetColor: '#7c3aed', widgetGreeting: 'Chào bạn!' },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    // An online: the form greets (with nobody to answer it shows the away message instead)
    const an = await agentSocket(browser, server.url, await login(server.url, 'an@chatdesk.local'));
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await newPage(ctx);
    await p.goto(host.url + '?plain');
    await launcher(p).waitFor({ timeout: T });
    const box = await launcher(p).boundingBox();
    assert.ok(box.x < 40, 'bottom left: ' + JSON.stringify(box));
    assert.equal(await launcher(p).evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(124, 58, 237)');
    await p.evaluate(() => window.ChatDesk.toggle());
    await $(p, 'panel').waitFor({ state: 'visible', timeout: T });
    assert.equal(await p.locator('chatdesk-widget h2').textContent(), 'Chăm sóc khách hàng');
    await p.locator('chatdesk-widget p', { hasText: 'Chào bạn!' }).waitFor({ timeout: T });
    await shot(p, '13-left-server-config');
    await p.evaluate(() => window.ChatDesk.toggle());
    await $(p, 'panel').waitFor({ state: 'hidden', timeout: T });
    await ctx.close();
    await an.close();
  });

  it('works under a strict Content-Security-Policy without unsafe-inline styles', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await newPage(ctx);
    const violations = [];
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text()) && /chatdesk|style/i.test(m.text())) violations.push(m.text());
    });
    await p.goto(host.url + '?once&csp');
    await openWidget(p);
    assert.equal(await $(p, 'panel').evaluate((el) => el.offsetWidth), 380);
    assert.equal(await launcher(p).evaluate((el) => getComputedStyle(el).borderRadius), '9999px');
    const hs = await p.evaluate(() => {
      const cs = getComputedStyle(document.querySelector('chatdesk-widget'));
      return [cs.position, cs.zIndex];
    });
    assert.deepEqual(hs, ['fixed', '2147483647']);
    await shot(p, '14-strict-csp');
    await ctx.close();
  });
});

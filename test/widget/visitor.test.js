// Browser tests of issue 14 (the visitor side) against the real server, in
// real headless Chromium at 1366×800 and on a 390×844 touch screen: what a
// shopper hit (long unbroken text, the rating that scrolled the panel away,
// script files, "Đang trực tuyến" while every agent is away, upload refusals
// that could not be dismissed) and what the visitor is now told. Own server
// instance. Screenshots go to artifacts/widget/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { $, agentSocket, launcher, newPage, rest, shot, sleep, startWidgetSuite, until } from './lib.js';

const T = 20_000;
const DESKTOP = { viewport: { width: 1366, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
const MOBILE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
// a shared affiliate link: one token with nothing a browser would break at
const SHOPEE = 'https://s.shopee.vn/an_redir?origin_link=https%3A%2F%2Fshopee.vn%2Fproduct%2F123456789%2F9876543210%3Fsp_atk%3D4f1c2d3e5a6b7c8d9e0fa1b2c3d4e5f6%26xptdk%3D4f1c2d3e5a6b7c8d9e0fa1b2c3d4e5f6&affiliate_id=17312345678&sub_id=noichienkhongdau52L';
const TRACKING = 'SPXVN0412345678901234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ';

let suite;
let server;
let host;
let browser;
let tokens;


/** Opens the panel (click, or a tap on a touch screen). */
async function openPanel(p, touch = false) {
  await launcher(p).waitFor({ timeout: T });
  if (!(await p.evaluate(() => window.ChatDesk.isOpen()))) await (touch ? launcher(p).tap() : launcher(p).click());
  await $(p, 'panel').waitFor({ state: 'visible', timeout: T });
}

/** A fresh visitor in its own context: fills the form, returns {ctx, page, conversationId, token}. */
async function visitor(name, phone, { first = '', options = DESKTOP, query = '?once' } = {}) {
  const ctx = await browser.newContext(options);
  const page = await newPage(ctx);
  await page.goto(host.url + query);
  const touch = !!options.hasTouch;
  await openPanel(page, touch);
  await page.locator('chatdesk-widget [data-field="name"]').fill(name);
  await page.locator('chatdesk-widget [data-field="phone"]').fill(phone);
  if (first) await page.locator('chatdesk-widget [data-field="message"]').fill(first);
  await (touch ? $(page, 'prechat-submit').tap() : $(page, 'prechat-submit').click());
  await $(page, 'composer').waitFor({ timeout: T });
  const s = await page.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((x) => x.startsWith('chatdesk:')))));
  return { ctx, page, conversationId: s.conversationId, token: s.token };
}

/** An takes the conversation (REST claim; an agent already holding it is fine). */
async function claim(id, who = 'an') {
  const r = await rest(server.url, 'POST', `/api/conversations/${id}/claim`, { token: tokens[who] });
  assert.ok(r.status === 200 || (r.status === 409 && r.body.error.code === 'already_assigned'), `claim: ${r.status} ${JSON.stringify(r.body)}`);
}

async function agentSays(id, text, who = 'an') {
  const r = await rest(server.url, 'POST', `/api/conversations/${id}/messages`, {
    token: tokens[who], body: { text, clientId: 'a-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) },
  });
  assert.ok([200, 201].includes(r.status), `agent send: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.message;
}

/** Boxes of the panel and of everything inside the transcript that must fit in it. */
function layout(p) {
  return p.evaluate(() => {
    const root = document.querySelector('chatdesk-widget').shadowRoot;
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { left: Math.round(r.left), right: Math.round(r.right), top: Math.round(r.top), bottom: Math.round(r.bottom), width: Math.round(r.width) };
    };
    const panel = root.querySelector('[data-testid="panel"]');
    const list = root.querySelector('[data-testid="messages"]').parentElement;
    return {
      panel: box(panel),
      list: { ...box(list), scrollWidth: list.scrollWidth, clientWidth: list.clientWidth },
      bubbles: [...root.querySelectorAll('[data-testid="bubble"]')].map((b) => ({ text: b.textContent.slice(0, 30), ...box(b) })),
    };
  });
}

describe('issue 14: the visitor side', { timeout: 900_000 }, () => {
  before(async () => {
    suite = await startWidgetSuite({ env: { CHATDESK_MAX_UPLOAD_BYTES: '200000' }, logins: ['an', 'binh', 'admin'] });
    ({ server, host, browser, tokens } = suite);
  });

  after(() => suite?.close());

  for (const [label, options] of [['desktop 1366×800', DESKTOP], ['mobile 390×844', MOBILE]]) {
    it(`long unbroken text (a Shopee link, a tracking code) wraps inside the bubbles (${label})`, async () => {
      const v = await visitor('Lâm Chí Khanh', '0912 400 500', { options, first: 'Mã vận đơn của tôi là ' + TRACKING });
      const p = v.page;
      await claim(v.conversationId);
      await agentSays(v.conversationId, SHOPEE);
      await agentSays(v.conversationId, TRACKING);
      await $(p, 'composer').fill(SHOPEE);
      await p.keyboard.press('Enter');
      await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'an_redir' }).waitFor({ timeout: T });
      await p.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: 'SPXVN' }).waitFor({ timeout: T });
      const l = await layout(p);
      assert.ok(l.bubbles.length >= 4, JSON.stringify(l.bubbles));
      for (const b of l.bubbles) {
        assert.ok(b.left >= l.list.left && b.right <= l.list.right, `bubble "${b.text}" [${b.left}, ${b.right}] inside the transcript [${l.list.left}, ${l.list.right}]`);
      }
      assert.ok(l.list.scrollWidth <= l.list.clientWidth, `no horizontal overflow: ${l.list.scrollWidth} > ${l.list.clientWidth}`);
      // the start of the link is visible, not cut off on the left
      const first = await p.locator('chatdesk-widget [data-testid="agent-message"] [data-testid="bubble"]', { hasText: 'shopee.vn' }).first().boundingBox();
      assert.ok(first.x >= l.panel.left, `link bubble starts at ${first.x}, panel at ${l.panel.left}`);
      await shot(p, `40-long-text-${options.hasTouch ? 'mobile' : 'desktop'}`);
      await v.ctx.close();
    });
  }

  for (const [label, options] of [['desktop 1366×800', DESKTOP], ['mobile 390×844', MOBILE]]) {
    it(`tapping a rating star keeps the header, its close button and the composer in place (${label})`, async () => {
      const v = await visitor('Đoàn Minh Tâm', '0912 400 600', { options, first: 'Cho tôi hỏi chính sách đổi trả.' });
      const p = v.page;
      const touch = !!options.hasTouch;
      await claim(v.conversationId);
      // a real conversation: long enough for the transcript to scroll
      for (let i = 1; i <= 12; i++) await agentSays(v.conversationId, `Dạ, điều ${i}: sản phẩm được đổi trong 7 ngày nếu còn nguyên tem và hoá đơn ạ.`);
      await p.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: 'điều 12' }).waitFor({ timeout: T });
      const res = await rest(server.url, 'POST', `/api/conversations/${v.conversationId}/resolve`, { token: tokens.an });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await $(p, 'rating').waitFor({ timeout: T });
      const before = await $(p, 'close').boundingBox();
      const star = p.locator('chatdesk-widget [data-testid="rating"] label').nth(3);
      await (touch ? star.tap() : star.click());
      assert.equal(await $(p, 'star-4').isChecked(), true);
      await sleep(300);
      const after = await $(p, 'close').boundingBox();
      const state = await p.evaluate(() => {
        const root = document.querySelector('chatdesk-widget').shadowRoot;
        const panel = root.querySelector('[data-testid="panel"]');
        const form = root.querySelector('[data-testid="composer"]').closest('form');
        return { scrollTop: panel.scrollTop, panelBottom: Math.round(panel.getBoundingClientRect().bottom), composerBottom: Math.round(form.getBoundingClientRect().bottom) };
      });
      assert.equal(state.scrollTop, 0, 'the panel itself never scrolls');
      assert.deepEqual([Math.round(after.x), Math.round(after.y)], [Math.round(before.x), Math.round(before.y)], 'the close button stays where it was');
      assert.ok(after.y >= 0, 'close button on screen');
      assert.equal(state.composerBottom, state.panelBottom, 'no blank strip under the composer');
      await shot(p, `41-rating-tap-${touch ? 'mobile' : 'desktop'}`);
      // the close button still works
      await (touch ? $(p, 'close').tap() : $(p, 'close').click());
      await $(p, 'panel').waitFor({ state: 'hidden', timeout: T });
      await v.ctx.close();
    });
  }

  it('script files: the file picker has an accept list; a .bat is refused with the server\'s message, no "Thử lại", dismissible', async () => {
    const v = await visitor('Quách Tuấn Du', '0912 400 700');
    const p = v.page;
    const accept = await $(p, 'file-input').getAttribute('accept');
    assert.ok(accept, 'accept attribute on the file input');
    const list = accept.split(',').map((s) => s.trim());
    for (const want of ['image/jpeg', 'image/png', '.pdf', '.docx', '.xlsx', '.zip', '.txt']) assert.ok(list.includes(want), `accept has ${want}: ${accept}`);
    for (const bad of ['.exe', '.bat', '.js', '.apk']) assert.ok(!list.includes(bad), `accept has no ${bad}`);
    // a picker can be bypassed (drag and drop, "All files"): the server refuses
    await $(p, 'file-input').setInputFiles({ name: 'cai-dat.bat', mimeType: 'text/plain', buffer: Buffer.from('@echo off\r\ndel /q C:\\*\r\n') });
    const failed = p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="failed"]', { hasText: 'cai-dat.bat' });
    await failed.waitFor({ timeout: T });
    assert.match(await failed.locator('[data-testid="failed"]').textContent(), /không được (hỗ trợ|phép)/i);
    assert.equal(await failed.locator('[data-testid="retry"]').count(), 0, 'a permanent refusal offers no "Thử lại"');
    await shot(p, '42-script-refused');
    await failed.locator('[data-testid="dismiss"]').click();
    await failed.waitFor({ state: 'detached', timeout: T });
    const stored = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}/messages?after=0`, { token: tokens.an });
    assert.equal(stored.body.items.filter((m) => m.attachment).length, 0, 'nothing stored');
    await v.ctx.close();
  });

  it('a permanent upload refusal (too large, wrong type) is dismissible and not retryable; a network failure still offers "Thử lại"', async () => {
    const v = await visitor('Hứa Vĩ Văn', '0912 400 800');
    const p = v.page;
    await $(p, 'file-input').setInputFiles({ name: 'nhat-ky.txt', mimeType: 'text/plain', buffer: Buffer.alloc(210_000, 'a') });
    const big = p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="failed"]', { hasText: 'nhat-ky.txt' });
    await big.waitFor({ timeout: T });
    assert.match(await big.locator('[data-testid="failed"]').textContent(), /Tệp quá lớn/);
    assert.equal(await big.locator('[data-testid="retry"]').count(), 0);
    // a message sent after it comes below; the refusal can be dismissed
    await $(p, 'composer').fill('Tôi gửi lại file nhỏ hơn sau nhé.');
    await p.keyboard.press('Enter');
    await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'file nhỏ hơn' }).waitFor({ timeout: T });
    await big.locator('[data-testid="dismiss"]').click();
    await big.waitFor({ state: 'detached', timeout: T });
    // the network fails: that one may be retried
    await p.route(/\/attachments$/, (route) => route.abort('connectionreset'));
    await $(p, 'file-input').setInputFiles({ name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('Ghi chú nhỏ') });
    const net = p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="failed"]', { hasText: 'ghi-chu.txt' });
    await net.waitFor({ timeout: T });
    assert.equal(await net.locator('[data-testid="retry"]').count(), 1, 'a network failure offers "Thử lại"');
    await p.unroute(/\/attachments$/);
    await net.locator('[data-testid="retry"]').click();
    await p.locator('chatdesk-widget [data-testid="visitor-message"][data-kind="file"][data-status="sent"]', { hasText: 'ghi-chu.txt' }).waitFor({ timeout: T });
    await v.ctx.close();
  });

  it('every agent away: the visitor is not told "Đang trực tuyến" (config, open widget, live)', async () => {
    const sockets = [];
    try {
      for (const who of ['an', 'binh', 'admin']) {
        const ws = await agentSocket(browser, server.url, tokens[who]);
        sockets.push(ws);
        const r = await ws.request('agent.status', { status: 'away' });
        assert.equal(r.type, 'ack', JSON.stringify(r));
      }
      const agents = await rest(server.url, 'GET', '/api/agents', { token: tokens.admin });
      assert.deepEqual(agents.body.items.map((a) => a.status).sort(), ['away', 'away', 'away']);
      await until(async () => (await rest(server.url, 'GET', '/api/widget/config')).body.supportOnline === false, 'supportOnline false in the widget config');
      const v = await visitor('Tạ Đình Phong', '0912 400 900', { first: 'Có ai không ạ?' });
      const p = v.page;
      await until(async () => !/Đang trực tuyến/.test(await $(p, 'status').textContent()), 'the header stops saying "Đang trực tuyến"');
      const conv = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}`, { token: v.token });
      assert.equal(conv.body.conversation.status, 'waiting');
      assert.equal(conv.body.supportOnline, false);
      await shot(p, '43-all-away');
      // An comes back: live, the visitor is told someone is there
      const back = await sockets[0].request('agent.status', { status: 'online' });
      assert.equal(back.type, 'ack');
      await until(async () => /Đang trực tuyến/.test(await $(p, 'status').textContent()), '"Đang trực tuyến" once An is back');
      await v.ctx.close();
    } finally {
      for (const ws of sockets) await ws.close().catch(() => {});
    }
  });
  it('connection state: "Đang kết nối lại…" within 2 s of losing the network, never "Đang trực tuyến" meanwhile; gone when the session is ready again', async () => {
    const an = await agentSocket(browser, server.url, tokens.an);
    try {
      const v = await visitor('Kha Thị Mai', '0912 500 100', { first: 'Cho tôi hỏi về bảo hành.' });
      const p = v.page;
      await until(async () => /Đang trực tuyến/.test(await $(p, 'status').textContent()), '"Đang trực tuyến" with An online');
      await v.ctx.setOffline(true);
      const lostAt = Date.now();
      await $(p, 'reconnecting').waitFor({ timeout: 2_000 });
      const after = Date.now() - lostAt;
      assert.ok(after <= 2_000, `shown after ${after} ms`);
      const text = await $(p, 'status').textContent();
      assert.match(text, /Đang kết nối lại…/);
      assert.doesNotMatch(text, /Đang trực tuyến/);
      await shot(p, '44-reconnecting');
      // a message written meanwhile waits, and goes once the session is back
      await $(p, 'composer').fill('Viết lúc mất mạng');
      await p.keyboard.press('Enter');
      await sleep(1_000);
      assert.doesNotMatch(await $(p, 'status').textContent(), /Đang trực tuyến/, 'still offline');
      await v.ctx.setOffline(false);
      await $(p, 'reconnecting').waitFor({ state: 'detached', timeout: T });
      await until(async () => /Đang trực tuyến/.test(await $(p, 'status').textContent()), 'online again');
      await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'Viết lúc mất mạng' }).waitFor({ timeout: T });
      await v.ctx.close();
    } finally {
      await an.close();
    }
  });

  it('links (http(s) and www. only, new tab, never HTML), "Đã xem" under the message the owner read, the handoff in the visitor\'s voice', async () => {
    const an = await agentSocket(browser, server.url, tokens.an);
    try {
      const v = await visitor('Phó Đức Phương', '0912 500 200');
      const p = v.page;
      await claim(v.conversationId);
      await agentSays(v.conversationId, 'Anh xem https://shopee.vn/may-giat-lg?id=42. hoặc www.tiki.vn, đừng bấm javascript:alert(1) hay <b>đậm</b> nhé');
      const bubble = p.locator('chatdesk-widget [data-testid="agent-message"] [data-testid="bubble"]', { hasText: 'đừng bấm' });
      await bubble.waitFor({ timeout: T });
      const links = await bubble.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent, a.target, a.rel]));
      assert.deepEqual(links, [
        ['https://shopee.vn/may-giat-lg?id=42', 'https://shopee.vn/may-giat-lg?id=42', '_blank', 'noopener noreferrer nofollow'],
        ['https://www.tiki.vn', 'www.tiki.vn', '_blank', 'noopener noreferrer nofollow'],
      ]);
      assert.equal(await bubble.locator('b').count(), 0, 'markup stays text');
      assert.match(await bubble.textContent(), /javascript:alert\(1\) hay <b>đậm<\/b> nhé/);
      // the visitor writes; the owner reads it (conversation.read with its seq)
      await $(p, 'composer').fill('Cảm ơn em, để anh xem.');
      await p.keyboard.press('Enter');
      await p.locator('chatdesk-widget [data-testid="visitor-message"][data-status="sent"]', { hasText: 'để anh xem' }).waitFor({ timeout: T });
      assert.equal(await $(p, 'seen').count(), 0, 'not read yet');
      const list = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}/messages?after=0`, { token: tokens.an });
      const seq = Math.max(...list.body.items.map((m) => m.seq));
      const read = await an.request('conversation.read', { conversationId: v.conversationId, seq });
      assert.equal(read.type, 'ack', JSON.stringify(read));
      await $(p, 'seen').waitFor({ timeout: T });
      assert.equal((await $(p, 'seen').textContent()).trim(), '· Đã xem');
      const seenIn = await p.locator('chatdesk-widget [data-testid="visitor-message"]', { has: p.locator('[data-testid="seen"]') }).textContent();
      assert.match(seenIn, /để anh xem/, 'under the visitor\'s last message');
      // the visitor asks for a person: the notice speaks to them
      const h = await rest(server.url, 'POST', `/api/conversations/${v.conversationId}/handoff`, { token: v.token });
      assert.equal(h.status, 200, JSON.stringify(h.body));
      await p.locator('chatdesk-widget [data-testid="system-message"]', { hasText: 'Bạn đã yêu cầu gặp nhân viên hỗ trợ.' }).waitFor({ timeout: T });
      assert.equal(await p.locator('chatdesk-widget [data-testid="system-message"]', { hasText: 'Khách muốn' }).count(), 0);
      const stored = await rest(server.url, 'GET', `/api/conversations/${v.conversationId}/messages?after=0`, { token: tokens.an });
      assert.ok(stored.body.items.some((m) => m.text === 'Khách muốn gặp nhân viên hỗ trợ.' && m.notice && m.notice.code === 'handoff'), 'agents keep their wording');
      await shot(p, '45-links-seen-handoff');
      await v.ctx.close();
    } finally {
      await an.close();
    }
  });

  for (const [label, options] of [['desktop 1366×800', DESKTOP], ['mobile 390×844', MOBILE]]) {
    it(`a closed widget shows the latest agent message beside the launcher (dismissible); the hidden tab's title flashes "(1) Tin nhắn mới" (${label})`, async () => {
      const v = await visitor('Mạc Văn Khoa', '0912 500 300', { options, first: 'Đơn hàng của tôi đến đâu rồi?' });
      const p = v.page;
      const touch = !!options.hasTouch;
      await claim(v.conversationId);
      await (touch ? $(p, 'close').tap() : $(p, 'close').click());
      await $(p, 'panel').waitFor({ state: 'hidden', timeout: T });
      await agentSays(v.conversationId, 'Dạ đơn hàng của anh đang được giao, dự kiến chiều nay ạ.');
      await $(p, 'preview').waitFor({ timeout: T });
      assert.match(await $(p, 'preview-text').textContent(), /đang được giao/);
      assert.equal(await $(p, 'unread-badge').textContent(), '1');
      const box = await $(p, 'preview').boundingBox();
      const vp = options.viewport;
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height, 'on screen: ' + JSON.stringify(box));
      const l = await launcher(p).boundingBox();
      assert.ok(box.y + box.height <= l.y, 'above the launcher');
      await shot(p, `46-preview-${touch ? 'mobile' : 'desktop'}`);
      // dismissed: gone, the badge stays
      await (touch ? $(p, 'preview-close').tap() : $(p, 'preview-close').click());
      await $(p, 'preview').waitFor({ state: 'detached', timeout: T });
      assert.equal(await $(p, 'unread-badge').textContent(), '1');
      // the next message shows it again; a click on it opens the chat
      await agentSays(v.conversationId, 'Anh cần gì thêm không ạ?');
      await $(p, 'preview').waitFor({ timeout: T });
      await (touch ? $(p, 'preview').locator('button').first().tap() : $(p, 'preview').locator('button').first().click());
      await $(p, 'panel').waitFor({ state: 'visible', timeout: T });
      await $(p, 'preview').waitFor({ state: 'detached', timeout: T });
      // the tab is hidden: the title flashes while answers arrive
      const title = await p.title();
      await p.evaluate(() => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await agentSays(v.conversationId, 'Em gửi anh mã vận đơn nhé.');
      await p.waitForFunction(() => document.title === '(1) Tin nhắn mới', null, { timeout: T });
      await p.waitForFunction((t) => document.title === t, title, { timeout: 3_000 }); // it flashes
      await p.waitForFunction(() => document.title === '(1) Tin nhắn mới', null, { timeout: 3_000 });
      await p.evaluate(() => {
        delete document.hidden;
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await p.waitForFunction((t) => document.title === t, title, { timeout: T });
      await sleep(1_500);
      assert.equal(await p.title(), title, 'the page\'s title back for good');
      await v.ctx.close();
    });
  }

  it('waiting: the visitor sees where they stand in the queue, live', async () => {
    const agents = await rest(server.url, 'GET', '/api/agents', { token: tokens.admin });
    assert.equal(agents.body.items.filter((a) => a.online).length, 0, 'nobody online');
    const x = await visitor('Lục Tiểu Linh', '0912 500 400', { first: 'Tôi đến trước.' });
    const y = await visitor('Hàn Mặc Tử', '0912 500 500', { first: 'Tôi đến sau.' });
    await $(y.page, 'queue-position').waitFor({ timeout: T });
    const before = await $(y.page, 'queue-position').textContent();
    const n = Number(before.match(/vị trí số (\d+)/)[1]);
    assert.ok(n >= 2, before);
    await shot(y.page, '47-waiting');
    await claim(x.conversationId);
    await until(async () => (await $(y.page, 'queue-position').textContent()).includes(`vị trí số ${n - 1}`), `position ${n - 1}`);
    assert.match(await $(y.page, 'waiting').textContent(), /Đang chờ nhân viên hỗ trợ…/);
    // the first visitor is no longer waiting
    await $(x.page, 'waiting').waitFor({ state: 'detached', timeout: T });
    await x.ctx.close();
    await y.ctx.close();
  });

  for (const [label, options] of [['desktop 1366×800', DESKTOP], ['mobile 390×844', MOBILE]]) {
    it(`outside office hours: "Để lại lời nhắn", "Gửi lời nhắn", and a confirmation naming the phone and the next opening (${label})`, async () => {
      const open = new Date(Date.now() + 2 * 86_400_000);
      // Monday first, in Vietnam time
      const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Ho_Chi_Minh', weekday: 'short' }).format(open));
      const week = Array.from({ length: 7 }, () => ({ open: false, from: '08:00', to: '17:00' }));
      week[day].open = true;
      const put = await rest(server.url, 'PUT', '/api/admin/office-hours', {
        token: tokens.admin,
        body: { enabled: true, week, holidays: [], awayMessage: 'Cửa hàng đang nghỉ. Anh/chị để lại lời nhắn, chúng tôi sẽ gọi lại.', replyTime: 'Thường trả lời trong vài phút' },
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      try {
        const ctx = await browser.newContext(options);
        const p = await newPage(ctx);
        await p.goto(host.url + '?once');
        await openPanel(p, !!options.hasTouch);
        await $(p, 'leave-title').waitFor({ timeout: T });
        assert.equal(await $(p, 'leave-title').textContent(), 'Để lại lời nhắn');
        assert.equal((await $(p, 'prechat-submit').textContent()).trim(), 'Gửi lời nhắn');
        assert.match(await $(p, 'greeting').textContent(), /Cửa hàng đang nghỉ/);
        assert.match(await $(p, 'status').textContent(), /Ngoài giờ làm việc/);
        await p.locator('chatdesk-widget [data-field="name"]').fill('Trương Vô Kỵ');
        await p.locator('chatdesk-widget [data-field="phone"]').fill('0912500600');
        await p.locator('chatdesk-widget [data-field="message"]').fill('Tôi muốn đặt 2 máy lọc nước, gọi lại giúp tôi.');
        await (options.hasTouch ? $(p, 'prechat-submit').tap() : $(p, 'prechat-submit').click());
        await $(p, 'left-confirmation').waitFor({ timeout: T });
        const at = new Intl.DateTimeFormat('vi', { timeZone: 'Asia/Ho_Chi_Minh', weekday: 'long', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
          .format(new Date(`${new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(open)}T08:00:00+07:00`));
        const text = await $(p, 'left-confirmation').textContent();
        assert.match(text, /Cảm ơn bạn! Chúng tôi đã nhận được lời nhắn\./);
        assert.ok(text.includes(`Chúng tôi sẽ liên hệ lại qua số 0912 500 600 khi mở cửa lúc ${at}.`), text);
        const box = await $(p, 'left-confirmation').boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= options.viewport.width, 'fits: ' + JSON.stringify(box));
        await shot(p, `48-left-message-${options.hasTouch ? 'mobile' : 'desktop'}`);
        const id = await p.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((x) => x.startsWith('chatdesk:')))).conversationId);
        const conv = await rest(server.url, 'GET', `/api/conversations/${id}`, { token: tokens.an });
        assert.equal(conv.body.conversation.leftMessage, 'outside_hours');
        await ctx.close();
      } finally {
        const off = await rest(server.url, 'PUT', '/api/admin/office-hours', { token: tokens.admin, body: { ...put.body.officeHours, enabled: false } });
        assert.equal(off.status, 200, JSON.stringify(off.body));
      }
    });
  }

  it('English for foreign visitors: data-lang="en", or the browser language when the admin allows it', async () => {
    // the page asks for English
    const ctx = await browser.newContext(DESKTOP);
    const p = await newPage(ctx);
    await p.goto(host.url + '?once&lang=en');
    await launcher(p).waitFor({ timeout: T });
    assert.equal(await launcher(p).getAttribute('aria-label'), 'Open the chat');
    await launcher(p).click();
    await $(p, 'prechat-form').waitFor({ timeout: T });
    assert.equal(await p.locator('chatdesk-widget h2').textContent(), 'Live support');
    assert.deepEqual(await p.locator('chatdesk-widget label[for="cd-f-name"], chatdesk-widget label[for="cd-f-phone"]').allTextContents(), ['Name *', 'Phone *']);
    assert.match(await $(p, 'status').textContent(), /^Offline — leave a message/);
    await $(p, 'prechat-submit').click();
    assert.deepEqual((await $(p, 'field-error').allTextContents()).slice(0, 2), ['Please fill in name.', 'Please fill in phone.']);
    await p.locator('chatdesk-widget [data-field="name"]').fill('John Smith');
    await p.locator('chatdesk-widget [data-field="phone"]').fill('0912 500 700');
    await $(p, 'prechat-submit').click();
    await $(p, 'composer').waitFor({ timeout: T });
    assert.equal(await $(p, 'composer').getAttribute('placeholder'), 'Type a message...');
    const id = await p.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((x) => x.startsWith('chatdesk:')))).conversationId);
    await claim(id);
    await p.locator('chatdesk-widget [data-testid="system-message"]', { hasText: 'An joined the chat.' }).waitFor({ timeout: T });
    assert.equal(await p.locator('chatdesk-widget section[lang="en"]').count(), 1);
    await shot(p, '49-english');
    await ctx.close();
    // the browser's language, only when the admin allows it
    const cur = await rest(server.url, 'GET', '/api/admin/settings', { token: tokens.admin });
    const lang = async (locale) => {
      const c = await browser.newContext({ ...DESKTOP, locale });
      const q = await newPage(c);
      await q.goto(host.url + '?once');
      await launcher(q).waitFor({ timeout: T });
      await until(async () => (await launcher(q).getAttribute('aria-label')) !== null, 'label');
      await sleep(300);
      const label = await launcher(q).getAttribute('aria-label');
      await c.close();
      return label;
    };
    assert.equal(await lang('en-US'), 'Mở cửa sổ trò chuyện', 'not allowed: Vietnamese for everyone');
    const on = await rest(server.url, 'PUT', '/api/admin/settings', { token: tokens.admin, body: { ...cur.body.settings, autoLanguage: true } });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    try {
      await until(async () => (await lang('en-US')) === 'Open the chat', 'English for an English browser');
      assert.equal(await lang('vi-VN'), 'Mở cửa sổ trò chuyện');
    } finally {
      await rest(server.url, 'PUT', '/api/admin/settings', { token: tokens.admin, body: { ...cur.body.settings, autoLanguage: false } });
    }
  });
});

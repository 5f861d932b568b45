// Browser tests of issue 14 on the agent side, in real headless Chromium
// (1366×800, and a 390×844 touch screen where layout is involved) against
// the real dev server: long unbroken text in the thread, presence that
// counts away agents as online, the file picker's accept list and upload
// refusals, and what agents now see of the visitor (connection state, read
// receipts, links, messages left outside office hours, office hours
// settings). Own server. Screenshots go to artifacts/dashboard/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DESKTOP, MOBILE, loginUi, newPage, uniquePhone, rowSel, shot } from './lib/browser.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

// a shared affiliate link: one token with nothing a browser would break at
const SHOPEE = 'https://s.shopee.vn/an_redir?origin_link=https%3A%2F%2Fshopee.vn%2Fproduct%2F123456789%2F9876543210%3Fsp_atk%3D4f1c2d3e5a6b7c8d9e0fa1b2c3d4e5f6%26xptdk%3D4f1c2d3e5a6b7c8d9e0fa1b2c3d4e5f6&affiliate_id=17312345678&sub_id=noichienkhongdau52L';
const TRACKING = 'SPXVN0412345678901234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ';

let server;
let api;
let browser;
let ctx;


async function createConversation(name, message = 'Xin chào shop', phone = uniquePhone()) {
  const r = await api.call('POST', '/conversations', { body: { fields: { name, phone, message } } });
  assert.equal(r.status, 201, `POST /api/conversations → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function say(id, token, text) {
  const r = await api.call('POST', `/conversations/${id}/messages`, { token, body: { text, clientId: 'c-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) } });
  assert.ok([200, 201].includes(r.status), `send: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.message;
}

/** A visitor's WebSocket (docs/protocol.md) from node: hello, then requests and the frames received. */
async function visitorSocket(token) {
  const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/ws`);
  const frames = [];
  let n = 0;
  ws.on('message', (b) => frames.push(JSON.parse(String(b))));
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const request = async (type, data) => {
    const id = `v${++n}`;
    ws.send(JSON.stringify({ type, id, data }));
    return eventually(() => frames.find((f) => f.id === id), { message: `reply to ${type}` });
  };
  const ready = await request('hello', { token, lastSeq: 0 });
  assert.equal(ready.type, 'session.ready', JSON.stringify(ready));
  return { frames, request, close: () => ws.close() };
}

describe('issue 14: the agent side', { timeout: 15 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite();
    ({ server, api, browser } = ctx);
  });

  after(() => ctx?.close());

  for (const [label, options] of [['desktop 1366×800', DESKTOP], ['mobile 390×844', MOBILE]]) {
    it(`long unbroken text (a Shopee link, a tracking code) wraps inside the thread (${label})`, async () => {
      const { conversation, visitorToken } = await createConversation('Lâm Chí Khanh', 'Mã vận đơn của tôi là ' + TRACKING);
      await ctx.own(conversation.id);
      await say(conversation.id, visitorToken, SHOPEE);
      await say(conversation.id, ctx.tokens.an, TRACKING);
      const page = await newPage(browser, options);
      await loginUi(page, server.baseUrl, 'an@chatdesk.local');
      await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
      await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'SPXVN' }).waitFor();
      await page.locator('[data-testid="message"][data-sender="visitor"]', { hasText: 'an_redir' }).waitFor();
      const l = await page.evaluate(() => {
        const thread = document.querySelector('[data-testid="thread"]');
        const t = thread.getBoundingClientRect();
        return {
          thread: { left: Math.round(t.left), right: Math.round(t.right), scrollWidth: thread.scrollWidth, clientWidth: thread.clientWidth },
          bubbles: [...thread.querySelectorAll('[data-testid="message"] [data-testid="bubble"]')].map((b) => {
            const r = b.getBoundingClientRect();
            return { text: b.textContent.slice(0, 30), left: Math.round(r.left), right: Math.round(r.right) };
          }),
        };
      });
      assert.ok(l.bubbles.length >= 3, JSON.stringify(l));
      for (const b of l.bubbles) {
        assert.ok(b.left >= l.thread.left && b.right <= l.thread.right, `bubble "${b.text}" [${b.left}, ${b.right}] inside the thread [${l.thread.left}, ${l.thread.right}]`);
      }
      assert.ok(l.thread.scrollWidth <= l.thread.clientWidth, `no horizontal overflow: ${l.thread.scrollWidth} > ${l.thread.clientWidth}`);
      if (!options.hasTouch) {
        // nothing runs under the visitor column beside the thread
        const info = await page.locator('[data-testid="visitor-panel"]').boundingBox();
        for (const b of l.bubbles) assert.ok(b.right <= info.x, `bubble "${b.text}" ends at ${b.right}, the visitor column starts at ${info.x}`);
      }
      await shot(page, `visitor-long-text-${options.hasTouch ? 'mobile' : 'desktop'}`);
      await page.context().close();
    });
  }

  it('presence counts only agents available to take a chat: all three away is "0/3 trực tuyến", not "3/3"', async () => {
    const pages = {};
    for (const who of ['an', 'binh', 'admin']) {
      pages[who] = await newPage(browser);
      await loginUi(pages[who], server.baseUrl, `${who}@chatdesk.local`);
    }
    const an = pages.an;
    for (const who of ['an', 'binh', 'admin']) await an.locator(`[data-agent-id="${ctx.agents[who].id}"][data-status="online"]`).waitFor();
    await eventually(async () => /^3\/3 trực tuyến/.test((await an.locator('[data-testid="presence-count"]').textContent()).trim()), { message: '3/3 while all are online' });
    for (const who of ['an', 'binh', 'admin']) await pages[who].click('[aria-label="Trạng thái của bạn"] >> text=Vắng mặt');
    for (const who of ['an', 'binh', 'admin']) await an.locator(`[data-agent-id="${ctx.agents[who].id}"][data-status="away"]`).waitFor();
    await eventually(async () => /^0\/3 trực tuyến/.test((await an.locator('[data-testid="presence-count"]').textContent()).trim()), { message: '0/3 while all are away' });
    await shot(an, 'visitor-all-away');
    // and the visitors are told nobody is there
    const cfg = await api.call('GET', '/widget/config');
    assert.equal(cfg.body.supportOnline, false);
    for (const who of ['an', 'binh', 'admin']) await pages[who].click('[aria-label="Trạng thái của bạn"] >> text=Trực tuyến');
    await eventually(async () => /^3\/3 trực tuyến/.test((await an.locator('[data-testid="presence-count"]').textContent()).trim()), { message: 'back to 3/3' });
    for (const p of Object.values(pages)) await p.context().close();
  });

  it('the file picker has an accept list; a script file is refused with the server\'s message and can only be dismissed', async () => {
    const { conversation } = await createConversation('Khách Gửi Tệp');
    await ctx.own(conversation.id);
    const page = await newPage(browser);
    await loginUi(page, server.baseUrl, 'an@chatdesk.local');
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    await eventually(async () => !(await page.locator('[data-testid="composer-input"]').isDisabled()), { message: 'composer enabled' });
    const accept = await page.getAttribute('[data-testid="attach-input"]', 'accept');
    assert.ok(accept, 'accept attribute on the file input');
    const list = accept.split(',').map((s) => s.trim());
    for (const want of ['image/jpeg', 'image/png', '.pdf', '.docx', '.xlsx', '.zip', '.txt']) assert.ok(list.includes(want), `accept has ${want}: ${accept}`);
    for (const bad of ['.exe', '.bat', '.js', '.apk']) assert.ok(!list.includes(bad), `accept has no ${bad}`);
    await page.setInputFiles('[data-testid="attach-input"]', { name: 'cai-dat.bat', mimeType: 'text/plain', buffer: Buffer.from('@echo off\r\n') });
    const item = page.locator('[data-testid="upload-item"][data-status="failed"]', { hasText: 'cai-dat.bat' });
    await item.waitFor();
    assert.match(await item.locator('[data-testid="upload-error"]').textContent(), /không được (hỗ trợ|phép)/i);
    assert.equal(await item.getByText('Thử lại').count(), 0, 'a permanent refusal offers no "Thử lại"');
    await item.getByText('Bỏ').click();
    await item.waitFor({ state: 'detached' });
    await page.context().close();
  });
  it('connection state: "Đang kết nối lại…" within 2 s of losing the network, and not "Trực tuyến" meanwhile; gone when the session is ready again', async () => {
    const page = await newPage(browser);
    await loginUi(page, server.baseUrl, 'an@chatdesk.local');
    await page.locator('[aria-label="Trạng thái của bạn"][data-status="online"]').waitFor();
    await page.context().setOffline(true);
    const lostAt = Date.now();
    await page.locator('[data-testid="connection-banner"]').waitFor({ timeout: 2000 });
    assert.ok(Date.now() - lostAt <= 2000, `shown after ${Date.now() - lostAt} ms`);
    assert.equal((await page.locator('[data-testid="connection-text"]').textContent()).trim(), 'Đang kết nối lại…');
    assert.equal(await page.getAttribute('[aria-label="Trạng thái của bạn"]', 'data-status'), 'offline');
    assert.equal(await page.locator('[aria-label="Trạng thái của bạn"] [aria-pressed="true"]').count(), 0, 'neither online nor away is lit');
    await shot(page, 'visitor-reconnecting');
    await page.context().setOffline(false);
    await page.locator('[data-testid="connection-banner"]').waitFor({ state: 'detached', timeout: 15000 });
    await page.locator('[aria-label="Trạng thái của bạn"][data-status="online"]').waitFor();
    await page.context().close();
  });

  it('links open in a new tab (http(s) and www. only, never HTML); "Đã xem" under the answer the visitor read', async () => {
    const { conversation, visitorToken } = await createConversation('Lý Công Uẩn', 'Xin chào');
    await ctx.own(conversation.id);
    const visitor = await visitorSocket(visitorToken);
    try {
      const sent = await visitor.request('message.send', { clientId: 'v-links', text: 'Shop xem giúp https://shopee.vn/ao-thun?id=7, www.lazada.vn và javascript:alert(1) <img src=x onerror=alert(1)>' });
      assert.equal(sent.type, 'ack', JSON.stringify(sent));
      const page = await newPage(browser);
      await loginUi(page, server.baseUrl, 'an@chatdesk.local');
      await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
      const bubble = page.locator('[data-testid="message"][data-sender="visitor"] [data-testid="bubble"]', { hasText: 'Shop xem giúp' });
      await bubble.waitFor();
      assert.deepEqual(await bubble.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.target, a.rel])), [
        ['https://shopee.vn/ao-thun?id=7', '_blank', 'noopener noreferrer nofollow'],
        ['https://www.lazada.vn', '_blank', 'noopener noreferrer nofollow'],
      ]);
      assert.equal(await bubble.locator('img').count(), 0, 'markup stays text');
      assert.match(await bubble.textContent(), /javascript:alert\(1\) <img src=x onerror=alert\(1\)>/);
      // An answers; the visitor reads it
      await eventually(async () => !(await page.locator('[data-testid="composer-input"]').isDisabled()), { message: 'composer enabled' });
      await page.fill('[data-testid="composer-input"]', 'Dạ shop kiểm tra ngay ạ.');
      await page.press('[data-testid="composer-input"]', 'Enter');
      await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'kiểm tra ngay' }).waitFor();
      assert.equal(await page.locator('[data-testid="seen"]').count(), 0, 'not read yet');
      const answer = await eventually(() => visitor.frames.find((f) => f.type === 'message.created' && f.data.message.text.includes('kiểm tra ngay')), { message: 'the visitor got the answer' });
      const read = await visitor.request('conversation.read', { seq: answer.data.message.seq });
      assert.equal(read.type, 'ack');
      await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'kiểm tra ngay' }).locator('[data-testid="seen"]').waitFor();
      assert.equal((await page.locator('[data-testid="seen"]').textContent()).trim(), '· Đã xem');
      await shot(page, 'visitor-links-seen');
      await page.context().close();
    } finally {
      visitor.close();
    }
  });

  it('messages left outside office hours wait in the inbox, oldest first, marked; an answer moves them on', async () => {
    const open = new Date(Date.now() + 2 * 86_400_000);
    const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Ho_Chi_Minh', weekday: 'short' }).format(open));
    const week = Array.from({ length: 7 }, (_, i) => ({ open: i === day, from: '08:00', to: '17:00' }));
    const put = await api.call('PUT', '/admin/office-hours', { token: ctx.tokens.admin, body: { enabled: true, week, holidays: [], awayMessage: 'Ngoài giờ.', replyTime: '' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    let first;
    let second;
    try {
      first = await createConversation('Khách Đêm Một', 'Tôi cần báo giá 10 bộ bàn ghế.');
      await new Promise((r) => setTimeout(r, 20));
      second = await createConversation('Khách Đêm Hai', 'Gọi lại cho tôi sáng mai.');
      for (const c of [first, second]) assert.equal(c.conversation.leftMessage, 'outside_hours');
    } finally {
      const off = await api.call('PUT', '/admin/office-hours', { token: ctx.tokens.admin, body: { ...put.body.officeHours, enabled: false } });
      assert.equal(off.status, 200, JSON.stringify(off.body));
    }
    // An comes online (within the hours now): they are in the inbox, oldest first, marked
    const page = await newPage(browser);
    await loginUi(page, server.baseUrl, 'an@chatdesk.local');
    const section = page.locator('[data-testid="section-left"]');
    await section.locator(rowSel(second.conversation.id)).waitFor();
    const ids = await section.locator('[data-testid="conversation-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.conversationId));
    const mine = ids.filter((id) => id === first.conversation.id || id === second.conversation.id);
    assert.deepEqual(mine, [first.conversation.id, second.conversation.id], 'oldest first');
    assert.equal((await section.locator(rowSel(first.conversation.id)).locator('[data-testid="left-badge"]').textContent()).trim(), 'Để lại ngoài giờ làm việc');
    await shot(page, 'visitor-left-messages');
    // the queue gives them to An (the only one available); answered, one moves to "Của tôi"
    const owned = await ctx.own(first.conversation.id);
    assert.equal(owned.leftMessage, 'outside_hours');
    await page.click(rowSel(first.conversation.id));
    await eventually(async () => !(await page.locator('[data-testid="composer-input"]').isDisabled()), { message: 'composer enabled' });
    await page.fill('[data-testid="composer-input"]', 'Chào anh, em gửi báo giá ngay ạ.');
    await page.press('[data-testid="composer-input"]', 'Enter');
    await page.locator(`[data-testid="section-mine"] ${rowSel(first.conversation.id)}`).waitFor({ timeout: 15000 });
    await page.locator(`[data-testid="section-left"] ${rowSel(first.conversation.id)}`).waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('admins set the office hours (days off, holidays, away message, reply time) and the English option', async () => {
    const page = await newPage(browser);
    await loginUi(page, server.baseUrl, 'admin@chatdesk.local');
    await page.click('nav >> text=Giờ làm việc');
    await page.locator('[data-testid="hours-form"]').waitFor();
    await page.check('[data-testid="hours-enabled"]');
    // the week is whatever the last test left (one day open, which day depends on the date): open Monday as an admin would
    await page.check('[aria-label="Thứ Hai: làm việc"]');
    await page.fill('[aria-label="Thứ Hai: mở cửa"]', '18:00');
    await page.fill('[aria-label="Thứ Hai: đóng cửa"]', '08:00');
    await page.uncheck('[aria-label="Chủ Nhật: làm việc"]');
    await page.fill('#holidays', '2027-02-06\n2027-02-07');
    await page.fill('#awayMessage', 'Cửa hàng đang nghỉ, anh/chị để lại lời nhắn nhé.');
    await page.fill('#replyTime', 'Thường trả lời trong 5 phút');
    await page.click('[data-testid="hours-save"]');
    await page.locator('[data-testid="hours-error"]', { hasText: 'Thứ Hai: giờ đóng cửa phải sau giờ mở cửa.' }).waitFor();
    await page.fill('[aria-label="Thứ Hai: mở cửa"]', '08:00');
    await page.fill('[aria-label="Thứ Hai: đóng cửa"]', '17:30');
    await page.click('[data-testid="hours-save"]');
    await page.locator('text=Đã lưu giờ làm việc.').waitFor();
    await shot(page, 'visitor-office-hours');
    const got = (await api.call('GET', '/admin/office-hours', { token: ctx.tokens.admin })).body.officeHours;
    assert.equal(got.enabled, true);
    assert.deepEqual(got.week[0], { open: true, from: '08:00', to: '17:30' });
    assert.equal(got.week[6].open, false);
    assert.deepEqual(got.holidays, ['2027-02-06', '2027-02-07']);
    assert.equal(got.awayMessage, 'Cửa hàng đang nghỉ, anh/chị để lại lời nhắn nhé.');
    assert.equal(got.replyTime, 'Thường trả lời trong 5 phút');
    const cfg = (await api.call('GET', '/widget/config')).body;
    assert.equal(cfg.awayMessage, got.awayMessage);
    assert.equal(cfg.replyTime, got.replyTime);
    await api.call('PUT', '/admin/office-hours', { token: ctx.tokens.admin, body: { ...got, enabled: false } });
    // English for foreign visitors (settings)
    await page.click('nav >> text=Cài đặt');
    await page.check('[data-testid="auto-language"]');
    await page.click('button:has-text("Lưu cài đặt")');
    await page.locator('text=Đã lưu cài đặt.').waitFor();
    assert.equal((await api.call('GET', '/admin/settings', { token: ctx.tokens.admin })).body.settings.autoLanguage, true);
    await eventually(async () => (await api.call('GET', '/widget/config')).body.autoLanguage === true, { message: 'widget config' });
    await page.uncheck('[data-testid="auto-language"]');
    await page.click('button:has-text("Lưu cài đặt")');
    await page.locator('text=Đã lưu cài đặt.').waitFor();
    await page.context().close();
  });
});

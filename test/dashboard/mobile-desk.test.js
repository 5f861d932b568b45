// The newest agent-desk UIs on a 390×844 touch screen: the takeover prompt
// ("Đồng ý" / "Từ chối" with its countdown), the contact panel ("Khách
// quen" and the earlier conversations), the canned-reply preview with its
// variables, the current-page panel ("Chrome 131 · Windows") and the
// admin's proactive greetings card. The other files drive them at
// 1366×800 only; here each must fit the phone's width (no sideways
// scrolling), keep its controls on screen, answer taps and pass axe with
// no serious or critical violation. Real headless Chromium against the
// dev server (bin/chatdesk-dev) on a free port with a fresh data dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, ensureDashboardBuilt, ARTIFACTS } from './lib/server.js';
import { DESKTOP, MOBILE, launchBrowser, loginUi, newPage, uniquePhone } from './lib/browser.js';
import { apiClient, eventually, ownConversation } from './lib/api.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const { width: W, height: H } = MOBILE.viewport;
// A Windows desktop visitor, so the panel has a known "Chrome 131 · Windows".
const WINDOWS_CHROME_131 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let server;
let api;
let browser;
const ctx = {};

/** axe-core's serious and critical violations in the page (as a11y.test.js checks every page). */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Fails unless the element, scrolled into view (side panels and settings
 * scroll vertically on a phone), lies wholly inside the 390×844 viewport
 * and is at least `minWidth` wide (a panel squeezed to a sliver is not
 * usable even when on screen).
 */
async function assertOnScreen(locator, what, { minWidth = 1 } = {}) {
  await locator.waitFor();
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  assert.ok(box, `${what}: no box`);
  assert.ok(box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= W + 0.5 && box.y + box.height <= H + 0.5,
    `${what} is off screen: ${JSON.stringify(box)}`);
  assert.ok(box.width >= minWidth, `${what} is ${box.width}px wide, less than ${minWidth}px`);
  return box;
}

/** Fails when the page scrolls sideways on the phone. */
async function assertNoSidewaysScroll(page, what) {
  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
  assert.ok(widths.doc <= W && widths.body <= W, `${what}: the page is wider than the phone: ${JSON.stringify(widths)}`);
}

/** Fails when an element's own content is wider than it (clipped or scrolled sideways inside). */
async function assertNotClipped(locator, what) {
  const { scroll, client } = await locator.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(scroll <= client + 1, `${what}: content ${scroll}px in ${client}px`);
}

/** Fails unless a tap at the element's centre reaches it (no toast or panel on top). */
async function assertNotCovered(locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const hit = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return { ok: !!top && (el === top || el.contains(top)), top: top ? `${top.tagName} ${top.getAttribute('data-testid') || top.className}` : null };
  });
  assert.ok(hit.ok, `${what} is covered by ${hit.top}`);
}

/** WCAG 2.5.8's minimum target: 24×24 CSS px. */
function assertTappable(box, what) {
  assert.ok(box.width >= 24 && box.height >= 24, `${what} is too small to tap: ${JSON.stringify(box)}`);
}

/** The usual touch target (44 px) for the buttons a phone user answers with. */
function assertThumbSized(box, what) {
  assert.ok(box.width >= 44 && box.height >= 44, `${what} is smaller than a thumb: ${JSON.stringify(box)}`);
}

/** A new conversation owned by agent `who`, whatever round robin did. */
async function conversationOwnedBy(who, fields) {
  const r = await api.call('POST', '/conversations', { body: { fields: { message: 'Cho em hỏi đơn hàng', ...fields } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.conversation.id;
  // The visitor's answer holds the visitor's view; the agents' one has
  // the agent fields (returning, contact).
  const conversation = await makeOwner(who, id);
  return { id, conversation, visitorToken: r.body.visitorToken };
}

/** Makes agent `who` the owner of conversation `id`; resolves to the conversation as agents see it. */
function makeOwner(who, id) {
  return ownConversation(api, id, { token: ctx.tokens[who], agentId: ctx.agents[who].id, adminToken: ctx.tokens.admin });
}

async function owner(id) {
  return (await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.admin })).body.conversation.assigneeId;
}

/** Opens the side panel (visitor, contact) that a phone hides behind "Thông tin khách". */
async function openInfo(page) {
  const button = page.getByRole('button', { name: 'Thông tin khách' });
  assertTappable(await assertOnScreen(button, '"Thông tin khách" button'), '"Thông tin khách" button');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  await button.tap();
  await page.locator('[data-testid="visitor-panel"]').waitFor();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  // The panel covers the conversation with its own way back, which has the focus.
  const back = page.locator('[data-testid="info-close"]');
  assertTappable(await assertOnScreen(back, '"Quay lại cuộc trò chuyện"'), '"Quay lại cuộc trò chuyện"');
  await assertNotCovered(back, '"Quay lại cuộc trò chuyện"');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'info-close');
}

describe('agent desk on a 390×844 phone: takeover, contact, canned preview, current page, greetings', { timeout: 5 * 60 * 1000 }, () => {
  before(async () => {
    ensureDashboardBuilt();
    server = await startServer();
    api = apiClient(server.baseUrl);
    browser = await launchBrowser();
    const [an, binh, admin] = await Promise.all([api.login('an@chatdesk.local'), api.login('binh@chatdesk.local'), api.login('admin@chatdesk.local')]);
    ctx.agents = { an: an.agent, binh: binh.agent, admin: admin.agent };
    ctx.tokens = { an: an.token, binh: binh.token, admin: admin.token };
    ctx.an = await newPage(browser, MOBILE);
    ctx.binh = await newPage(browser, MOBILE);
    ctx.admin = await newPage(browser, MOBILE);
    await Promise.all([
      loginUi(ctx.an, server.baseUrl, 'an@chatdesk.local'),
      loginUi(ctx.binh, server.baseUrl, 'binh@chatdesk.local'),
      loginUi(ctx.admin, server.baseUrl, 'admin@chatdesk.local'),
    ]);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  it('takeover: the requester asks on a phone; the owner sees "Đồng ý"/"Từ chối" with the countdown and answers both ways', async () => {
    const { id } = await conversationOwnedBy('an', { name: 'Khách Xin Nhận Điện Thoại', phone: uniquePhone() });
    const { an, binh } = ctx;
    await Promise.all([an, binh].map((p) => p.goto(`${server.baseUrl}/dashboard/inbox/${id}`)));

    const ask = binh.locator('[data-testid="takeover-request"]');
    await assertOnScreen(ask, '"Xin nhận" button');
    await ask.tap();
    await assertOnScreen(binh.locator('[data-testid="takeover-waiting"]'), 'the requester\'s waiting line');
    await assertOnScreen(binh.locator('[data-testid="takeover-cancel"]'), '"Huỷ yêu cầu"');
    await assertNoSidewaysScroll(binh, 'the requester waiting');

    const prompt = an.locator('[data-testid="takeover-prompt"]');
    await assertOnScreen(prompt, 'the owner\'s prompt');
    assert.match(await prompt.innerText(), new RegExp(`${ctx.agents.binh.name} xin nhận cuộc trò chuyện này`));
    await assertOnScreen(an.locator('[data-testid="takeover-countdown"]'), 'the countdown');
    const seconds = Number(await an.locator('[data-testid="takeover-countdown"]').innerText());
    assert.ok(seconds > 0 && seconds <= 60, `countdown ${seconds}`);
    const accept = an.locator('[data-testid="takeover-accept"]');
    const decline = an.locator('[data-testid="takeover-decline"]');
    const acceptBox = await assertOnScreen(accept, '"Đồng ý"');
    const declineBox = await assertOnScreen(decline, '"Từ chối"');
    assertThumbSized(acceptBox, '"Đồng ý"');
    assertThumbSized(declineBox, '"Từ chối"');
    await assertNotCovered(accept, '"Đồng ý"');
    await assertNotCovered(decline, '"Từ chối"');
    // The toast of the request is for other pages: here it would cover the reply box.
    assert.equal(await an.locator('[data-testid="takeover-toast"]').count(), 0, 'no toast over the conversation asked about');
    await assertOnScreen(an.locator('[data-testid="composer-input"]'), 'the owner\'s reply box');
    await assertNotCovered(an.locator('[data-testid="composer-input"]'), 'the owner\'s reply box');
    // Its hint fits the two lines a phone shows (no keyboard shortcuts there).
    assert.equal(await an.locator('[data-testid="composer-input"]').getAttribute('placeholder'), 'Nhập tin nhắn…');
    assert.equal(await accept.innerText(), 'Đồng ý');
    assert.equal(await decline.innerText(), 'Từ chối');
    // Two thumbs' worth apart: the buttons must not overlap.
    assert.ok(acceptBox.x + acceptBox.width <= declineBox.x || declineBox.x + declineBox.width <= acceptBox.x
      || acceptBox.y + acceptBox.height <= declineBox.y || declineBox.y + declineBox.height <= acceptBox.y, 'the answers overlap');
    await assertNoSidewaysScroll(an, 'the owner\'s prompt');
    // A long visitor name is truncated; the status beside it stays on one line.
    const status = an.locator('[data-testid="visitor-name"] + span');
    assert.equal(await status.innerText(), 'Đang xử lý');
    assert.ok((await assertOnScreen(status, 'the status badge')).height < 28, 'the status badge wraps');
    await an.screenshot({ path: path.join(ARTIFACTS, 'mobile-takeover-prompt.png') });
    assert.deepEqual(await axeViolations(an), [], 'the owner\'s prompt on a phone');
    assert.deepEqual(await axeViolations(binh), [], 'the requester waiting on a phone');

    // "Từ chối": Bình is told, An keeps the conversation.
    await decline.tap();
    await binh.locator('[data-testid="takeover-ended"]', { hasText: `${ctx.agents.an.name} đã từ chối yêu cầu của bạn.` }).waitFor();
    await assertOnScreen(binh.locator('[data-testid="takeover-ended"]'), 'the refusal notice');
    assert.equal(await owner(id), ctx.agents.an.id);

    // Again, and "Đồng ý": Bình owns it.
    await binh.locator('[data-testid="takeover-request"]').tap();
    await assertOnScreen(accept, '"Đồng ý" (second request)');
    await accept.tap();
    await eventually(async () => (await owner(id)) === ctx.agents.binh.id, { message: 'Bình owns the conversation' });
    await eventually(async () => !(await binh.locator('[data-testid="composer-input"]').isDisabled()), { message: 'Bình may reply' });
    await assertNoSidewaysScroll(binh, 'the new owner');
  });

  it('contact panel: "Khách quen" and the earlier conversation fit the phone and the link opens it', async () => {
    const phone = uniquePhone();
    const first = await conversationOwnedBy('an', { name: 'Chị Hoa Điện Thoại', phone, message: 'Áo size M còn không shop? Cho em xem thêm mẫu màu đỏ và màu xanh dương đậm nhé' });
    assert.equal((await api.call('POST', `/conversations/${first.id}/notes`, { token: ctx.tokens.binh, body: { clientId: 'mobile-n1', text: 'Khách hay đổi size, hỏi kỹ số đo trước khi chốt đơn giúp em' } })).status, 201);
    assert.equal((await api.call('POST', `/conversations/${first.id}/resolve`, { token: ctx.tokens.an })).status, 200);
    const second = await conversationOwnedBy('an', { name: 'Chị Hoa Điện Thoại', phone, message: 'Em muốn đổi áo' });
    assert.equal(second.conversation.returning, true);

    const page = ctx.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox`);
    const row = page.locator(`[data-testid="conversation-row"][data-conversation-id="${second.id}"]`);
    await assertOnScreen(row.locator('[data-testid="row-returning"]'), 'the inbox row\'s "Khách quen"');
    await assertNoSidewaysScroll(page, 'the inbox');
    await row.tap();
    await page.waitForURL(new RegExp(`/inbox/${second.id}$`));
    await openInfo(page);

    const panel = page.locator('[data-testid="contact-panel"]');
    // A 288 px panel beside a 100 px conversation is what a phone must not get: the panel takes the width.
    await assertOnScreen(panel.locator('h3'), 'the contact panel\'s title', { minWidth: W - 60 });
    await assertOnScreen(panel.locator('[data-testid="contact-returning"]'), '"Khách quen" in the panel');
    const earlier = panel.locator('[data-testid="contact-conversation"]');
    await assertOnScreen(earlier, 'the earlier conversation', { minWidth: W - 60 });
    const line = await earlier.innerText();
    assert.ok(line.includes('Đã kết thúc') && line.includes(ctx.agents.an.name), line);
    await assertOnScreen(panel.locator('[data-testid="contact-notes"]'), 'the notes about the customer');
    assert.match(await panel.locator('[data-testid="contact-notes"]').innerText(), /hỏi kỹ số đo/);
    await assertNotClipped(panel, 'the contact panel');
    await assertNoSidewaysScroll(page, 'the contact panel');
    await page.screenshot({ path: path.join(ARTIFACTS, 'mobile-contact-panel.png') });
    assert.deepEqual(await axeViolations(page), [], 'the contact panel on a phone');

    await earlier.tap();
    await page.waitForURL(new RegExp(`/history/${first.id}$`));
    await page.locator('[data-testid="transcript"]').getByText('Áo size M còn không shop?').first().waitFor();
    await assertNoSidewaysScroll(page, 'the earlier transcript');
  });

  it('canned-reply preview: the picker, its filled preview and the unknown variable fit above the phone\'s composer', async () => {
    const text = 'Chào {ten_khach}, em là {ten_nhan_vien}. Số của anh/chị: {sdt}. Mã đơn: {ma_don}';
    const created = await api.call('POST', '/admin/canned-replies', { token: ctx.tokens.admin, body: { shortcut: 'donhangdt', title: 'Hỏi mã đơn trên điện thoại', text } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const phone = uniquePhone();
    const { id } = await conversationOwnedBy('an', { name: 'Nguyễn Thị Phương Thảo', phone });

    const page = ctx.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    const input = page.locator('[data-testid="composer-input"]');
    await eventually(async () => !(await input.isDisabled()), { message: 'reply box enabled' });
    await input.tap();
    await input.pressSequentially('/donhangd');
    const option = page.locator('[data-testid="canned-option"][data-shortcut="donhangdt"]');
    await assertOnScreen(option, 'the canned option');
    const filled = `Chào Nguyễn Thị Phương Thảo, em là ${ctx.agents.an.name}. Số của anh/chị: ${phone}. Mã đơn: {ma_don}`;
    const preview = page.locator('[data-testid="canned-preview-text"]');
    await assertOnScreen(preview, 'the preview');
    assert.equal(await preview.innerText(), filled);
    await assertOnScreen(page.locator('[data-testid="canned-preview-unknown"]'), 'the unknown-variable flag');
    assert.equal(await page.locator('[data-testid="canned-preview-unknown"]').innerText(), 'Biến không xác định: {ma_don}');
    await assertOnScreen(page.locator('[data-testid="canned-picker"]'), 'the picker');
    await assertNotClipped(page.locator('[data-testid="canned-preview"]'), 'the preview');
    await assertNoSidewaysScroll(page, 'the canned picker');
    await page.screenshot({ path: path.join(ARTIFACTS, 'mobile-canned-preview.png') });
    assert.deepEqual(await axeViolations(page), [], 'the canned picker on a phone');

    // A tap picks it (not only Enter): the filled text is inserted and flagged until fixed.
    await option.tap();
    assert.equal(await input.inputValue(), filled);
    await assertOnScreen(page.locator('[data-testid="canned-unfilled"]'), 'the "Chưa điền được" flag');
    await assertOnScreen(page.locator('[data-testid="send-button"]'), 'the send button');
    assert.ok(await page.locator('[data-testid="send-button"]').isDisabled(), 'send disabled while {ma_don} is left');
    await input.fill(filled.replace('{ma_don}', 'DH3003'));
    await eventually(async () => !(await page.locator('[data-testid="send-button"]').isDisabled()), { message: 'send enabled' });
    await page.locator('[data-testid="send-button"]').tap();
    await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'DH3003' }).waitFor();
    await assertNoSidewaysScroll(page, 'the sent reply');
  });

  it('current page: "Chrome 131 · Windows" and the visitor\'s page, updated live, fit the phone', async () => {
    // The visitor: a Windows desktop Chrome 131 page of the server's origin (its CSP allows the socket).
    const visitor = await newPage(browser, { ...DESKTOP, userAgent: WINDOWS_CHROME_131 });
    await visitor.goto(`${server.baseUrl}/demo`);
    const created = await visitor.evaluate(async (phone) => {
      const r = await fetch('/api/conversations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { name: 'Khách Đang Xem Điện Thoại', phone, message: 'Cho em hỏi áo' }, pageUrl: location.href }),
      });
      return { status: r.status, body: await r.json() };
    }, uniquePhone());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.conversation.id;
    await visitor.evaluate((tok) => new Promise((resolve, reject) => {
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
      window.__ws = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', id: 'h1', data: { token: tok, lastSeq: 0 } }));
      window.__replies = {};
      ws.onmessage = (ev) => {
        const env = JSON.parse(ev.data);
        if (env.id) window.__replies[env.id] = env;
        if (env.type === 'session.ready') resolve();
      };
      setTimeout(() => reject(new Error('visitor hello timeout')), 8000);
    }), created.body.visitorToken);
    // Waits for the server's answer, so the page is stored before the agent looks.
    const report = async (p, title, n) => {
      await visitor.evaluate(([pp, t, i]) => window.__ws.send(JSON.stringify({ type: 'page.view', id: 'p' + i, data: { path: pp, title: t } })), [p, title, n]);
      const reply = await eventually(() => visitor.evaluate((i) => window.__replies['p' + i], n), { message: `page.view ${n} answered` });
      assert.equal(reply.type, 'ack', JSON.stringify(reply));
    };
    // A long path with no break point: it must wrap, not push the panel wider than the phone.
    const longPath = '/san-pham/ao-thun-cotton-co-tron-tay-ngan-mau-xanh-duong-dam-size-xl-ma-sp-0012345678';
    await report(longPath, 'Áo thun cotton cổ tròn tay ngắn màu xanh dương đậm', 1);

    await makeOwner('an', id);

    const page = ctx.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    const input = page.locator('[data-testid="composer-input"]');
    await eventually(async () => !(await input.isDisabled()), { message: 'reply box enabled' });
    const inputBefore = await assertOnScreen(input, 'the reply box');
    await openInfo(page);
    const panel = page.locator('[data-testid="visitor-panel"]');
    const browserCell = panel.locator('[data-testid="browser"]');
    await assertOnScreen(browserCell, 'the browser line');
    assert.equal(await browserCell.innerText(), 'Chrome 131 · Windows');
    assert.equal(await browserCell.getAttribute('title'), WINDOWS_CHROME_131);
    const current = panel.locator('[data-testid="current-page"]');
    await current.filter({ hasText: 'Áo thun cotton cổ tròn' }).waitFor();
    await assertOnScreen(current, 'the current page', { minWidth: W - 80 });
    assert.ok((await current.innerText()).includes(longPath), await current.innerText());
    await assertNotClipped(panel, 'the visitor panel');
    await assertNoSidewaysScroll(page, 'the visitor panel');
    await page.screenshot({ path: path.join(ARTIFACTS, 'mobile-current-page.png') });
    assert.deepEqual(await axeViolations(page), [], 'the visitor panel on a phone');

    // The visitor moves on: the open panel follows without a reload.
    await page.evaluate(() => { window.__sameDocument = true; });
    await report('/gio-hang', 'Giỏ hàng', 2);
    await current.filter({ hasText: 'Giỏ hàng' }).waitFor();
    await assertOnScreen(current, 'the new current page');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');

    // "Quay lại cuộc trò chuyện": the conversation is back, full width, the focus on the button that opened the panel.
    await page.locator('[data-testid="info-close"]').tap();
    await page.locator('[data-testid="visitor-panel"]').waitFor({ state: 'hidden' });
    const inputAfter = await assertOnScreen(input, 'the reply box after closing the panel');
    assert.deepEqual(inputAfter, inputBefore, 'the reply box is back where it was');
    await assertNotCovered(input, 'the reply box after closing the panel');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'info-toggle');
    assert.equal(await page.getByRole('button', { name: 'Thông tin khách' }).getAttribute('aria-expanded'), 'false');
    await visitor.context().close();
  });

  it('greetings: the admin adds, saves and switches off a proactive greeting on a phone', async () => {
    const page = ctx.admin;
    await page.goto(`${server.baseUrl}/dashboard/admin/settings`);
    const card = page.locator('[data-testid="greetings"]');
    await card.getByText('Chưa có lời chào chủ động.').waitFor();
    await assertOnScreen(card.locator('h2'), 'the card\'s title');
    const add = page.locator('[data-testid="greeting-add"]');
    await assertOnScreen(add, '"Thêm lời chào"');
    await add.tap();
    for (const [sel, what] of [['#greeting-0-pattern', 'pattern'], ['#greeting-0-delay', 'delay'], ['#greeting-0-text', 'greeting']]) {
      await assertOnScreen(page.locator(sel), `the ${what} field`, { minWidth: 60 });
    }
    await assertOnScreen(card.getByLabel('Đang bật'), 'the "Đang bật" box');
    await assertOnScreen(card.getByRole('button', { name: 'Xoá lời chào 1' }), '"Xoá"');
    await page.locator('#greeting-0-pattern').fill('/khuyen-mai/*');
    await page.locator('#greeting-0-delay').fill('5');
    await page.locator('#greeting-0-text').fill('Hôm nay có mã giảm giá 10%, bạn muốn nhận không?');
    await assertNotClipped(card, 'the greetings card');
    await assertNoSidewaysScroll(page, 'the settings page');
    await page.screenshot({ path: path.join(ARTIFACTS, 'mobile-greetings.png') });
    assert.deepEqual(await axeViolations(page), [], 'the settings page on a phone');

    const save = page.getByRole('button', { name: 'Lưu cài đặt' });
    await assertOnScreen(save, '"Lưu cài đặt"');
    await save.tap();
    await assertOnScreen(page.getByText('Đã lưu cài đặt.'), 'the saved notice');
    let wc = await api.call('GET', '/widget/config');
    assert.deepEqual(wc.body.greetings, [['/khuyen-mai/*', 5, 'Hôm nay có mã giảm giá 10%, bạn muốn nhận không?']]);

    await card.getByLabel('Đang bật').tap();
    assert.equal(await card.getByLabel('Đang bật').isChecked(), false);
    await save.tap();
    await eventually(async () => (await api.call('GET', '/widget/config')).body.greetings.length === 0, { message: 'the greeting is off in the widget' });
    wc = await api.call('GET', '/widget/config');
    assert.deepEqual(wc.body.greetings, []);
    await assertNoSidewaysScroll(page, 'the settings page after saving');
  });
});

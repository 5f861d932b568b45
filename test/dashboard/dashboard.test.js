// Browser tests of the agent dashboard (issue 5) in real headless Chromium
// against the real dev server (bin/chatdesk-dev), started here on a free port
// with a fresh data dir. Screenshots go to artifacts/dashboard/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, REPO } from './lib/server.js';
import { PASSWORD, loginUi, newPage, uniquePhone, fakeHiddenTab } from './lib/browser.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

const SESSION_EXPIRED = 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.';

let server;
let api;
let browser;
let ctx; // the suite, and shared state between the ordered steps

const shot = async (page, name) => {
  await page.waitForTimeout(250); // let CSS transitions settle
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
};
const rowSel = (id) => `[data-testid="conversation-row"][data-conversation-id="${id}"]`;

async function bannerText(page) {
  return (await page.locator('[data-testid="owner-banner"]').textContent()).trim();
}

async function waitText(page, selector, text, timeout = 10000) {
  await page.waitForFunction(
    ([sel, t]) => [...document.querySelectorAll(sel)].some((el) => el.textContent.includes(t)),
    [selector, text],
    { timeout },
  );
}

/** A visitor WebSocket (protocol.md) opened from a same-origin page. */
async function openVisitorSocket(page, token) {
  // A page of the server's origin whose Content-Security-Policy allows
  // connecting to 'self' (/healthz's allows nothing; a page the test serves
  // itself is refused loopback by Chromium's local network checks).
  await page.goto(`${server.baseUrl}/demo`);
  await page.evaluate((tok) => new Promise((resolve, reject) => {
    window.__frames = [];
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
    window.__ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', id: 'h1', data: { token: tok, lastSeq: 0 } }));
    ws.onmessage = (ev) => {
      const env = JSON.parse(ev.data);
      window.__frames.push(env);
      if (env.type === 'session.ready') resolve();
      if (env.type === 'error' && env.id === 'h1') reject(new Error(JSON.stringify(env.data)));
    };
    ws.onclose = (ev) => window.__frames.push({ type: 'closed', data: { code: ev.code } });
    setTimeout(() => reject(new Error('visitor hello timeout')), 8000);
  }), token);
}
const visitorFrames = (page) => page.evaluate(() => window.__frames);
const visitorSend = (page, env) => page.evaluate((e) => window.__ws.send(JSON.stringify(e)), env);

async function createConversation(name, phone, message, extra = {}) {
  const r = await api.call('POST', '/conversations', {
    body: { fields: { name, phone, message, ...extra }, pageUrl: 'https://shop.example.vn/san-pham/iphone', referrer: 'https://google.com/' },
  });
  assert.equal(r.status, 201, `POST /api/conversations → ${r.status} ${JSON.stringify(r.body)}`);
  assert.ok(r.body.visitorToken, 'visitorToken');
  return r.body;
}

describe('agent dashboard (issue 5)', { timeout: 15 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite();
    ({ server, api, browser } = ctx);
  });

  after(() => ctx?.close());

  it('logs in two agents in separate browser contexts', async () => {
    ctx.pageAn = await newPage(browser);
    ctx.pageBinh = await newPage(browser);
    await ctx.pageAn.goto(`${server.baseUrl}/dashboard/`);
    await ctx.pageAn.waitForURL(/\/dashboard\/login/);
    // a wrong password shows the error and stays on the login page
    await ctx.pageAn.fill('#email', 'an@chatdesk.local');
    await ctx.pageAn.fill('#password', 'sai-mat-khau');
    await ctx.pageAn.click('button[type=submit]');
    await ctx.pageAn.locator('[role=alert]').waitFor();
    await shot(ctx.pageAn, '01-login-error');
    await loginUi(ctx.pageAn, server.baseUrl, 'an@chatdesk.local');
    await loginUi(ctx.pageBinh, server.baseUrl, 'binh@chatdesk.local');
    assert.equal(await ctx.pageAn.locator('[data-testid="me-name"]').textContent(), 'An');
    assert.equal(await ctx.pageBinh.locator('[data-testid="me-name"]').textContent(), 'Bình');
    // each sees the other online (agent.presence / GET /api/agents)
    for (const p of [ctx.pageAn, ctx.pageBinh]) {
      for (const a of [ctx.agents.an, ctx.agents.binh]) await p.locator(`[data-agent-id="${a.id}"][data-status="online"]`).waitFor();
    }
    // own availability: away and back (PUT /api/agents/me/status), seen live by the other agent
    await ctx.pageAn.click('[aria-label="Trạng thái của bạn"] >> text=Vắng mặt');
    await ctx.pageBinh.locator(`[data-agent-id="${ctx.agents.an.id}"][data-status="away"]`).waitFor();
    await ctx.pageAn.click('[aria-label="Trạng thái của bạn"] >> text=Trực tuyến');
    await ctx.pageBinh.locator(`[data-agent-id="${ctx.agents.an.id}"][data-status="online"]`).waitFor();
  });

  it('a visitor conversation appears live for both agents', async () => {
    ctx.phone = uniquePhone();
    const { conversation, visitorToken } = await createConversation('Nguyễn Thị Hoa', ctx.phone, 'Chào shop, tôi cần tư vấn iPhone 16.');
    ctx.conv = conversation;
    ctx.visitorToken = visitorToken;
    await ctx.pageAn.locator(rowSel(conversation.id)).waitFor();
    await ctx.pageBinh.locator(rowSel(conversation.id)).waitFor();
    const rowText = await ctx.pageAn.locator(rowSel(conversation.id)).textContent();
    assert.match(rowText, /Nguyễn Thị Hoa/);
    assert.match(rowText, new RegExp(ctx.phone));
    await shot(ctx.pageAn, '02-inbox-an');
  });

  it('one agent owns it; the banner shows who is replying and only the owner can type', async () => {
    const id = ctx.conv.id;
    // round robin may already have assigned it; otherwise An claims it in the UI
    let c = await eventually(async () => {
      const r = await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.an });
      return r.status === 200 && r.body.conversation;
    }, { message: 'GET conversation' });
    await new Promise((r) => setTimeout(r, 1500));
    c = (await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.an })).body.conversation;
    await ctx.pageAn.click(rowSel(id));
    await ctx.pageBinh.click(rowSel(id));
    await ctx.pageAn.locator('[data-testid="conversation-view"]').waitFor();
    await ctx.pageBinh.locator('[data-testid="conversation-view"]').waitFor();
    if (!c.assigneeId) {
      await waitText(ctx.pageAn, '[data-testid="owner-banner"]', 'Chưa có ai phụ trách');
      await ctx.pageAn.click('[data-testid="claim-button"]');
      c = await eventually(async () => {
        const r = await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.an });
        return r.body.conversation.assigneeId && r.body.conversation;
      }, { message: 'claim' });
      // the loser of the race gets the server's refusal
      const lost = await api.call('POST', `/conversations/${id}/claim`, { token: ctx.tokens.binh });
      assert.equal(lost.status, 409);
      assert.equal(lost.body.error.code, 'already_assigned');
    }
    const ownerKey = c.assigneeId === ctx.agents.an.id ? 'an' : 'binh';
    const otherKey = ownerKey === 'an' ? 'binh' : 'an';
    assert.ok([ctx.agents.an.id, ctx.agents.binh.id].includes(c.assigneeId), `assigned to An or Bình, got ${c.assigneeName}`);
    ctx.owner = ownerKey;
    ctx.other = otherKey;
    const page = (k) => (k === 'an' ? ctx.pageAn : ctx.pageBinh);
    ctx.page = page;
    const ownerName = ctx.agents[ownerKey].name;
    await waitText(page(ownerKey), '[data-testid="owner-banner"]', `${ownerName} đang trả lời`);
    await waitText(page(otherKey), '[data-testid="owner-banner"]', `${ownerName} đang trả lời`);
    assert.equal(await page(ownerKey).locator('[data-testid="composer-input"]').isDisabled(), false);
    assert.equal(await page(otherKey).locator('[data-testid="composer-input"]').isDisabled(), true);
    await waitText(page(otherKey), '[data-testid="composer-reason"]', `Chỉ ${ownerName} mới có thể trả lời cuộc trò chuyện này`);
    // form answers and visitor metadata beside the thread
    const panel = await page(ownerKey).locator('[data-testid="visitor-panel"]').textContent();
    assert.match(panel, /Nguyễn Thị Hoa/);
    assert.match(panel, new RegExp(ctx.phone));
    assert.match(panel, /shop\.example\.vn\/san-pham\/iphone/);
    // the visitor's first message is in the thread
    await waitText(page(ownerKey), '[data-testid="thread"]', 'tôi cần tư vấn iPhone 16');
  });

  it('the owner replies and the visitor gets it; visitor typing and messages show live', async () => {
    const id = ctx.conv.id;
    const owner = ctx.page(ctx.owner);
    const other = ctx.page(ctx.other);
    ctx.visitorPage = await newPage(browser);
    await openVisitorSocket(ctx.visitorPage, ctx.visitorToken);

    const reply = 'Dạ chào chị Hoa, iPhone 16 bên em còn hàng ạ.';
    await owner.fill('[data-testid="composer-input"]', reply);
    // the owner's typing reaches the visitor (typing frames, throttled)
    await eventually(async () => (await visitorFrames(ctx.visitorPage)).some((f) => f.type === 'typing' && f.data.typing === true && f.data.senderType === 'agent'), { message: 'visitor got agent typing' });
    await owner.press('[data-testid="composer-input"]', 'Enter');
    await owner.locator('[data-testid="message"][data-sender="agent"]', { hasText: reply }).waitFor();
    await other.locator('[data-testid="message"][data-sender="agent"]', { hasText: reply }).waitFor();
    assert.equal(await owner.locator('[data-testid="pending-message"]').count(), 0);

    // visitor side: live over the WebSocket and stored (REST with the visitor token)
    await eventually(async () => (await visitorFrames(ctx.visitorPage)).some((f) => f.type === 'message.created' && f.data.message.text === reply), { message: 'visitor WS got the reply' });
    const msgs = await api.call('GET', `/conversations/${id}/messages?after=0`, { token: ctx.visitorToken });
    assert.equal(msgs.status, 200);
    const stored = msgs.body.items.find((m) => m.text === reply);
    assert.ok(stored, 'reply stored');
    assert.equal(stored.senderType, 'agent');
    assert.equal(stored.senderName, ctx.agents[ctx.owner].name);

    // typing indicator, then a visitor message live in both agents' threads
    await visitorSend(ctx.visitorPage, { type: 'typing', data: { typing: true } });
    await owner.locator('[data-testid="visitor-typing"]').waitFor();
    assert.match(await owner.locator('[data-testid="visitor-typing"]').textContent(), /Khách đang gõ\.\.\./);
    await shot(owner, '03-conversation-owner');
    const vText = 'Giá bao nhiêu vậy em?';
    await visitorSend(ctx.visitorPage, { type: 'message.send', id: 'v1', data: { clientId: 'v-1', text: vText } });
    await owner.locator('[data-testid="message"][data-sender="visitor"]', { hasText: vText }).waitFor();
    await other.locator('[data-testid="message"][data-sender="visitor"]', { hasText: vText }).waitFor();
    await owner.locator('[data-testid="visitor-typing"]').waitFor({ state: 'detached' });
    await shot(other, '04-conversation-other-agent');
  });

  it("the other agent's composer is disabled and a forced send is refused with 403 not_assigned", async () => {
    const other = ctx.page(ctx.other);
    assert.equal(await other.locator('[data-testid="composer-input"]').isDisabled(), true);
    assert.equal(await other.locator('[data-testid="send-button"]').isDisabled(), true);
    const r = await api.call('POST', `/conversations/${ctx.conv.id}/messages`, {
      token: ctx.tokens[ctx.other],
      body: { text: 'Tôi chen ngang', clientId: 'forced-1' },
    });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'not_assigned');
    const msgs = await api.call('GET', `/conversations/${ctx.conv.id}/messages?after=0`, { token: ctx.tokens.admin });
    assert.ok(!msgs.body.items.some((m) => m.text === 'Tôi chen ngang'), 'refused message not stored');
  });

  it('transfer moves the right to reply', async () => {
    const owner = ctx.page(ctx.owner);
    const other = ctx.page(ctx.other);
    const newOwner = ctx.agents[ctx.other];
    await owner.selectOption('[data-testid="transfer-select"]', newOwner.id);
    await owner.click('[data-testid="transfer-button"]');
    await waitText(other, '[data-testid="owner-banner"]', `${newOwner.name} đang trả lời`);
    await waitText(owner, '[data-testid="owner-banner"]', `${newOwner.name} đang trả lời`);
    await other.waitForFunction(() => !document.querySelector('[data-testid="composer-input"]').disabled);
    await owner.waitForFunction(() => document.querySelector('[data-testid="composer-input"]').disabled);
    await waitText(owner, '[data-testid="composer-reason"]', `Chỉ ${newOwner.name} mới có thể trả lời cuộc trò chuyện này`);
    // the row moved between sections
    await other.locator(`[data-testid="section-mine"] ${rowSel(ctx.conv.id)}`).waitFor();
    await owner.locator(`[data-testid="section-others"] ${rowSel(ctx.conv.id)}`).waitFor();

    const text = `Em là ${newOwner.name}, em tiếp tục hỗ trợ chị nhé.`;
    await other.fill('[data-testid="composer-input"]', text);
    await other.click('[data-testid="send-button"]');
    await eventually(async () => (await visitorFrames(ctx.visitorPage)).some((f) => f.type === 'message.created' && f.data.message.text === text), { message: 'visitor got the new owner message' });
    const refused = await api.call('POST', `/conversations/${ctx.conv.id}/messages`, {
      token: ctx.tokens[ctx.owner],
      body: { text: 'Tin của người cũ', clientId: 'forced-2' },
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'not_assigned');
    await shot(other, '05-after-transfer-new-owner');
    await shot(owner, '05-after-transfer-old-owner');
    [ctx.owner, ctx.other] = [ctx.other, ctx.owner];
  });

  it('unread count in the tab title for a new conversation', async () => {
    // a second conversation; whoever is not looking at it gets "(n) chatdesk"
    const second = await createConversation('Trần Văn Nam', uniquePhone(), 'Cho tôi hỏi phí giao hàng?');
    ctx.conv2 = second;
    await ctx.pageAn.locator(rowSel(second.conversation.id)).waitFor();
    const c = await eventually(async () => {
      const r = await api.call('GET', `/conversations/${second.conversation.id}`, { token: ctx.tokens.an });
      return r.body.conversation;
    });
    const concerned = !c.assigneeId ? ctx.pageAn : c.assigneeId === ctx.agents.an.id ? ctx.pageAn : ctx.pageBinh;
    await concerned.waitForFunction(() => /^\(\d+\) chatdesk$/.test(document.title), null, { timeout: 10000 });
    // opening it marks it read (conversation.read) and the count goes away
    await concerned.click(rowSel(second.conversation.id));
    await concerned.waitForFunction(() => document.title === 'chatdesk', null, { timeout: 10000 });
    const token = concerned === ctx.pageAn ? ctx.tokens.an : ctx.tokens.binh;
    await eventually(async () => {
      const r = await api.call('GET', `/conversations/${second.conversation.id}`, { token });
      return r.body.conversation.unreadByAgent === 0;
    }, { message: 'unreadByAgent back to 0 on the server' });
    await concerned.goBack();
  });

  it('a hidden tab gets a sound and a desktop notification for a new conversation', async () => {
    const page = ctx.pageBinh;
    await fakeHiddenTab(page);
    try {
      await createConversation('Phạm Thu Trang', uniquePhone(), 'Tôi muốn đổi hàng.');
      await page.waitForFunction(() => window.__notes.some((n) => n.title === 'Cuộc trò chuyện mới' && /Phạm Thu Trang/.test(n.body)), null, { timeout: 10000 });
      assert.ok((await page.evaluate(() => window.__beeps)) > 0, 'a WebAudio beep was played');
    } finally {
      await page.evaluate(() => { delete document.hidden; });
    }
  });

  it('resolve ("Kết thúc")', async () => {
    const owner = ctx.page(ctx.owner);
    await owner.click('[data-testid="resolve-button"]');
    // Sent once the 5 s undo window ("Hoàn tác") has passed.
    await owner.locator('[data-testid="resolve-undo-bar"]').waitFor();
    await owner.locator('[data-testid="reopen-button"]').waitFor({ timeout: 20000 });
    await waitText(owner, '[data-testid="owner-banner"]', 'Cuộc trò chuyện đã kết thúc');
    await owner.locator('[data-testid="reopen-button"]').waitFor();
    assert.equal(await owner.locator('[data-testid="composer-input"]').isDisabled(), true);
    const r = await api.call('GET', `/conversations/${ctx.conv.id}`, { token: ctx.tokens.admin });
    assert.equal(r.body.conversation.status, 'resolved');
    // resolved conversations leave the live inbox
    await owner.locator(rowSel(ctx.conv.id)).waitFor({ state: 'detached' });
  });

  it('history search by phone fragment and date range finds it; the transcript opens', async () => {
    const page = ctx.pageAn;
    await page.click('nav >> text=Lịch sử');
    await page.waitForURL(/\/dashboard\/history/);
    const day = ctx.conv.createdAt.slice(0, 10);
    const d = new Date(`${day}T00:00:00Z`);
    const iso = (x) => x.toISOString().slice(0, 10);
    const dmy = (x) => iso(x).split('-').reverse().join('/'); // the page takes dd/mm/yyyy
    const fragment = ctx.phone.slice(3, 8);
    await page.fill('input[name=q]', fragment);
    await page.fill('input[name=from]', dmy(new Date(d.getTime() - 86400e3)));
    await page.fill('input[name=to]', dmy(new Date(d.getTime() + 86400e3)));
    await page.selectOption('select[name=status]', 'resolved');
    await page.click('[data-testid="history-search"]');
    await page.waitForURL(/[?&]q=/);
    // exactly the matching conversation (the second one has another phone and is not resolved)
    await page.waitForFunction((id) => {
      const rows = [...document.querySelectorAll('[data-testid="history-row"]')];
      return rows.length === 1 && rows[0].dataset.conversationId === id;
    }, ctx.conv.id);
    await shot(page, '06-history-search');
    // the same search through the API the page uses
    const viaApi = await api.call('GET', `/conversations?q=${fragment}&from=${iso(new Date(d.getTime() - 86400e3))}&to=${iso(new Date(d.getTime() + 86400e3))}`, { token: ctx.tokens.an });
    assert.ok(viaApi.body.items.some((c) => c.id === ctx.conv.id));
    // a date range in the past does not find it
    await page.fill('input[name=from]', '01/01/2020');
    await page.fill('input[name=to]', '31/01/2020');
    await page.click('[data-testid="history-search"]');
    await waitText(page, 'body', 'Không tìm thấy cuộc trò chuyện nào.');
    assert.equal(await page.locator(`[data-testid="history-row"][data-conversation-id="${ctx.conv.id}"]`).count(), 0);
    // back and open the transcript
    await page.goBack();
    await page.locator(`[data-testid="history-row"][data-conversation-id="${ctx.conv.id}"] a`).click();
    await page.waitForURL(new RegExp(`/dashboard/history/${ctx.conv.id}`));
    await waitText(page, '[data-testid="transcript"]', 'iPhone 16 bên em còn hàng');
    await waitText(page, '[data-testid="transcript"]', 'Giá bao nhiêu vậy em?');
    await shot(page, '07-transcript');
  });

  it('history pages with the `next` cursor', async () => {
    const page = ctx.pageAn;
    await page.goto(`${server.baseUrl}/dashboard/history?limit=1`);
    const firstId = async () => page.locator('[data-testid="history-row"]').first().getAttribute('data-conversation-id');
    await page.locator('[data-testid="history-row"]').first().waitFor();
    assert.equal(await page.locator('[data-testid="history-row"]').count(), 1);
    const p1 = await firstId();
    await page.click('[data-testid="history-next"]');
    await page.waitForFunction((id) => {
      const rows = document.querySelectorAll('[data-testid="history-row"]');
      return rows.length === 1 && rows[0].dataset.conversationId !== id;
    }, p1);
    await waitText(page, 'body', 'Trang 2');
    const p2 = await firstId();
    assert.notEqual(p2, p1);
    await page.click('text=← Trang trước');
    await page.waitForFunction((id) => document.querySelector('[data-testid="history-row"]')?.dataset.conversationId === id, p1);
  });

  it('reopen ("Mở lại") puts it back in the live inbox', async () => {
    const page = ctx.page(ctx.owner);
    await page.goto(`${server.baseUrl}/dashboard/inbox/${ctx.conv.id}`);
    await page.click('[data-testid="reopen-button"]');
    await page.locator('[data-testid="reopen-button"]').waitFor({ state: 'detached' });
    const c = await eventually(async () => {
      const r = await api.call('GET', `/conversations/${ctx.conv.id}`, { token: ctx.tokens.admin });
      return r.body.conversation.status !== 'resolved' && r.body.conversation;
    }, { message: 'reopened' });
    await page.locator(rowSel(ctx.conv.id)).waitFor();
    const banner = await bannerText(page);
    assert.ok(c.assigneeName ? banner.includes(`${c.assigneeName} đang trả lời`) : banner.includes('Chưa có ai phụ trách'), banner);
  });

  it('is usable on a phone-sized screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 780 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/dashboard/login`);
    await page.fill('#email', 'an@chatdesk.local');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.locator(rowSel(ctx.conv.id)).waitFor();
    await shot(page, '14-mobile-inbox');
    await page.click(rowSel(ctx.conv.id));
    await page.locator('[data-testid="composer"]').waitFor();
    await shot(page, '14-mobile-conversation');
    await context.close();
  });

  it('agents are redirected away from admin pages', async () => {
    await ctx.pageBinh.goto(`${server.baseUrl}/dashboard/admin/agents`);
    await ctx.pageBinh.waitForURL(/\/dashboard\/inbox/);
    assert.equal(await ctx.pageBinh.locator('nav >> text=Nhân viên').count(), 0);
  });

  it('an admin adds a custom select field and the widget form (GET /api/form-fields) shows it', async () => {
    const page = await newPage(browser);
    ctx.adminPage = page;
    await loginUi(page, server.baseUrl, 'admin@chatdesk.local');
    await page.click('nav >> text=Biểu mẫu');
    await page.waitForURL(/\/dashboard\/admin\/form-fields/);
    await page.locator('[data-field-key="name"]').waitFor();
    await page.fill('#nf-label', 'Sản phẩm quan tâm');
    assert.equal(await page.inputValue('#nf-key'), 'san_pham_quan_tam');
    await page.selectOption('#nf-type', 'select');
    await page.fill('#nf-options', 'Điện thoại\nMáy tính bảng\nPhụ kiện');
    // live preview before saving
    await waitText(page, '[data-testid="widget-preview"]', 'Sản phẩm quan tâm');
    await shot(page, '08-admin-form-fields-draft');
    await page.click('form[aria-label="Thêm trường"] button[type=submit]');
    await page.locator('[data-field-key="san_pham_quan_tam"]').waitFor();
    const pub = await api.call('GET', '/form-fields');
    assert.equal(pub.status, 200);
    const f = pub.body.items.find((x) => x.key === 'san_pham_quan_tam');
    assert.ok(f, `custom field in GET /api/form-fields: ${JSON.stringify(pub.body.items.map((x) => x.key))}`);
    assert.equal(f.type, 'select');
    assert.deepEqual(f.options, ['Điện thoại', 'Máy tính bảng', 'Phụ kiện']);
    assert.equal(f.builtin, false);
    // reorder: move it up one place (PUT /api/admin/form-fields-order)
    const before = pub.body.items.map((x) => x.key);
    await page.click('button[aria-label="Chuyển Sản phẩm quan tâm lên"]');
    const after = await eventually(async () => {
      const r = await api.call('GET', '/form-fields');
      const keys = r.body.items.map((x) => x.key);
      return keys.indexOf('san_pham_quan_tam') === before.indexOf('san_pham_quan_tam') - 1 && keys;
    }, { message: 'reordered form fields' });
    assert.ok(after);
    await shot(page, '08-admin-form-fields');
  });

  it('the widget form shows the new field (only when web-widget/dist/widget.js exists)', async (t) => {
    if (!existsSync(path.join(REPO, 'web-widget', 'dist', 'widget.js'))) {
      t.skip('web-widget/dist/widget.js not built');
      return;
    }
    const page = await newPage(browser);
    const res = await page.goto(`${server.baseUrl}/demo`);
    if (!res || res.status() !== 200) {
      t.skip(`/demo answered ${res?.status()}`);
      return;
    }
    // open the launcher if there is one (the widget lives in a shadow root; locators pierce it)
    const launcher = page.locator('button[aria-label*="chat" i], button[aria-label*="trò chuyện" i]').first();
    if (await launcher.count()) await launcher.click().catch(() => {});
    const found = await page.getByText('Sản phẩm quan tâm').first().waitFor({ timeout: 8000 }).then(() => true, () => false);
    await shot(page, '09-widget-demo');
    if (!found) t.diagnostic('the widget form did not show "Sản phẩm quan tâm" (widget not checked further)');
  });

  it('custom answers show beside the thread; a custom field can be edited, disabled and deleted', async () => {
    const page = ctx.adminPage;
    const { conversation } = await createConversation('Võ Thị Mai', uniquePhone(), 'Tư vấn giúp mình ốp lưng.', { san_pham_quan_tam: 'Phụ kiện' });
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    await waitText(page, '[data-testid="answers"]', 'Sản phẩm quan tâm');
    await waitText(page, '[data-testid="answers"]', 'Phụ kiện');
    await shot(page, '09-custom-answers');

    await page.goto(`${server.baseUrl}/dashboard/admin/form-fields`);
    const row = page.locator('[data-field-key="san_pham_quan_tam"]');
    await row.waitFor();
    await row.locator('text=Sửa').click();
    await row.locator('input[aria-label="Nhãn của san_pham_quan_tam"]').fill('Sản phẩm bạn quan tâm');
    await waitText(page, '[data-testid="widget-preview"]', 'Sản phẩm bạn quan tâm'); // preview follows the edit
    await row.locator('button[type=submit]').click();
    await eventually(async () => (await api.call('GET', '/form-fields')).body.items.some((f) => f.label === 'Sản phẩm bạn quan tâm'), { message: 'label edited' });
    await row.locator('input[type=checkbox][aria-label^="Bật trường"]').uncheck();
    await eventually(async () => !(await api.call('GET', '/form-fields')).body.items.some((f) => f.key === 'san_pham_quan_tam'), { message: 'disabled field hidden from the widget' });
    await row.locator('input[type=checkbox][aria-label^="Bật trường"]').check();
    await eventually(async () => (await api.call('GET', '/form-fields')).body.items.some((f) => f.key === 'san_pham_quan_tam'), { message: 'enabled again' });
    await row.locator('text=Xoá').click();
    await row.locator('text=Xác nhận xoá').click();
    await row.waitFor({ state: 'detached' });
    const adminList = await api.call('GET', '/admin/form-fields', { token: ctx.tokens.admin });
    assert.ok(!adminList.body.items.some((f) => f.key === 'san_pham_quan_tam'), 'deleted');
    // built-in fields cannot be deleted (no button), only hidden
    assert.equal(await page.locator('[data-field-key="name"] >> text=Xoá').count(), 0);
  });

  it('admin pages: agents and settings', async () => {
    const page = ctx.adminPage;
    await page.click('nav >> text=Nhân viên');
    await page.locator('[data-agent-email="an@chatdesk.local"]').waitFor();
    await page.fill('form[aria-label="Thêm nhân viên"] #new-agent-name', 'Chi');
    await page.fill('form[aria-label="Thêm nhân viên"] #new-agent-email', 'chi@chatdesk.local');
    await page.fill('form[aria-label="Thêm nhân viên"] #new-agent-password', 'matkhau456');
    await page.click('form[aria-label="Thêm nhân viên"] button[type=submit]');
    await page.locator('[data-agent-email="chi@chatdesk.local"]').waitFor();
    const chi = await api.call('POST', '/auth/login', { body: { email: 'chi@chatdesk.local', password: 'matkhau456' } });
    assert.equal(chi.status, 200, 'the new agent can log in');
    const chiRow = page.locator('[data-agent-email="chi@chatdesk.local"]');
    await chiRow.locator('text=Đặt lại mật khẩu').click();
    await chiRow.locator('input[type=password]').fill('matkhau789');
    await chiRow.locator('button[type=submit]').click();
    await waitText(page, 'body', 'Đã đặt lại mật khẩu cho Chi.');
    assert.equal((await api.call('POST', '/auth/login', { body: { email: 'chi@chatdesk.local', password: 'matkhau789' } })).status, 200, 'new password works');
    assert.equal((await api.call('POST', '/auth/login', { body: { email: 'chi@chatdesk.local', password: 'matkhau456' } })).status, 401, 'old password refused');
    await chiRow.locator('select').selectOption('admin');
    await waitText(page, 'body', 'Đã đổi vai trò của Chi.');
    const list = await api.call('GET', '/admin/agents', { token: ctx.tokens.admin });
    assert.equal(list.body.items.find((a) => a.email === 'chi@chatdesk.local').role, 'admin');
    // Chi is logged in when disabled: her dashboard goes back to login (4403 / account_disabled)
    const chiPage = await newPage(browser);
    await loginUi(chiPage, server.baseUrl, 'chi@chatdesk.local', 'matkhau789');
    await chiRow.locator('text=Vô hiệu hoá').click();
    await page.locator('[data-agent-email="chi@chatdesk.local"] >> text=Đã vô hiệu hoá').waitFor();
    const disabled = await api.call('POST', '/auth/login', { body: { email: 'chi@chatdesk.local', password: 'matkhau789' } });
    assert.notEqual(disabled.status, 200, 'a disabled agent cannot log in');
    await chiPage.waitForURL(/\/dashboard\/login/, { timeout: 15000 });
    await waitText(chiPage, 'body', 'Tài khoản của bạn đã bị vô hiệu hoá.');
    await shot(chiPage, '10-disabled-agent-logged-out');
    await chiPage.context().close();
    await shot(page, '10-admin-agents');
    await page.click('nav >> text=Cài đặt');
    await page.locator('#widgetTitle').waitFor();
    await page.fill('#widgetTitle', 'Tư vấn bán hàng');
    await page.fill('#origins', 'https://shop.example.vn');
    await page.click('form[aria-label="Cài đặt"] button[type=submit]');
    await waitText(page, 'body', 'Đã lưu cài đặt.');
    const cfg = await api.call('GET', '/widget/config');
    assert.equal(cfg.body.title, 'Tư vấn bán hàng');
    await shot(page, '11-admin-settings');
  });

  it('claim race lost: the server refusal is shown; failed send + retry; pending message resent after a reconnect', async () => {
    // An logs in once more in a browser whose WebSocket goes through a proxy we control.
    const page = await newPage(browser);
    const ws = { dropUpdatesFor: null, failSends: false, holdSends: false, held: [], page: null, route: null };
    await page.routeWebSocket(/\/ws(\?client=dashboard)?$/, (route) => {
      ws.route = route;
      const upstream = route.connectToServer();
      upstream.onMessage((msg) => {
        if (ws.dropUpdatesFor && String(msg).includes('"conversation.updated"') && String(msg).includes(ws.dropUpdatesFor)) return;
        route.send(msg);
      });
      route.onMessage((msg) => {
        const env = JSON.parse(String(msg));
        if (env.type === 'message.send' && ws.failSends) {
          route.send(JSON.stringify({ type: 'error', id: env.id, data: { code: 'unavailable', message: 'Hệ thống đang bận, vui lòng thử lại.' } }));
          return;
        }
        if (env.type === 'message.send' && ws.holdSends) {
          ws.held.push(env);
          return;
        }
        upstream.send(msg);
      });
    });
    await loginUi(page, server.baseUrl, 'an@chatdesk.local');

    // nobody available: the next conversation waits in the queue
    for (const k of ['an', 'binh', 'admin']) {
      const r = await api.call('PUT', '/agents/me/status', { token: ctx.tokens[k], body: { status: 'away' } });
      assert.equal(r.status, 204, `PUT /agents/me/status away → ${r.status} ${JSON.stringify(r.body)}`);
    }
    const { conversation } = await createConversation('Lê Minh Tuấn', uniquePhone(), 'Shop ơi cho hỏi bảo hành?');
    const id = conversation.id;
    try {
      await new Promise((r) => setTimeout(r, 800));
      const c = (await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.an })).body.conversation;
      assert.equal(c.status, 'waiting', `with every agent away the conversation should wait, got ${c.status} (${c.assigneeName})`);
      await page.click(rowSel(id));
      await page.locator('[data-testid="claim-button"]').waitFor();
      await waitText(page, '[data-testid="owner-banner"]', 'Chưa có ai phụ trách');
      // Bình wins the race; An's screen does not hear about it before clicking
      ws.dropUpdatesFor = id;
      const won = await api.call('POST', `/conversations/${id}/claim`, { token: ctx.tokens.binh });
      assert.equal(won.status, 200, JSON.stringify(won.body));
      await page.click('[data-testid="claim-button"]');
      await page.locator('[data-testid="action-error"]').waitFor();
      const shown = (await page.locator('[data-testid="action-error"]').textContent()).trim();
      const refusal = await api.call('POST', `/conversations/${id}/claim`, { token: ctx.tokens.an });
      assert.equal(refusal.status, 409);
      assert.equal(refusal.body.error.code, 'already_assigned');
      assert.equal(shown, refusal.body.error.message, 'the server message is shown as is');
      await waitText(page, '[data-testid="owner-banner"]', 'Bình đang trả lời');
      assert.equal(await page.locator('[data-testid="composer-input"]').isDisabled(), true);
      await shot(page, '15-claim-race-lost');
      ws.dropUpdatesFor = null;

      // Bình hands it to An
      const tr = await api.call('POST', `/conversations/${id}/transfer`, { token: ctx.tokens.binh, body: { agentId: ctx.agents.an.id } });
      assert.equal(tr.status, 200, JSON.stringify(tr.body));
      await page.waitForFunction(() => !document.querySelector('[data-testid="composer-input"]').disabled);

      // a send refused by the server → failed, then "Thử lại" with the same clientId
      ws.failSends = true;
      const t1 = 'Bên em bảo hành 12 tháng ạ.';
      await page.fill('[data-testid="composer-input"]', t1);
      await page.press('[data-testid="composer-input"]', 'Enter');
      await page.locator('[data-testid="pending-message"][data-status="failed"]', { hasText: t1 }).waitFor();
      await waitText(page, '[data-testid="pending-message"]', 'Hệ thống đang bận');
      await shot(page, '16-send-failed');
      ws.failSends = false;
      await page.locator('[data-testid="pending-message"] >> text=Thử lại').click();
      await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: t1 }).waitFor();
      assert.equal(await page.locator('[data-testid="pending-message"]').count(), 0);

      // a send whose ack never comes stays pending; after the socket drops it is resent (same clientId) once
      ws.holdSends = true;
      const t2 = 'Anh gửi giúp em số serial nhé.';
      await page.fill('[data-testid="composer-input"]', t2);
      await page.press('[data-testid="composer-input"]', 'Enter');
      await page.locator('[data-testid="pending-message"][data-status="pending"]', { hasText: t2 }).waitFor();
      await eventually(() => ws.held.length === 1, { message: 'held message.send' });
      ws.holdSends = false;
      ws.route.close({ code: 1011, reason: 'test drop' });
      await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: t2 }).waitFor({ timeout: 20000 });
      const stored = await api.call('GET', `/conversations/${id}/messages?after=0`, { token: ctx.tokens.admin });
      assert.equal(stored.body.items.filter((m) => m.text === t1).length, 1, 'retried message stored once');
      assert.equal(stored.body.items.filter((m) => m.text === t2).length, 1, 'resent message stored once');
      assert.equal(stored.body.items.find((m) => m.text === t2).clientId, ws.held[0].data.clientId, 'resent with the same clientId');
    } finally {
      for (const k of ['an', 'binh', 'admin']) await api.call('PUT', '/agents/me/status', { token: ctx.tokens[k], body: { status: 'online' } });
      await page.context().close();
    }
  });

  it('an invalid or expired session goes back to login with a message', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.baseUrl}/dashboard/login`);
    await page.evaluate(() => localStorage.setItem('chatdesk.auth', JSON.stringify({
      token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.invalid',
      expiresAt: new Date(Date.now() + 3600e3).toISOString(),
      agent: { id: 'x', name: 'X', role: 'agent' },
    })));
    await page.goto(`${server.baseUrl}/dashboard/inbox`);
    await page.waitForURL(/\/dashboard\/login/);
    await waitText(page, 'body', SESSION_EXPIRED);
    await shot(page, '12-session-expired');
  });

  it('shows "Đang kết nối lại…" while the server is down and resumes the open thread after', async () => {
    const page = ctx.pageAn;
    const id = ctx.conv2.conversation.id;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    await waitText(page, '[data-testid="thread"]', 'phí giao hàng');
    await server.stop();
    await page.locator('[data-testid="connection-banner"]').waitFor({ timeout: 15000 });
    assert.match(await page.locator('[data-testid="connection-banner"]').textContent(), /Đang kết nối lại…/);
    await shot(page, '13-reconnecting');
    await server.start();
    await page.locator('[data-testid="connection-banner"]').waitFor({ state: 'detached', timeout: 40000 });
    assert.match(page.url(), /\/dashboard\/inbox\//, 'still logged in after the restart');
    // a visitor message sent after the restart reaches the open thread (rejoin with afterSeq)
    const text = 'Tôi vẫn đang chờ ạ';
    const r = await api.call('POST', `/conversations/${id}/messages`, { token: ctx.conv2.visitorToken, body: { text, clientId: 'after-restart-1' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await page.locator('[data-testid="message"][data-sender="visitor"]', { hasText: text }).waitFor({ timeout: 15000 });
  });
});

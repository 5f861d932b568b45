// Browser tests of the dashboard's support features (docs/api.md "Support
// features"): canned replies, priority and tags, rating, statistics,
// attachments and the bot settings. Real headless Chromium against the real
// dev server (bin/chatdesk-dev) on a free port with a fresh data dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, ensureDashboardBuilt, ARTIFACTS } from './lib/server.js';
import { apiClient, eventually } from './lib/api.js';
import { formatDuration } from '../../web-dashboard/src/lib/format/index.js';

const PASSWORD = 'matkhau123';

let server;
let api;
let browser;
const ctx = {};

const rowSel = (id) => `[data-testid="conversation-row"][data-conversation-id="${id}"]`;
const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on('pageerror', (err) => console.error(`[browser error] ${err.message}`));
  return page;
}

async function loginUi(page, email) {
  await page.goto(`${server.baseUrl}/dashboard/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard\/inbox/);
  await page.locator('[data-testid="me-name"]').waitFor();
}

function uniquePhone() {
  return '09' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}

async function createConversation(name, message = 'Xin chào shop') {
  const r = await api.call('POST', '/conversations', { body: { fields: { name, phone: uniquePhone(), message } } });
  assert.equal(r.status, 201, `POST /api/conversations → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Makes An the owner whatever round robin did (claim, or an admin transfer). */
async function ownByAn(id) {
  return eventually(async () => {
    const c = (await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.an })).body.conversation;
    if (c.assigneeId === ctx.agents.an.id) return c;
    if (!c.assigneeId) await api.call('POST', `/conversations/${id}/claim`, { token: ctx.tokens.an });
    else await api.call('POST', `/conversations/${id}/transfer`, { token: ctx.tokens.admin, body: { agentId: ctx.agents.an.id } });
    return false;
  }, { message: `An owns ${id}` });
}

const visibleRowIds = (page) =>
  page.$$eval('[data-testid="conversation-row"]', (els) => els.map((e) => e.dataset.conversationId));

describe('dashboard support features', { timeout: 5 * 60 * 1000 }, () => {
  before(async () => {
    ensureDashboardBuilt();
    server = await startServer();
    api = apiClient(server.baseUrl);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      headless: true,
    });
    const [an, binh, admin] = await Promise.all([
      api.login('an@chatdesk.local'),
      api.login('binh@chatdesk.local'),
      api.login('admin@chatdesk.local'),
    ]);
    ctx.agents = { an: an.agent, binh: binh.agent, admin: admin.agent };
    ctx.tokens = { an: an.token, binh: binh.token, admin: admin.token };
    ctx.pageAn = await newPage();
    ctx.pageAdmin = await newPage();
    await Promise.all([loginUi(ctx.pageAn, 'an@chatdesk.local'), loginUi(ctx.pageAdmin, 'admin@chatdesk.local')]);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  it('canned replies: admin creates shared ones (409 on a taken shortcut); "/xin" in the composer inserts one that is sent and stored', async () => {
    const admin = ctx.pageAdmin;
    await admin.click('nav >> text=Trả lời chung');
    await admin.waitForURL(/\/admin\/canned/);
    const add = async (shortcut, title, text) => {
      await admin.fill('#new-shortcut', shortcut);
      await admin.fill('#new-title', title);
      await admin.fill('#new-text', text);
      await admin.click('[data-testid="canned-new-form"] [data-testid="canned-save"]');
    };
    await add('xinchao', 'Lời chào', 'Xin chào anh/chị, em có thể giúp gì ạ?');
    await admin.locator('[data-testid="canned-item"][data-shortcut="xinchao"]').waitFor();
    await add('xinloi', 'Xin lỗi vì chờ lâu', 'Em xin lỗi vì để anh/chị chờ lâu ạ.');
    await admin.locator('[data-testid="canned-item"][data-shortcut="xinloi"]').waitFor();
    // a taken shortcut: the server's 409 message on the shortcut field
    await add('XinChao', 'Trùng', 'Trùng phím tắt');
    await admin.locator('[data-testid="canned-new-form"]', { hasText: 'Phím tắt này đã được sử dụng.' }).waitFor();
    const shared = await api.call('GET', '/admin/canned-replies', { token: ctx.tokens.admin });
    assert.deepEqual(shared.body.items.map((r) => r.shortcut).sort(), ['xinchao', 'xinloi']);

    const { conversation } = await createConversation('Khách Trả Lời Nhanh');
    await ownByAn(conversation.id);
    const page = ctx.pageAn;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    const input = page.locator('[data-testid="composer-input"]');
    await eventually(async () => !(await input.isDisabled()), { message: 'composer enabled' });
    await input.click();
    await input.pressSequentially('Dạ /xin');
    await page.locator('[data-testid="canned-option"]').nth(1).waitFor();
    assert.deepEqual(await page.$$eval('[data-testid="canned-option"]', (els) => els.map((e) => e.dataset.shortcut)), ['xinchao', 'xinloi']);
    // arrows move the selection, Esc closes, Enter inserts (replacing "/xin")
    await input.press('ArrowDown');
    assert.equal(await page.locator('[data-testid="canned-option"][aria-selected="true"]').getAttribute('data-shortcut'), 'xinloi');
    await input.press('Escape');
    await page.locator('[data-testid="canned-picker"]').waitFor({ state: 'detached' });
    await input.press('Backspace');
    await input.pressSequentially('nc');
    await page.locator('[data-testid="canned-option"][data-shortcut="xinchao"]').waitFor();
    assert.equal(await page.locator('[data-testid="canned-option"]').count(), 1);
    await input.press('Enter');
    assert.equal(await input.inputValue(), 'Dạ Xin chào anh/chị, em có thể giúp gì ạ?');
    assert.equal(await page.locator('[data-testid="canned-picker"]').count(), 0);
    // mouse pick on a second line
    await input.press('Shift+Enter');
    await input.pressSequentially('/xinl');
    await page.locator('[data-testid="canned-option"][data-shortcut="xinloi"]').click();
    const expected = 'Dạ Xin chào anh/chị, em có thể giúp gì ạ?\nEm xin lỗi vì để anh/chị chờ lâu ạ.';
    assert.equal(await input.inputValue(), expected);
    await input.press('Enter');
    await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'Em xin lỗi vì để anh/chị chờ lâu ạ.' }).waitFor();
    const msgs = await api.call('GET', `/conversations/${conversation.id}/messages?after=0`, { token: ctx.tokens.an });
    const stored = msgs.body.items.find((m) => m.senderType === 'agent');
    assert.ok(stored, 'agent message stored');
    assert.equal(stored.text, expected);
    assert.equal(stored.senderId, ctx.agents.an.id);
  });

  it('priority and tags: set in the UI (server validation shown), live badges, inbox filters by tag and priority, sort by priority', async () => {
    const page = ctx.pageAn;
    const [a, b, c] = await Promise.all([
      createConversation('Khách Ưu Tiên A'),
      createConversation('Khách Ưu Tiên B'),
      createConversation('Khách Ưu Tiên C'),
    ]);
    ctx.convA = a;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${a.conversation.id}`);
    for (const x of [a, b, c]) await page.locator(rowSel(x.conversation.id)).waitFor();
    await page.locator('[data-testid="triage-panel"]').waitFor();
    await page.selectOption('[data-testid="priority-select"]', 'urgent');
    await page.locator(`${rowSel(a.conversation.id)} [data-testid="priority-badge"][data-priority="urgent"]`).waitFor();
    await page.fill('[data-testid="tag-input"]', '  Khách   VIP ');
    await page.press('[data-testid="tag-input"]', 'Enter');
    await page.locator('[data-testid="tag-chip"][data-tag="khách vip"]').waitFor();
    await page.fill('[data-testid="tag-input"]', 'đổi trả');
    await page.press('[data-testid="tag-input"]', 'Enter');
    await page.locator('[data-testid="tag-chip"][data-tag="đổi trả"]').waitFor();
    // a malformed tag: the server's message under the tag field, nothing stored
    await page.fill('[data-testid="tag-input"]', 'sai!nhãn');
    await page.press('[data-testid="tag-input"]', 'Enter');
    const tagError = await page.locator('[data-testid="tag-error"]').textContent();
    assert.ok(tagError.length > 0, 'tag error shown');
    assert.equal(await page.locator('[data-testid="tag-chip"]').count(), 2);
    // remove with ×
    await page.click('[aria-label="Xoá nhãn đổi trả"]');
    await page.locator('[data-testid="tag-chip"][data-tag="đổi trả"]').waitFor({ state: 'detached' });
    const stored = (await api.call('GET', `/conversations/${a.conversation.id}`, { token: ctx.tokens.an })).body.conversation;
    assert.equal(stored.priority, 'urgent');
    assert.deepEqual(stored.tags, ['khách vip']);
    await page.fill('[data-testid="tag-input"]', '');
    await shot(page, 'support-conversation-priority-tags');

    // another agent triages B: live conversation.updated (priority / tags) reaches An's inbox
    const patch = await api.call('PATCH', `/conversations/${b.conversation.id}`, { token: ctx.tokens.binh, body: { priority: 'high', tags: ['giao hàng'] } });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    await page.locator(`${rowSel(b.conversation.id)} [data-testid="priority-badge"][data-priority="high"]`).waitFor();
    await page.locator(`${rowSel(b.conversation.id)} [data-testid="tag"]`, { hasText: '#giao hàng' }).waitFor();

    // filter by tag (typed unnormalised), then by priority
    await page.fill('[data-testid="inbox-filter-tag"]', 'KHÁCH VIP');
    await page.press('[data-testid="inbox-filter-tag"]', 'Enter');
    await eventually(async () => JSON.stringify(await visibleRowIds(page)) === JSON.stringify([a.conversation.id]), { message: 'tag filter shows only A' });
    await page.fill('[data-testid="inbox-filter-tag"]', '');
    await page.selectOption('[data-testid="inbox-filter-priority"]', 'high');
    await eventually(async () => JSON.stringify(await visibleRowIds(page)) === JSON.stringify([b.conversation.id]), { message: 'priority filter shows only B' });
    await page.selectOption('[data-testid="inbox-filter-priority"]', '');
    await eventually(async () => (await visibleRowIds(page)).includes(c.conversation.id), { message: 'filters cleared' });

    // sort by priority: in every section, ranks never go up; A (Khẩn cấp) heads its section
    await page.selectOption('[data-testid="inbox-sort"]', 'priority');
    const sections = await page.$$eval('section[data-testid^="section-"]', (secs) =>
      secs.map((s) => [...s.querySelectorAll('[data-testid="conversation-row"]')].map((r) => ({
        id: r.dataset.conversationId,
        p: r.querySelector('[data-testid="priority-badge"]')?.dataset.priority || 'normal',
      }))));
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 };
    for (const rows of sections) {
      for (let i = 1; i < rows.length; i += 1) assert.ok(rank[rows[i - 1].p] <= rank[rows[i].p], `sorted by priority: ${JSON.stringify(rows)}`);
    }
    const withA = sections.find((rows) => rows.some((r) => r.id === a.conversation.id));
    assert.equal(withA[0].id, a.conversation.id);
    assert.equal((await page.locator(rowSel(a.conversation.id)).textContent()).includes('Khẩn cấp'), true);
    await page.selectOption('[data-testid="inbox-sort"]', 'recent');

    // history search with priority and tag filters
    await page.goto(`${server.baseUrl}/dashboard/history?priority=urgent&tag=kh%C3%A1ch%20vip`);
    await page.locator(`[data-testid="history-row"][data-conversation-id="${a.conversation.id}"]`).waitFor();
    assert.deepEqual(await page.$$eval('[data-testid="history-row"]', (els) => els.map((e) => e.dataset.conversationId)), [a.conversation.id]);
    await page.goto(`${server.baseUrl}/dashboard/history?priority=high`);
    await page.locator(`[data-testid="history-row"][data-conversation-id="${b.conversation.id}"]`).waitFor();
    assert.deepEqual(await page.$$eval('[data-testid="history-row"]', (els) => els.map((e) => e.dataset.conversationId)), [b.conversation.id]);
  });

  it('rating: shown live on the conversation view after the visitor rates via REST', async () => {
    const page = ctx.pageAn;
    const { conversation, visitorToken } = ctx.convA;
    await ownByAn(conversation.id);
    const res = await api.call('POST', `/conversations/${conversation.id}/resolve`, { token: ctx.tokens.an });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    await page.locator('[data-testid="rating-block"]', { hasText: 'Chưa có đánh giá.' }).waitFor();
    const rated = await api.call('POST', `/conversations/${conversation.id}/rating`, { token: visitorToken, body: { stars: 4, comment: 'Tư vấn nhiệt tình' } });
    assert.equal(rated.status, 200, JSON.stringify(rated.body));
    await page.locator('[data-testid="rating-block"] [data-testid="rating-stars"][data-stars="4"]').waitFor();
    assert.match(await page.locator('[data-testid="rating-comment"]').textContent(), /Tư vấn nhiệt tình/);
    await page.locator('[data-testid="message"][data-sender="system"]', { hasText: 'Khách đã đánh giá 4 sao.' }).waitFor();
    // rating again replaces it (change "rated" again)
    await api.call('POST', `/conversations/${conversation.id}/rating`, { token: visitorToken, body: { stars: 5 } });
    await page.locator('[data-testid="rating-block"] [data-testid="rating-stars"][data-stars="5"]').waitFor();
    ctx.ratedId = conversation.id;
  });

  it('statistics page shows the figures of GET /api/admin/stats; a bad range shows the API errors', async () => {
    const page = ctx.pageAdmin;
    // firstResponseAt is written with the coalesced activity update (~200 ms)
    const stats = await eventually(async () => {
      const r = await api.call('GET', '/admin/stats', { token: ctx.tokens.admin });
      return r.status === 200 && r.body.medianFirstResponseSeconds !== null && r.body.ratings.count >= 1 && r.body;
    }, { message: 'stats settled' });
    assert.ok(stats.totalConversations >= 4, JSON.stringify(stats));
    await page.click('nav >> text=Thống kê');
    await page.waitForURL(/\/admin\/stats/);
    await page.locator('[data-testid="stats-content"]').waitFor();
    const text = async (id) => (await page.locator(`[data-testid="${id}"]`).textContent()).trim();
    assert.equal(await page.locator('[data-testid="stats-content"]').getAttribute('data-from'), stats.from);
    assert.equal(await page.locator('[data-testid="stats-content"]').getAttribute('data-to'), stats.to);
    assert.equal(await text('stat-total'), String(stats.totalConversations));
    assert.equal(await text('stat-waiting'), String(stats.waitingNow));
    assert.equal(await text('stat-resolved'), String(stats.resolved));
    assert.equal(await text('stat-first-response'), formatDuration(stats.medianFirstResponseSeconds));
    assert.equal(await text('stat-resolution'), formatDuration(stats.medianResolutionSeconds));
    assert.match(await text('stat-first-response'), /giây|phút/);
    // one bar per day, with the day's count and an accessible label
    const bars = await page.$$eval('[data-testid="per-day-chart"] [data-testid="bar"]', (els) => els.map((e) => Number(e.dataset.value)));
    assert.deepEqual(bars, stats.conversationsPerDay.map((d) => d.count));
    assert.equal(bars.length, 7);
    const today = stats.conversationsPerDay[6];
    const label = await page.locator('[data-testid="per-day-chart"] [data-testid="bar"] rect').nth(6).getAttribute('aria-label');
    assert.equal(label, `${today.date.slice(8, 10)}/${today.date.slice(5, 7)}/${today.date.slice(0, 4)}: ${today.count}`);
    assert.equal(await text('rating-count'), String(stats.ratings.count));
    for (const s of ['1', '2', '3', '4', '5']) {
      assert.equal(await page.locator(`[data-testid="rating-distribution"] [data-dist-stars="${s}"]`).getAttribute('data-count'), String(stats.ratings.distribution[s]));
    }
    const rows = await page.$$eval('[data-testid="per-agent-row"]', (els) => els.map((e) => ({
      agentId: e.dataset.agentId,
      conversations: Number(e.querySelector('[data-col="conversations"]').textContent),
      resolved: Number(e.querySelector('[data-col="resolved"]').textContent),
      ratings: Number(e.querySelector('[data-col="ratings"]').textContent),
    })));
    assert.deepEqual(rows, stats.perAgent.map((a) => ({ agentId: a.agentId, conversations: a.conversations, resolved: a.resolved, ratings: a.ratings })));
    assert.ok(rows.some((r) => r.agentId === ctx.agents.an.id && r.ratings === 1));
    await shot(page, 'support-stats');

    // from after to: the API's field errors are shown
    await page.fill('input[name="from"]', '2026-11-20');
    await page.fill('input[name="to"]', '2026-11-10');
    await page.click('[data-testid="stats-apply"]');
    await page.locator('[data-testid="stats-error"]').waitFor();
    const bad = await api.call('GET', '/admin/stats?from=2026-11-20&to=2026-11-10', { token: ctx.tokens.admin });
    assert.equal(bad.status, 400);
    const shown = await page.locator('[role="alert"]').textContent();
    assert.ok(shown.includes(bad.body.error.message), shown);
    for (const f of Object.values(bad.body.error.fields || {})) assert.ok(shown.includes(f), `field error "${f}" shown`);
  });
});

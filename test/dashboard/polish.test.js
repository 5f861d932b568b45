// Sounds, unread badges and the sign-out warning in the dashboard (#15
// polish). Sign-out: an agent who still owns open conversations is asked first.
// "Kết thúc": the resolve is sent after a 5 s undo window; a reload sends it. Badges: only on
// one's own conversations and the queue, none on another agent's. Sounds: one sound per event — a new chat is
// one sound for its owner and one for another agent, while the tab is
// visible; a visitor message sounds for the owner only; each agent's setting
// (on / off / only when the tab is hidden) is kept in the browser. The sound is
// counted in the page: every beep starts two WebAudio oscillators, counted by
// an init script wrapping AudioContext.prototype.createOscillator.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, loginUi, newPage, uniquePhone, rowSel } from './lib/browser.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

const OSCILLATORS_PER_BEEP = 2;

let server;
let api;
let browser;
let ctx;

function countOscillators() {
  window.__oscillators = 0;
  const proto = (window.BaseAudioContext || window.AudioContext).prototype;
  const create = proto.createOscillator;
  proto.createOscillator = function createOscillator(...args) {
    window.__oscillators++;
    return create.apply(this, args);
  };
}

// Signed in and online: the sound tests need the agent's socket up.
async function signIn(page, baseUrl, email) {
  await loginUi(page, baseUrl, email);
  await page.locator('[aria-label="Trạng thái của bạn"][data-status="online"]').waitFor();
}

const beeps = async (page) => (await page.evaluate(() => window.__oscillators)) / OSCILLATORS_PER_BEEP;
const resetBeeps = (page) => page.evaluate(() => { window.__oscillators = 0; });
const settle = () => new Promise((r) => setTimeout(r, 2500)); // the frames that follow an event

async function createConversation(name, message) {
  const r = await api.call('POST', '/conversations', { body: { fields: { name, phone: uniquePhone(), message } } });
  assert.equal(r.status, 201, `POST /api/conversations → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

describe('dashboard: sounds, unread badges, undo of Kết thúc, sign-out warning (#15)', { timeout: 5 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ pages: ['an', 'binh'], initScript: countOscillators, browserArgs: ['--autoplay-policy=no-user-gesture-required'], signIn });
    ({ server, api, browser } = ctx);
  });

  after(() => ctx?.close());

  it('one new chat plays exactly one sound for its owner and one for another agent, tab visible; a visitor message sounds for the owner only', async () => {
    assert.equal(await ctx.pages.an.evaluate(() => document.visibilityState), 'visible');
    await Promise.all([resetBeeps(ctx.pages.an), resetBeeps(ctx.pages.binh)]);
    const { conversation, visitorToken } = await createConversation('Đỗ Minh Khoa', 'Shop còn áo size L không?');
    await Promise.all([ctx.pages.an.locator(rowSel(conversation.id)).waitFor(), ctx.pages.binh.locator(rowSel(conversation.id)).waitFor()]);
    // An owns it, whatever round robin did (the assignment is one more frame).
    await ctx.own(conversation.id);
    await settle();
    assert.equal(await beeps(ctx.pages.an), 1, 'the owner hears one sound for one new chat');
    assert.equal(await beeps(ctx.pages.binh), 1, 'another agent hears one sound for one new chat');

    await Promise.all([resetBeeps(ctx.pages.an), resetBeeps(ctx.pages.binh)]);
    const r = await api.call('POST', `/conversations/${conversation.id}/messages`, { token: visitorToken, body: { text: 'Mình lấy 2 cái nhé', clientId: 'v-snd-1' } });
    assert.ok([200, 201].includes(r.status), JSON.stringify(r.body));
    await eventually(async () => (await beeps(ctx.pages.an)) >= 1, { message: 'the owner hears the visitor' });
    await settle();
    assert.equal(await beeps(ctx.pages.an), 1, 'one sound for one visitor message');
    assert.equal(await beeps(ctx.pages.binh), 0, "another agent's conversation is silent");
  });

  it('the setting: off is silent, "only when the tab is hidden" is silent while visible, kept after a reload', async () => {
    const page = ctx.pages.binh;
    await page.selectOption('[data-testid="sound-mode"]', 'off');
    await resetBeeps(page);
    const a = await createConversation('Vũ Thị Lan', 'Cho mình hỏi phí ship');
    await page.locator(rowSel(a.conversation.id)).waitFor();
    await settle();
    assert.equal(await beeps(page), 0, 'off: no sound');

    await page.selectOption('[data-testid="sound-mode"]', 'hidden');
    await resetBeeps(page);
    const b = await createConversation('Hoàng Văn Tùng', 'Có giao hàng tối không?');
    await page.locator(rowSel(b.conversation.id)).waitFor();
    await settle();
    assert.equal(await beeps(page), 0, 'only when hidden: the tab is visible, no sound');

    await page.reload();
    await page.locator('[data-testid="me-name"]').waitFor();
    assert.equal(await page.locator('[data-testid="sound-mode"]').inputValue(), 'hidden', 'kept in this browser');
    // Another agent's setting is their own.
    assert.equal(await ctx.pages.an.locator('[data-testid="sound-mode"]').inputValue(), 'on');
  });

  it("unread badges: on the owner's row, none on another agent's row", async () => {
    const { conversation, visitorToken } = await createConversation('Phan Quốc Bảo', 'Áo này có màu đen không?');
    await ctx.own(conversation.id);
    // Both look at another page of the inbox (nobody reads the conversation).
    for (const page of [ctx.pages.an, ctx.pages.binh]) await page.goto(`${server.baseUrl}/dashboard/inbox`);
    for (const text of ['Còn size M không?', 'Mình ở Đà Nẵng']) {
      const r = await api.call('POST', `/conversations/${conversation.id}/messages`, { token: visitorToken, body: { text, clientId: 'v-badge-' + text.length } });
      assert.ok([200, 201].includes(r.status), JSON.stringify(r.body));
    }
    const anRow = ctx.pages.an.locator(rowSel(conversation.id));
    await anRow.locator('[data-testid="row-unread"]').waitFor();
    assert.match(await anRow.locator('[data-testid="row-unread"]').textContent(), /^[1-9]\d*$/);
    const binhRow = ctx.pages.binh.locator(rowSel(conversation.id));
    await binhRow.locator('text=Mình ở Đà Nẵng').waitFor();
    assert.equal(await binhRow.locator('[data-testid="row-unread"]').count(), 0, "no badge on another agent's conversation");
  });

  it('"Kết thúc" offers an undo: nothing is sent before the window ends; undone stays open; a reload sends it', async () => {
    const { conversation } = await createConversation('Ngô Bảo Châu', 'Mình muốn đổi địa chỉ giao');
    await ctx.own(conversation.id);
    const status = async () => (await api.call('GET', `/conversations/${conversation.id}`, { token: ctx.tokens.admin })).body.conversation.status;
    const page = ctx.pages.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conversation.id}`);
    await page.click('[data-testid="resolve-button"]');
    const bar = page.locator('[data-testid="resolve-undo-bar"]');
    await bar.waitFor();
    assert.match(await bar.textContent(), /Đã kết thúc cuộc trò chuyện với Ngô Bảo Châu/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.notEqual(await status(), 'resolved', 'not sent during the undo window');
    await page.click('[data-testid="resolve-undo"]');
    await bar.waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 6000));
    assert.notEqual(await status(), 'resolved', 'undone: never sent');

    // Left alone, it is sent when the window ends.
    await page.click('[data-testid="resolve-button"]');
    await bar.waitFor();
    await page.locator('[data-testid="reopen-button"]').waitFor({ timeout: 15000 });
    assert.equal(await status(), 'resolved');
    await bar.waitFor({ state: 'detached' });

    // A reload during the window sends it at once (keepalive as the page goes).
    const r = await api.call('POST', `/conversations/${conversation.id}/reopen`, { token: ctx.tokens.an });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await page.reload();
    await page.locator('[data-testid="resolve-button"]').click();
    await bar.waitFor();
    await page.reload();
    await eventually(async () => (await status()) === 'resolved', { timeout: 4000, message: 'the resolve sent as the page reloaded' });
  });

  it('"Đăng xuất" warns an agent who still owns open conversations; without any it signs out at once', async () => {
    const page = ctx.pages.an; // owns the conversations above
    await page.click('[data-testid="logout-button"]');
    const dialog = page.locator('[data-testid="logout-dialog"]');
    await dialog.waitFor();
    assert.match(await page.locator('[data-testid="logout-warning"]').textContent(), /Bạn còn [1-9]\d* cuộc trò chuyện đang mở/);
    await page.click('[data-testid="logout-stay"]');
    await dialog.waitFor({ state: 'hidden' });
    assert.match(page.url(), /\/dashboard\/inbox/);
    await page.click('[data-testid="logout-button"]');
    await page.click('[data-testid="logout-confirm"]');
    await page.waitForURL(/\/dashboard\/login/);

    const admin = await newPage(browser, DESKTOP, { initScript: countOscillators }); // owns nothing
    await signIn(admin, server.baseUrl, 'admin@chatdesk.local');
    await admin.click('[data-testid="logout-button"]');
    await admin.waitForURL(/\/dashboard\/login/);
    await admin.context().close();
  });
});

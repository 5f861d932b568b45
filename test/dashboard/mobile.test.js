// The #15 agent tools on a 390×844 touch screen: the internal-note
// composer with its @mention picker, the undo bar of "Kết thúc" and the
// sign-out warning must be usable on a phone — on screen, not clipped, not
// covered — not only at 1366×800 where the other files drive them. Real
// headless Chromium against the dev server (bin/chatdesk-dev).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS } from './lib/server.js';
import { MOBILE, uniquePhone } from './lib/browser.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

let server;
let api;
let ctx;

/** Fails unless the element is wholly inside the 390×844 viewport. */
async function assertOnScreen(locator, what) {
  await locator.waitFor();
  const box = await locator.boundingBox();
  assert.ok(box, `${what}: no box`);
  const { width, height } = MOBILE.viewport;
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5,
    `${what} is off screen: ${JSON.stringify(box)}`);
}

async function ownedByAn() {
  const r = await api.call('POST', '/conversations', { body: { fields: { name: 'Khách Điện Thoại', phone: uniquePhone(), message: 'Shop ơi còn hàng không?' } } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.conversation.id;
  await ctx.own(id);
  return { id, visitorToken: r.body.visitorToken };
}

describe('dashboard on a 390×844 phone: notes, undo of Kết thúc, sign-out warning (#15)', { timeout: 4 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ pages: ['an', 'binh'], pageOptions: MOBILE });
    ({ server, api } = ctx);
  });

  after(() => ctx?.close());

  it('a non-owner writes a note with an @mention on a phone: toggle, picker and note are on screen', async () => {
    const { id, visitorToken } = await ownedByAn();
    const page = ctx.pages.binh;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    const toggle = page.locator('[data-testid="note-toggle"]');
    await assertOnScreen(toggle, 'note toggle');
    await toggle.tap();
    const input = page.locator('[data-testid="composer-input"]');
    await eventually(async () => !(await input.isDisabled()), { message: 'note box enabled' });
    await input.tap();
    await input.pressSequentially('Nhờ @' + ctx.agents.an.name.slice(0, 1));
    const option = page.locator(`[data-testid="mention-option"][data-agent-id="${ctx.agents.an.id}"]`);
    await assertOnScreen(option, 'mention option');
    await option.tap();
    assert.equal(await input.inputValue(), `Nhờ @${ctx.agents.an.name} `);
    await input.pressSequentially('gọi lại khách');
    await input.press('Enter');
    const note = page.locator('[data-testid="note"]', { hasText: 'gọi lại khách' });
    await assertOnScreen(note, 'the sent note');
    await page.screenshot({ path: path.join(ARTIFACTS, 'mobile-note.png') });
    const history = await api.call('GET', `/conversations/${id}/messages`, { token: visitorToken });
    assert.ok(history.body.items.every((m) => !m.note && !m.text.includes('gọi lại khách')), 'the visitor never gets the note');
  });

  it('"Kết thúc" on a phone: the undo bar is on screen and undoes; "Đăng xuất" warns with a dialog that fits', async () => {
    const { id } = await ownedByAn();
    const page = ctx.pages.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    await page.locator('[data-testid="resolve-button"]').tap();
    const bar = page.locator('[data-testid="resolve-undo-bar"]');
    await assertOnScreen(page.locator('[data-testid="resolve-undo"]'), 'undo button');
    await page.screenshot({ path: path.join(ARTIFACTS, 'mobile-undo.png') });
    await page.locator('[data-testid="resolve-undo"]').tap();
    await bar.waitFor({ state: 'detached' });
    const status = (await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.admin })).body.conversation.status;
    assert.notEqual(status, 'resolved');

    const logout = page.locator('[data-testid="logout-button"]');
    await assertOnScreen(logout, 'sign-out button');
    await logout.tap();
    await assertOnScreen(page.locator('[data-testid="logout-warning"]'), 'sign-out warning');
    await assertOnScreen(page.locator('[data-testid="logout-stay"]'), '"stay" button');
    await assertOnScreen(page.locator('[data-testid="logout-confirm"]'), '"sign out" button');
    await page.screenshot({ path: path.join(ARTIFACTS, 'mobile-logout.png') });
    await page.locator('[data-testid="logout-stay"]').tap();
    await page.locator('[data-testid="logout-dialog"]').waitFor({ state: 'hidden' });
    assert.match(page.url(), /\/dashboard\/inbox/);
  });
});

// Browser test of takeover requests (docs/api.md "Takeover requests"):
// two agents and an admin in three browsers. Bình, not the owner, asks
// with "Xin nhận cuộc trò chuyện"; An sees the prompt (requester's name,
// countdown) and declines, then accepts a second request; the admin takes
// the conversation with "Nhận ngay". Each step shows in the agents'
// transcript; the visitor's history holds only the changes of owner. Real
// headless Chromium against the dev server (bin/chatdesk-dev).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ARTIFACTS } from './lib/server.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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
let server;
let api;
let ctx;

async function owner(id) {
  return (await api.call('GET', `/conversations/${id}`, { token: ctx.tokens.admin })).body.conversation.assigneeId;
}

describe('dashboard takeover requests', { timeout: 3 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ pages: ['an', 'binh', 'admin'] });
    ({ server, api } = ctx);
  });

  after(() => ctx?.close());

  it('request → decline, request → accept, admin "Nhận ngay"; the visitor sees only the changes of owner', async () => {
    const r = await api.call('POST', '/conversations', { body: { fields: { name: 'Khách Xin Nhận', phone: '0912000991', message: 'Cho em hỏi đơn hàng' } } });
    assert.equal(r.status, 201);
    const { conversation, visitorToken } = r.body;
    const id = conversation.id;
    await ctx.own(id);

    const an = ctx.pages.an;
    const binh = ctx.pages.binh;
    const admin = ctx.pages.admin;
    await Promise.all([an, binh, admin].map((p) => p.goto(`${server.baseUrl}/dashboard/inbox/${id}`)));
    // The owner has no takeover button; Bình has "Xin nhận", not "Nhận ngay".
    await binh.locator('[data-testid="takeover-request"]').waitFor();
    assert.equal(await an.locator('[data-testid="takeover-request"]').count(), 0);
    assert.equal(await binh.locator('[data-testid="takeover-force"]').count(), 0);
    assert.equal(await binh.locator('[data-testid="takeover-request"]').innerText(), 'Xin nhận cuộc trò chuyện');

    // 1. Bình asks; An is prompted with his name and a countdown, in a live region; An declines.
    await binh.click('[data-testid="takeover-request"]');
    await binh.locator('[data-testid="takeover-waiting"]').waitFor();
    assert.match(await binh.locator('[data-testid="takeover-waiting"]').innerText(), new RegExp(`Đang chờ ${ctx.agents.an.name} trả lời`));
    const prompt = an.locator('[data-testid="takeover-prompt"]');
    await prompt.waitFor();
    assert.match(await prompt.innerText(), new RegExp(`${ctx.agents.binh.name} xin nhận cuộc trò chuyện này`));
    const seconds = Number(await an.locator('[data-testid="takeover-countdown"]').innerText());
    assert.ok(seconds > 0 && seconds <= 60, `countdown ${seconds}`);
    assert.equal(await an.locator('[data-testid="takeover-bar"]').getAttribute('aria-live'), 'polite');
    await admin.locator('[data-testid="takeover-other"]').waitFor();
    await an.screenshot({ path: path.join(ARTIFACTS, 'takeover-prompt.png') });
    assert.deepEqual(await axeViolations(an), [], 'the owner\'s prompt');
    assert.deepEqual(await axeViolations(binh), [], 'the requester\'s pending state');
    assert.deepEqual(await axeViolations(admin), [], 'the admin\'s view with "Nhận ngay"');
    await an.click('[data-testid="takeover-decline"]');
    await binh.locator('[data-testid="takeover-ended"]', { hasText: `${ctx.agents.an.name} đã từ chối yêu cầu của bạn.` }).waitFor();
    assert.equal(await owner(id), ctx.agents.an.id);
    await an.locator('[data-testid="system-note"][data-notice="takeover_declined"]').waitFor();

    await eventually(async () => (await an.locator('[data-testid="takeover-toast"]').count()) === 0, { message: 'the toast goes with the request' });

    // 2. An is elsewhere; Bình asks again; An follows the toast and accepts: Bình may reply, An may not.
    await an.goto(`${server.baseUrl}/dashboard/inbox`);
    await an.locator('[data-testid="me-name"]').waitFor();
    await binh.click('[data-testid="takeover-request"]');
    const toast = an.locator('[data-testid="takeover-toast"]');
    await toast.waitFor();
    assert.match(await toast.innerText(), new RegExp(`${ctx.agents.binh.name} xin nhận cuộc trò chuyện của bạn`));
    await an.click('[data-testid="takeover-toast-link"]');
    await an.waitForURL(new RegExp(`/inbox/${id}$`));
    await an.click('[data-testid="takeover-accept"]');
    await binh.locator('[data-testid="takeover-ended"]', { hasText: 'bạn đang phụ trách cuộc trò chuyện' }).waitFor();
    await eventually(async () => !(await binh.locator('[data-testid="composer-input"]').isDisabled()), { message: 'Bình may reply' });
    await eventually(async () => an.locator('[data-testid="composer-input"]').isDisabled(), { message: 'An may no longer reply' });
    assert.equal(await owner(id), ctx.agents.binh.id);
    await binh.locator('[data-testid="message"][data-sender="system"]', { hasText: `${ctx.agents.binh.name} đã tiếp nhận cuộc trò chuyện từ ${ctx.agents.an.name}` }).waitFor();

    // 3. The admin takes over directly.
    await admin.click('[data-testid="takeover-force"]');
    await eventually(async () => (await owner(id)) === ctx.agents.admin.id, { message: 'the admin owns it' });
    await eventually(async () => !(await admin.locator('[data-testid="composer-input"]').isDisabled()), { message: 'the admin may reply' });
    await eventually(async () => binh.locator('[data-testid="composer-input"]').isDisabled(), { message: 'Bình may no longer reply' });
    await admin.screenshot({ path: path.join(ARTIFACTS, 'takeover-admin.png') });

    // The visitor: two changes of owner, no request, no refusal.
    const history = await api.call('GET', `/conversations/${id}/messages`, { token: visitorToken });
    assert.equal(history.status, 200);
    const items = history.body.items;
    assert.ok(items.every((m, i) => m.seq === i + 1 && !m.note && !/xin nhận|từ chối/i.test(m.text)), JSON.stringify(items));
    assert.equal(items.filter((m) => m.notice?.code === 'transferred' && m.text.includes('tiếp nhận')).length, 2, JSON.stringify(items));
  });
});

// Browser test of canned-reply variables (#15): two agents, each owning a
// conversation, insert the same shared reply written with {ten_khach},
// {ten_nhan_vien}, {sdt} and an unknown {ma_don}. The picker's preview shows
// the values of their own conversation and flags the unknown variable;
// once inserted, sending is blocked (button disabled, Enter does nothing)
// until the agent replaces it; the visitor then receives the filled text.
// Before any reply exists, the empty picker says where to create one.
// Real headless Chromium against the dev server (bin/chatdesk-dev).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS } from './lib/server.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

let server;
let api;
let ctx;

/** A new conversation owned by agent `who`, whatever round robin did. */
async function conversationOwnedBy(who, name, phone) {
  const r = await api.call('POST', '/conversations', { body: { fields: { name, phone, message: 'Cho em hỏi đơn hàng' } } });
  assert.equal(r.status, 201);
  const id = r.body.conversation.id;
  await ctx.own(id, who);
  return { id, visitorToken: r.body.visitorToken };
}

describe('dashboard canned-reply variables', { timeout: 3 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ pages: ['an', 'binh'] });
    ({ server, api } = ctx);
  });

  after(() => ctx?.close());

  it('with no reply yet, the picker says where to create one', async () => {
    const existing = await api.call('GET', '/canned-replies', { token: ctx.tokens.an });
    assert.equal(existing.body.items.length, 0, 'a fresh server has no canned reply');
    const { id } = await conversationOwnedBy('an', 'Khách Trống', '0912000601');
    const page = ctx.pages.an;
    await page.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    const input = page.locator('[data-testid="composer-input"]');
    await eventually(async () => !(await input.isDisabled()), { message: 'reply box enabled' });
    await input.click();
    await input.pressSequentially('/');
    const empty = page.locator('[data-testid="canned-empty"]');
    await empty.waitFor();
    assert.match(await empty.innerText(), /chưa có câu trả lời nhanh nào.*Trả lời nhanh/s);
    assert.match(await empty.locator('a').getAttribute('href'), /\/dashboard\/canned$/);
    await input.fill('');
  });

  it('two agents insert a reply with variables: filled preview, unknown flagged, sending blocked until fixed', async () => {
    const text = 'Chào {ten_khach}, em là {ten_nhan_vien}. Số của anh/chị: {sdt}. Mã đơn: {ma_don}';
    const created = await api.call('POST', '/admin/canned-replies', { token: ctx.tokens.admin, body: { shortcut: 'donhang', title: 'Hỏi mã đơn', text } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const convs = {
      an: { ...(await conversationOwnedBy('an', 'Trần Văn Hải', '0912000602')), visitor: 'Trần Văn Hải', phone: '0912000602' },
      binh: { ...(await conversationOwnedBy('binh', 'Lê Thị Mai', '0912000603')), visitor: 'Lê Thị Mai', phone: '0912000603' },
    };

    for (const who of ['an', 'binh']) {
      const page = ctx.pages[who];
      const c = convs[who];
      const me = ctx.agents[who].name;
      await page.goto(`${server.baseUrl}/dashboard/inbox/${c.id}`);
      const input = page.locator('[data-testid="composer-input"]');
      await eventually(async () => !(await input.isDisabled()), { message: `${who}: reply box enabled` });
      await input.click();
      await input.pressSequentially('/donh');
      await page.locator('[data-testid="canned-option"][data-shortcut="donhang"]').waitFor();
      const filled = `Chào ${c.visitor}, em là ${me}. Số của anh/chị: ${c.phone}. Mã đơn: {ma_don}`;
      assert.equal(await page.locator('[data-testid="canned-preview-text"]').innerText(), filled, `${who}: preview`);
      assert.equal(await page.locator('[data-testid="canned-preview-unknown"]').innerText(), 'Biến không xác định: {ma_don}');
      if (who === 'binh') await page.screenshot({ path: path.join(ARTIFACTS, 'canned-variables-preview.png') });
      await input.press('Enter'); // picks the reply
      assert.equal(await input.inputValue(), filled, `${who}: inserted text`);

      // Blocked: flagged next to the box, button disabled, Enter sends nothing.
      const flag = page.locator('[data-testid="canned-unfilled"]');
      await flag.waitFor();
      assert.match(await flag.innerText(), /Chưa điền được \{ma_don\}/);
      assert.equal(await input.getAttribute('aria-invalid'), 'true');
      assert.equal(await input.getAttribute('aria-describedby'), 'composer-unfilled');
      assert.ok(await page.locator('[data-testid="send-button"]').isDisabled(), `${who}: send disabled`);
      await input.press('Enter');
      assert.equal(await input.inputValue(), filled, `${who}: Enter did not send`);
      const agentMessages = async () => (await api.call('GET', `/conversations/${c.id}/messages`, { token: c.visitorToken })).body.items.filter((m) => m.senderType === 'agent');
      assert.equal((await agentMessages()).length, 0, `${who}: nothing reached the visitor`);

      // Fixed: the flag goes, the message is sent filled.
      const fixed = filled.replace('{ma_don}', who === 'an' ? 'DH1001' : 'DH2002');
      await input.fill(fixed);
      await eventually(async () => (await flag.count()) === 0, { message: `${who}: flag gone` });
      assert.ok(!(await page.locator('[data-testid="send-button"]').isDisabled()));
      await input.press('Enter');
      await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: fixed }).waitFor();
      const sent = await eventually(async () => {
        const items = await agentMessages();
        return items.length === 1 && items;
      }, { message: `${who}: the visitor has the reply` });
      assert.equal(sent[0].text, fixed);
      assert.ok(!sent[0].text.includes('{'), 'no raw variable sent');
    }
  });
});

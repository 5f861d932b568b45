// Browser test of one customer across conversations (docs/api.md
// "Contacts", issue #15): two agents. A returning customer's new
// conversation shows "Khách quen" in An's inbox row and in the side
// panel, with the earlier conversation (date dd/mm/yyyy, status, agent,
// first line) and the note written there; its link opens it. The admin
// detaches the conversation ("Tách khỏi khách này"): the mark goes, in the
// admin's panel and live in An's inbox. Real headless Chromium against the
// dev server (bin/chatdesk-dev) on a free port with a fresh data dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS } from './lib/server.js';
import { eventually } from './lib/api.js';
import { uniquePhone } from './lib/browser.js';
import { startDeskSuite } from './lib/suite.js';

let server;
let api;
let ctx;

/** dd/mm/yyyy in Vietnam's time zone, as the dashboard shows dates. */
function vnDate(iso) {
  const d = new Date(new Date(iso).getTime() + 7 * 3600 * 1000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

describe('dashboard contacts (returning customers)', { timeout: 3 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ pages: ['an', 'admin'] });
    ({ server, api } = ctx);
  });

  after(() => ctx?.close());

  it('shows a returning customer, opens the earlier conversation, and the admin detaches it', async () => {
    // The first visit: An answers and resolves it; Bình leaves a note.
    const phone = uniquePhone();
    const first = await api.call('POST', '/conversations', { body: { fields: { name: 'Chị Hoa', phone, message: 'Áo size M còn không shop?\nmàu đỏ' } } });
    assert.equal(first.status, 201);
    const firstId = first.body.conversation.id;
    await ctx.own(firstId);
    assert.equal((await api.call('POST', `/conversations/${firstId}/notes`, { token: ctx.tokens.binh, body: { clientId: 'n1', text: 'Khách hay đổi size, hỏi kỹ số đo' } })).status, 201);
    assert.equal((await api.call('POST', `/conversations/${firstId}/resolve`, { token: ctx.tokens.an })).status, 200);

    // She comes back, the phone typed another way.
    const second = await api.call('POST', '/conversations', { body: { fields: { name: 'Chị Hoa', phone: `+84 ${phone.slice(1)}`, message: 'Em muốn đổi áo' } } });
    assert.equal(second.status, 201);
    const secondId = second.body.conversation.id;
    // The visitor's answer never says so (a phone would otherwise be an
    // oracle for "has this number talked to the shop"); the agents' view does.
    assert.equal(second.body.conversation.returning, undefined);
    const agentView = await api.call('GET', `/conversations/${secondId}`, { token: ctx.tokens.an });
    assert.equal(agentView.status, 200);
    assert.equal(agentView.body.conversation.returning, true);

    // An's inbox row and side panel.
    const an = ctx.pages.an;
    const row = an.locator(`[data-testid="conversation-row"][data-conversation-id="${secondId}"]`);
    await row.waitFor();
    await row.locator('[data-testid="row-returning"]').waitFor();
    assert.equal(await row.locator('[data-testid="row-returning"]').innerText(), 'Khách quen');
    await row.click();
    await an.waitForURL(new RegExp(`/inbox/${secondId}$`));
    const panel = an.locator('[data-testid="contact-panel"]');
    await panel.locator('[data-testid="contact-returning"]').waitFor();
    const earlier = panel.locator('[data-testid="contact-conversation"]');
    await earlier.first().waitFor();
    assert.equal(await earlier.count(), 1);
    const line = await earlier.innerText();
    assert.ok(line.includes(vnDate(first.body.conversation.createdAt)), line);
    assert.ok(line.includes('Đã kết thúc'), line);
    assert.ok(line.includes(ctx.agents.an.name), line);
    assert.ok(line.includes('Áo size M còn không shop?') && !line.includes('màu đỏ'), line);
    const notes = await panel.locator('[data-testid="contact-notes"]').innerText();
    assert.ok(notes.includes('Khách hay đổi size, hỏi kỹ số đo') && notes.includes(ctx.agents.binh.name), notes);
    // An is no admin: no correction here.
    assert.equal(await panel.locator('[data-testid="contact-detach"]').count(), 0);
    await an.screenshot({ path: path.join(ARTIFACTS, 'contact-panel.png') });

    // The link opens the earlier conversation (resolved: its transcript).
    await earlier.click();
    await an.waitForURL(new RegExp(`/history/${firstId}$`));
    await an.locator('[data-testid="transcript"]').getByText('Áo size M còn không shop?').first().waitFor();
    await an.goto(`${server.baseUrl}/dashboard/inbox`);
    await row.locator('[data-testid="row-returning"]').waitFor();

    // The admin detaches the new conversation.
    const adm = ctx.pages.admin;
    await adm.goto(`${server.baseUrl}/dashboard/inbox/${secondId}`);
    const admPanel = adm.locator('[data-testid="contact-panel"]');
    await admPanel.locator('[data-testid="contact-returning"]').waitFor();
    await admPanel.locator('[data-testid="contact-detach"]').click();
    await admPanel.locator('[data-testid="contact-attach"]').waitFor();
    assert.equal(await admPanel.locator('[data-testid="contact-returning"]').count(), 0);
    assert.equal(await admPanel.locator('[data-testid="contact-conversation"]').count(), 0);
    assert.match(await admPanel.locator('[data-testid="contact-summary"]').innerText(), /Đã tách/);

    // An's inbox drops the mark live; the audit log has the correction.
    await eventually(async () => (await row.locator('[data-testid="row-returning"]').count()) === 0, { message: 'An\'s row loses "Khách quen"' });
    const audit = await api.call('GET', '/admin/audit?action=contact.relinked', { token: ctx.tokens.admin });
    assert.equal(audit.status, 200);
    assert.equal(audit.body.items.length, 1);
    assert.equal(audit.body.items[0].target, secondId);
  });
});

// Browser test of internal notes (docs/api.md "Internal notes"): two agents,
// a note written by the agent who does not own the conversation with an
// @mention picked from the autocomplete, the mentioned agent's toast
// linking to the conversation, the note's style in both transcripts, and
// the visitor's REST history without it. Real headless Chromium against the
// dev server (bin/chatdesk-dev) on a free port with a fresh data dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS } from './lib/server.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

let server;
let api;
let ctx;

describe('dashboard internal notes', { timeout: 3 * 60 * 1000 }, () => {
  before(async () => {
    ctx = await startDeskSuite({ pages: ['an', 'binh'] });
    ({ server, api } = ctx);
  });

  after(() => ctx?.close());

  it('a non-owner writes a note with an @mention from the autocomplete; the mentioned agent gets a toast to the conversation; the visitor never sees it', async () => {
    const r = await api.call('POST', '/conversations', { body: { fields: { name: 'Khách Ghi Chú', phone: '0912000981', message: 'Cho em hỏi giá sỉ' } } });
    assert.equal(r.status, 201);
    const { conversation, visitorToken } = r.body;
    const id = conversation.id;
    // An owns it whatever round robin did.
    await ctx.own(id);

    // Bình, not the owner: the reply box is locked, the note mode is not.
    const binh = ctx.pages.binh;
    await binh.goto(`${server.baseUrl}/dashboard/inbox/${id}`);
    const input = binh.locator('[data-testid="composer-input"]');
    await eventually(async () => input.isDisabled(), { message: 'reply box locked for Bình' });
    await binh.click('[data-testid="note-toggle"]');
    assert.equal(await binh.locator('[data-testid="note-toggle"]').getAttribute('aria-pressed'), 'true');
    await eventually(async () => !(await input.isDisabled()), { message: 'note box enabled' });
    await input.click();
    await input.pressSequentially('Khách sỉ, @' + ctx.agents.an.name.slice(0, 1));
    await binh.locator(`[data-testid="mention-option"][data-agent-id="${ctx.agents.an.id}"]`).waitFor();
    // pick An (the list may hold other names with the same first letter)
    while ((await binh.locator('[data-testid="mention-option"][aria-selected="true"]').getAttribute('data-agent-id')) !== ctx.agents.an.id) {
      await input.press('ArrowDown');
    }
    await input.press('Enter');
    assert.equal(await input.inputValue(), `Khách sỉ, @${ctx.agents.an.name} `);
    await input.pressSequentially('báo giá giúp em');
    await input.press('Enter');
    const noteBinh = binh.locator('[data-testid="note"]', { hasText: 'báo giá giúp em' });
    await noteBinh.waitFor();
    assert.match(await noteBinh.getAttribute('class'), /amber/);
    assert.equal(await noteBinh.locator('[data-testid="note-label"]').innerText(), 'Ghi chú nội bộ');
    assert.match(await noteBinh.locator('[data-testid="note-mentions"]').innerText(), new RegExp(ctx.agents.an.name));
    assert.equal(await input.inputValue(), '');

    // An, elsewhere in the dashboard, gets the toast and follows it.
    const an = ctx.pages.an;
    const toast = an.locator('[data-testid="mention-toast"]');
    await toast.waitFor();
    assert.match(await toast.innerText(), new RegExp(`${ctx.agents.binh.name} nhắc đến bạn trong ghi chú`));
    await an.locator('[data-testid="mention-link"]').click();
    await an.waitForURL(new RegExp(`/inbox/${id}$`));
    const noteAn = an.locator('[data-testid="note"]', { hasText: 'báo giá giúp em' });
    await noteAn.waitFor();
    await an.screenshot({ path: path.join(ARTIFACTS, 'note-mention.png') });
    // Placed after the visitor's message it followed.
    const order = await an.$$eval('[data-testid="thread"] > [data-testid="message"], [data-testid="thread"] > [data-testid="note"]', (els) => els.map((e) => e.dataset.testid + ':' + (e.dataset.seq || e.dataset.afterSeq)));
    const at = order.findIndex((x) => x.startsWith('note:'));
    assert.ok(at > 0, `note placed in ${order}`);

    // The owner answers; the note stays where it was; the visitor sees no note.
    await an.fill('[data-testid="composer-input"]', 'Dạ em gửi giá sỉ ạ');
    await an.press('[data-testid="composer-input"]', 'Enter');
    await an.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'Dạ em gửi giá sỉ ạ' }).waitFor();
    const history = await api.call('GET', `/conversations/${id}/messages`, { token: visitorToken });
    assert.equal(history.status, 200);
    assert.ok(history.body.items.every((m, i) => m.seq === i + 1 && !m.note && !m.text.includes('báo giá giúp em')), JSON.stringify(history.body.items));
    assert.ok(history.body.items.some((m) => m.text === 'Dạ em gửi giá sỉ ạ'));
    const notes = await api.call('GET', `/conversations/${id}/notes`, { token: visitorToken });
    assert.ok(notes.status === 401 || notes.status === 403, `visitor GET notes → ${notes.status}`);
  });
});

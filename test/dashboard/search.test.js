// Browser test of the history search over what was said (docs/search.md):
// two agents; Bình searches without accents, sees the match highlighted and
// opens the message in the transcript (scrolled to and outlined); An
// downloads the results as CSV (UTF-8 with BOM). Real headless Chromium
// against the dev server (bin/chatdesk-dev) on a free port with a fresh
// data dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DESKTOP } from './lib/browser.js';
import { eventually } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

let suite;
let server;
let api;
const ctx = {};

describe('dashboard history search', { timeout: 3 * 60 * 1000 }, () => {
  before(async () => {
    suite = await startDeskSuite({ logins: ['an', 'binh'], pages: ['an', 'binh'], pageOptions: { ...DESKTOP, acceptDownloads: true } });
    ({ server, api } = suite);
    ctx.pageAn = suite.pages.an;
    ctx.pageBinh = suite.pages.binh;
  });

  after(() => suite?.close());

  it('an agent finds a message without accents, sees it highlighted and opens it; another downloads the CSV', async () => {
    const r = await api.call('POST', '/conversations', { body: { fields: { name: 'Khách Tìm Kiếm', phone: '0912000555', message: 'Chào shop' } } });
    assert.equal(r.status, 201);
    const { conversation, visitorToken } = r.body;
    const id = conversation.id;
    const sent = await api.call('POST', `/conversations/${id}/messages`, { token: visitorToken, body: { clientId: 'v2', text: 'Tôi cần mua Giày dép size 40' } });
    assert.equal(sent.status, 201);
    const seq = sent.body.message.seq;

    // Bình searches "giay dep" (the indexer runs in the background).
    const binh = ctx.pageBinh;
    await eventually(async () => {
      await binh.goto(`${server.baseUrl}/dashboard/history?q=${encodeURIComponent('giay dep')}`);
      await binh.locator('[data-testid="history-results"]').waitFor();
      await binh.waitForFunction(() => !document.body.textContent.includes('Đang tìm…'));
      return (await binh.locator(`[data-testid="history-match"][data-seq="${seq}"]`).count()) === 1;
    }, { timeout: 20000, message: 'the message is found' });
    const match = binh.locator(`[data-testid="history-match"][data-seq="${seq}"]`);
    assert.deepEqual(await match.locator('mark').allTextContents(), ['Giày', 'dép']);

    await match.locator('[data-testid="match-open"]').click();
    await binh.waitForURL(new RegExp(`/dashboard/history/${id}\\?seq=${seq}$`));
    const focused = binh.locator(`[data-testid="transcript"] [data-seq="${seq}"][data-focused="true"]`);
    await focused.waitFor();
    assert.match(await focused.textContent(), /Giày dép size 40/);
    assert.ok(await focused.isVisible());

    // An downloads the results.
    const an = ctx.pageAn;
    await an.goto(`${server.baseUrl}/dashboard/history?q=${encodeURIComponent('giày dép')}`);
    await an.locator(`[data-testid="history-match"][data-seq="${seq}"]`).waitFor();
    const [download] = await Promise.all([an.waitForEvent('download'), an.click('[data-testid="history-export"]')]);
    assert.equal(download.suggestedFilename(), 'lich-su-tim-kiem.csv');
    const csv = await readFile(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeffMã hội thoại,'), csv.slice(0, 40));
    assert.ok(csv.includes(id) && csv.includes('Giày dép size 40'), csv);
    // For Excel on a Vietnamese Windows: ";" between cells, and the choice
    // is remembered on the next visit.
    await an.selectOption('[data-testid="csv-dialect"]', 'semicolon');
    const [semi] = await Promise.all([an.waitForEvent('download'), an.click('[data-testid="history-export"]')]);
    const semiCsv = await readFile(await semi.path(), 'utf8');
    assert.ok(semiCsv.startsWith('\ufeffMã hội thoại;Khách;'), semiCsv.slice(0, 40));
    await an.reload();
    assert.equal(await an.locator('[data-testid="csv-dialect"]').inputValue(), 'semicolon');
    await an.selectOption('[data-testid="csv-dialect"]', 'comma');

    // The visitor's name, by the start of its words and without accents.
    await an.goto(`${server.baseUrl}/dashboard/history?q=${encodeURIComponent('tim ki')}`);
    await an.locator(`[data-testid="history-row"][data-conversation-id="${id}"]`).waitFor();
  });
});

// Accessibility of the dashboard (#15 polish): axe-core (injected from its
// npm package) on every page — sign-in, inbox with a conversation open,
// history, statistics, each admin page — with no serious or critical
// violation; one <main> landmark per page; the admin navigation on one row at
// 1366 px. Real headless Chromium against the dev server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loginUi, newPage } from './lib/browser.js';
import { ownConversation } from './lib/api.js';
import { startDeskSuite } from './lib/suite.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let suite;
let server;
let api;
let browser;

/** Runs axe-core in the page; returns the serious and critical violations, readable. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the dashboard's CSP (script-src 'self') stays on.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary}`).slice(0, 5) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Checks one page; the findings of every page are asserted together at the end of a test. */
async function checkPage(page, name, findings) {
  await page.waitForLoadState('networkidle').catch(() => {});
  const bad = await axeViolations(page);
  if (bad.length) findings.push({ page: name, violations: bad });
  const mains = await page.locator('main').count();
  if (mains !== 1) findings.push({ page: name, mains });
}

function assertNoFindings(findings) {
  assert.deepEqual(findings, [], `serious or critical axe violations, or not one <main>:\n${JSON.stringify(findings, null, 2)}`);
}

describe('dashboard: accessibility (#15)', { timeout: 5 * 60 * 1000 }, () => {
  before(async () => {
    suite = await startDeskSuite({ logins: [] });
    ({ server, api, browser } = suite);
  });

  after(() => suite?.close());

  it('sign-in page has no serious or critical violation', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.baseUrl}/dashboard/login`);
    await page.locator('#email').waitFor();
    const findings = [];
    await checkPage(page, 'sign-in', findings);
    assertNoFindings(findings);
    await page.context().close();
  });

  it('every page an admin sees, the inbox with a conversation open among them; the navigation fits one row at 1366 px', async () => {
    const r = await api.call('POST', '/conversations', { body: { fields: { name: 'Nguyễn Thị Hoa', phone: '0912 345 678', message: 'Cho tôi hỏi giá áo' } } });
    assert.equal(r.status, 201);
    const conv = r.body.conversation;
    const page = await newPage(browser);
    await loginUi(page, server.baseUrl, 'admin@chatdesk.local');

    const tops = await page.locator('nav[aria-label="Điều hướng chính"] a').evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top)));
    assert.ok(tops.length >= 14, `admin navigation links: ${tops.length}`);
    assert.equal(new Set(tops).size, 1, `navigation on one row: link tops ${tops}`);
    const overflow = await page.locator('nav[aria-label="Điều hướng chính"]').evaluate((n) => n.scrollWidth - n.clientWidth);
    assert.ok(overflow <= 0, `navigation does not scroll sideways (${overflow} px hidden)`);
    const headerHeight = await page.locator('header').evaluate((h) => h.getBoundingClientRect().height);
    assert.ok(headerHeight < 100, `header is at most two rows: brand and controls, navigation (${headerHeight} px)`);

    await page.goto(`${server.baseUrl}/dashboard/inbox/${conv.id}`);
    await page.locator('text=Cho tôi hỏi giá áo').first().waitFor();
    const findings = [];
    await checkPage(page, 'inbox with a conversation', findings);

    const pages = [
      ['/history', 'history'], ['/canned', 'canned replies'], ['/admin/stats', 'statistics'], ['/admin/canned', 'shared canned replies'],
      ['/admin/agents', 'agents'], ['/admin/form-fields', 'form fields'], ['/admin/bot', 'bot'], ['/admin/hours', 'office hours'],
      ['/admin/integrations', 'integrations'], ['/admin/settings', 'settings'], ['/admin/blocks', 'blocks'], ['/admin/privacy', 'privacy'],
      ['/admin/audit', 'audit log'],
    ];
    for (const [p, name] of pages) {
      await page.goto(`${server.baseUrl}/dashboard${p}`);
      await page.locator('main').waitFor();
      await page.waitForFunction(() => !document.body.innerText.includes('Đang tải…'), null, { timeout: 10000 }).catch(() => {});
      await checkPage(page, name, findings);
    }
    assertNoFindings(findings);
    await page.context().close();
  });

  it('an agent away, in her own conversation: the lit "Vắng mặt" pill, "(bạn)", unread rows pass too', async () => {
    const r = await api.call('POST', '/conversations', { body: { fields: { name: 'Trần Văn Nam', phone: '0987 654 321', message: 'Shop ơi còn hàng không?' } } });
    assert.equal(r.status, 201);
    const conv = r.body.conversation;
    await api.call('POST', '/conversations', { body: { fields: { name: 'Lê Thị Mai', phone: '0977 111 222', message: 'Giao hàng mất mấy ngày?' } } });
    const page = await newPage(browser);
    await loginUi(page, server.baseUrl, 'an@chatdesk.local');
    // An owns it, whatever round robin did (claim, or an admin transfer).
    const [an, admin] = await Promise.all([api.login('an@chatdesk.local'), api.login('admin@chatdesk.local')]);
    await ownConversation(api, conv.id, { token: an.token, agentId: an.agent.id, adminToken: admin.token });
    await page.goto(`${server.baseUrl}/dashboard/inbox/${conv.id}`);
    await page.locator('text=Shop ơi còn hàng không?').first().waitFor();
    await page.locator('text=(bạn)').first().waitFor();
    await page.click('[aria-label="Trạng thái của bạn"] >> text=Vắng mặt');
    await page.locator('[aria-label="Trạng thái của bạn"][data-status="away"]').waitFor();
    const findings = [];
    await checkPage(page, 'inbox, agent away', findings);
    assertNoFindings(findings);
    await page.context().close();
  });

  it('a waiting conversation: the green "Nhận cuộc trò chuyện" button passes colour contrast', async () => {
    const page = await newPage(browser);
    await loginUi(page, server.baseUrl, 'an@chatdesk.local');
    // Away, An is not given the new conversation: it waits, with the claim button.
    await page.click('[aria-label="Trạng thái của bạn"] >> text=Vắng mặt');
    await page.locator('[aria-label="Trạng thái của bạn"][data-status="away"]').waitFor();
    const r = await api.call('POST', '/conversations', { body: { fields: { name: 'Phạm Văn Long', phone: '0966 333 444', message: 'Còn size M không shop?' } } });
    assert.equal(r.status, 201);
    assert.equal(r.body.conversation.status, 'waiting', 'nobody available: the conversation waits');
    await page.goto(`${server.baseUrl}/dashboard/inbox/${r.body.conversation.id}`);
    await page.locator('text=Còn size M không shop?').first().waitFor();
    await page.locator('[data-testid="claim-button"]').waitFor();
    const findings = [];
    await checkPage(page, 'inbox, waiting conversation', findings);
    assertNoFindings(findings);
    await page.context().close();
  });
});

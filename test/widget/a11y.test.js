// Accessibility of the widget (#15 polish): axe-core (injected from its npm
// package) on the widget alone — its open shadow root inside the host page —
// closed (the launcher), with the pre-chat form open, and in the chat view:
// no serious or critical violation. Real headless Chromium against the real
// server (bin/chatdesk-dev).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { $, launcher, startWidgetSuite } from './lib.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const T = 20_000;

let suite;
let host;
let browser;


/** axe-core on the widget's element (and its shadow root) only: the host page is not ours. */
async function widgetViolations(page, state) {
  // Colours are checked at rest: wait for the panel's opening animation to end.
  await page.evaluate(() => Promise.all(document.getAnimations({ subtree: true }).map((a) => a.finished.catch(() => {}))));
  await page.evaluate(() => Promise.all([...document.querySelectorAll('chatdesk-widget')].flatMap((w) => (w.shadowRoot ? w.shadowRoot.getAnimations() : [])).map((a) => a.finished.catch(() => {}))));
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run({ include: [['chatdesk-widget']] }, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} — ${n.failureSummary}`).slice(0, 5) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ state, ...v }));
}

describe('widget: accessibility (#15)', { timeout: 180_000 }, () => {
  before(async () => {
    suite = await startWidgetSuite();
    ({ host, browser } = suite);
  });

  after(() => suite?.close());

  it('launcher, form and chat view have no serious or critical violation', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.log('# page error:', e.message));
    await page.goto(host.url + '?once');
    await launcher(page).waitFor({ timeout: T });
    const findings = [];
    findings.push(...await widgetViolations(page, 'launcher'));

    await launcher(page).click();
    await $(page, 'panel').waitFor({ state: 'visible', timeout: T });
    await page.locator('chatdesk-widget [data-field="name"]').waitFor({ timeout: T });
    findings.push(...await widgetViolations(page, 'form'));

    await page.locator('chatdesk-widget [data-field="name"]').fill('Phạm Thu Hà');
    await page.locator('chatdesk-widget [data-field="phone"]').fill('0903 456 789');
    await page.locator('chatdesk-widget [data-field="message"]').fill('Cho mình hỏi size áo');
    await $(page, 'prechat-submit').click();
    await $(page, 'composer').waitFor({ timeout: T });
    await page.locator('chatdesk-widget >> text=Cho mình hỏi size áo').first().waitFor({ timeout: T });
    findings.push(...await widgetViolations(page, 'chat view'));

    assert.deepEqual(findings, [], `serious or critical axe violations in the widget:\n${JSON.stringify(findings, null, 2)}`);
    await ctx.close();
  });
});

// The /demo page (internal/httpapi/demo) as a shop owner or developer
// meets it, on a 1280×800 screen and on a 390×844 phone: the page does not
// scroll sideways, its buttons drive the widget through window.ChatDesk
// (open/close/hide/show, setFields, setUser) and the events it logs are the
// widget's own; on the phone the open panel fits the screen. Real headless
// Chromium against bin/chatdesk-dev.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, launcher, sleep, startWidgetSuite } from './lib.js';

const SCREENS = [
  ['desktop 1280×800', { viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' }],
  ['phone 390×844', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' }],
];

let suite;
let server;
let browser;

const panel = (p) => p.locator('chatdesk-widget .cd-panel');
const logged = (p) => p.locator('#events li').allTextContents();

async function waitLogged(p, re, what) {
  for (let i = 0; i < 200; i++) {
    if ((await logged(p)).some((t) => re.test(t))) return;
    await sleep(50);
  }
  assert.fail(`${what}: the event log has ${JSON.stringify(await logged(p))}`);
}

describe('the /demo page of the JavaScript API', { timeout: 300_000 }, () => {
  before(async () => {
    // The server's own /demo page is the host here.
    suite = await startWidgetSuite({ hostPage: false });
    ({ server, browser } = suite);
  });

  after(() => suite?.close());

  for (const [label, options] of SCREENS) {
    it(`${label}: no sideways scroll; the buttons drive the widget and the page logs its events`, async () => {
      const ctx = await browser.newContext(options);
      const p = await ctx.newPage();
      const errors = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(server.url + '/demo');
      await waitLogged(p, /\bready\b/, 'ready from the widget');
      // A phone widens its layout viewport to fit content that is too
      // wide, so compare with the screen, not with innerWidth.
      const wide = await p.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth));
      assert.ok(wide <= options.viewport.width, `the page is ${wide}px wide on a ${options.viewport.width}px screen`);

      await p.click('button[data-call="open"]');
      await panel(p).waitFor();
      await waitLogged(p, /\bopen\b(?!\(\))/, 'the widget’s open event');
      const box = await panel(p).boundingBox();
      const { width, height } = options.viewport;
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5,
        `the open panel is off screen: ${JSON.stringify(box)}`);
      await p.screenshot({ path: path.join(ARTIFACTS, `demo-${width}.png`) });
      // On a phone the panel covers the page: close it from the API, as the page's button would.
      await p.evaluate(() => window.ChatDesk.close());
      await panel(p).waitFor({ state: 'hidden' });
      await waitLogged(p, /\bclose\b(?!\(\))/, 'the widget’s close event');

      await p.click('button[data-call="hide"]');
      await launcher(p).waitFor({ state: 'hidden' });
      await p.click('button[data-call="show"]');
      await launcher(p).waitFor();

      await p.click('#fields button[type=submit]');
      await waitLogged(p, /setFields\s+\{"order":"DH-1001"\}/, 'setFields logged');
      await p.click('#user button[type=submit]');
      await waitLogged(p, /setUser\s+\{"name":"Nguyễn Thị Lan"/, 'setUser logged');
      // setUser fills the form fields it knows and hides them: the form asks for neither.
      await launcher(p).click();
      await panel(p).waitFor();
      assert.equal(await p.locator('chatdesk-widget [data-field="name"]').count(), 0, 'name asked although setUser gave it');
      assert.equal(await p.locator('chatdesk-widget [data-field="phone"]').count(), 0, 'phone asked although setUser gave it');
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
});

// The browser side of the dashboard tests: one Chromium launch, one page
// factory and one sign-in, so every file drives the dashboard the same way.
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS } from './server.js';

export const PASSWORD = 'matkhau123'; // the dev server's seeded agents

export const DESKTOP = { viewport: { width: 1366, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
export const MOBILE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };

/** Debian's Chromium (CHROMIUM_PATH overrides), headless, with extra flags. */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
    headless: true,
  });
}

/**
 * A page in a fresh context (its own storage: one signed-in agent each),
 * with browser errors printed. initScript runs in every document first.
 */
export async function newPage(browser, options = DESKTOP, { initScript } = {}) {
  const context = await browser.newContext(options);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on('pageerror', (err) => console.error(`[browser error] ${err.message}`));
  return page;
}

/** Signs in through the login page and waits for the inbox. */
export async function loginUi(page, baseUrl, email, password = PASSWORD) {
  await page.goto(`${baseUrl}/dashboard/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard\/inbox/);
  // On a phone the header's name may sit in a closed menu: attached is
  // all that can be asked there.
  const phone = (page.viewportSize()?.width ?? 1366) < 768;
  await page.locator('[data-testid="me-name"]').waitFor({ state: phone ? 'attached' : 'visible' });
}

/**
 * Makes the page's tab hidden as far as the dashboard can tell, with
 * desktop notifications granted: each notification is kept in
 * window.__notes ({title, body}) and each beep counted in window.__beeps.
 */
export function fakeHiddenTab(page) {
  return page.evaluate(() => {
    window.__notes = [];
    window.__beeps = 0;
    class FakeNotification {
      constructor(title, opts) { window.__notes.push({ title, body: opts && opts.body }); }
      close() {}
    }
    FakeNotification.permission = 'granted';
    FakeNotification.requestPermission = () => Promise.resolve('granted');
    window.Notification = FakeNotification;
    // The dashboard keeps one AudioContext (it may exist already: sounds play in a visible tab too).
    const proto = window.AudioContext.prototype;
    const create = proto.createOscillator;
    proto.createOscillator = function createOscillator() { window.__beeps += 1; return create.call(this); };
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  });
}

/** The inbox row of a conversation. */
export const rowSel = (id) => `[data-testid="conversation-row"][data-conversation-id="${id}"]`;

/** A screenshot of the viewport into artifacts/dashboard/. */
export const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });

/** A Vietnamese mobile number no other test uses. */
export function uniquePhone() {
  return '09' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}

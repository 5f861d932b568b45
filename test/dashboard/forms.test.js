// Browser test of the dashboard's forms (#15): on an English browser
// (locale en-US) the forms still speak Vietnamese — `noValidate`, our
// messages next to the fields (aria-invalid + aria-describedby), never the
// browser's bubbles; dates are shown and typed dd/mm/yyyy (text inputs,
// not <input type=date> whose format follows the browser's locale); the
// statistics page exports a CSV for Excel; an admin changes an agent's
// photo from the agents page (a PDF refused in Vietnamese). Real headless
// Chromium against the dev server (bin/chatdesk-dev).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { ARTIFACTS } from './lib/server.js';
import { newPage } from './lib/browser.js';
import { startDeskSuite } from './lib/suite.js';

let suite;
let server;
let api;
let browser;
let page;

/** A real 120×80 PNG. */
function png(w = 120, h = 80) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h, 90);
  for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const errorOf = async (id) => {
  const input = page.locator(`#${id}`);
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `${id} aria-invalid`);
  assert.equal(await input.getAttribute('aria-describedby'), `${id}-error`, `${id} aria-describedby`);
  return page.locator(`#${id}-error`).innerText();
};

/** Today in Vietnam as dd/mm/yyyy. */
function todayVN() {
  const d = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  return d.split('-').reverse().join('/');
}

describe('dashboard forms: Vietnamese validation, dd/mm/yyyy dates, stats CSV, agent photos', { timeout: 3 * 60 * 1000 }, () => {
  before(async () => {
    suite = await startDeskSuite({ logins: [] });
    ({ server, api, browser } = suite);
    // An English browser: its own bubbles would say "Please fill out this field."
    page = await newPage(browser, { viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'America/New_York', acceptDownloads: true });
  });

  after(() => suite?.close());

  it('login: empty and malformed fields get Vietnamese messages next to them, not browser bubbles', async () => {
    await page.goto(`${server.baseUrl}/dashboard/login`);
    const form = page.locator('[data-testid="login-form"]');
    assert.equal(await form.evaluate((f) => f.noValidate), true);
    await page.click('button[type=submit]');
    assert.equal(await errorOf('email'), 'Vui lòng nhập email.');
    assert.equal(await errorOf('password'), 'Vui lòng nhập mật khẩu.');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email', 'focus on the first wrong field');
    await page.fill('#email', 'admin@chatdesk');
    await page.click('button[type=submit]');
    assert.equal(await errorOf('email'), 'Email không hợp lệ, ví dụ: ban@congty.vn.');
    assert.doesNotMatch(await page.locator('body').innerText(), /Please|fill out|include an '@'/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'forms-login-validation.png') });
    await page.fill('#email', 'admin@chatdesk.local');
    await page.fill('#password', 'matkhau123');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard\/inbox/);
    await page.locator('[data-testid="me-name"]').waitFor();
  });

  it('statistics: dates shown and typed as dd/mm/yyyy with Vietnamese checks; "Xuất CSV" downloads an Excel-ready file', async () => {
    await page.goto(`${server.baseUrl}/dashboard/admin/stats`);
    await page.locator('[data-testid="stats-content"]').waitFor();
    for (const id of ['stats-from', 'stats-to']) {
      assert.equal(await page.locator(`#${id}`).getAttribute('type'), 'text');
      assert.equal(await page.locator(`#${id}`).getAttribute('placeholder'), 'dd/mm/yyyy');
    }
    assert.equal(await page.inputValue('#stats-to'), todayVN(), 'today in Vietnam, dd/mm/yyyy (the browser is American)');
    assert.match(await page.inputValue('#stats-from'), /^\d{2}\/\d{2}\/\d{4}$/);

    await page.fill('#stats-from', '31/02/2026');
    await page.fill('#stats-to', '');
    await page.click('[data-testid="stats-apply"]');
    assert.equal(await errorOf('stats-from'), 'Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy (ví dụ 05/12/2026).');
    assert.equal(await errorOf('stats-to'), 'Vui lòng nhập ngày kết thúc.');
    await page.fill('#stats-from', '10/03/2026');
    await page.fill('#stats-to', '09/03/2026');
    await page.click('[data-testid="stats-apply"]');
    assert.equal(await errorOf('stats-from'), 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'forms-stats-dates.png') });

    await page.fill('#stats-from', '1/3/2026');
    await page.fill('#stats-to', '09/03/2026');
    await page.click('[data-testid="stats-apply"]');
    await page.locator('[data-testid="stats-content"][data-from="2026-03-01"][data-to="2026-03-09"]').waitFor();
    assert.equal(await page.locator('#stats-from-error').count(), 0);
    assert.equal(await page.locator('#stats-from').getAttribute('aria-invalid'), null);
    assert.match(await page.locator('[data-testid="per-day-chart"] svg[role=img]').getAttribute('aria-label'), /từ 01\/03\/2026 đến 09\/03\/2026/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="stats-export"]')]);
    assert.equal(download.suggestedFilename(), 'chatdesk-thong-ke-2026-03-01_2026-03-09.csv');
    const bytes = await readFile(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const text = bytes.toString('utf8').slice(1);
    assert.ok(text.startsWith('Chỉ số,Giá trị\r\nTừ ngày,01/03/2026\r\nĐến ngày,09/03/2026\r\n'), text.slice(0, 120));
    assert.match(text, /\r\nNgày,Số cuộc trò chuyện\r\n01\/03\/2026,0\r\n/);
    // Excel on a Vietnamese Windows reads ";" between cells.
    await page.selectOption('[data-testid="csv-dialect"]', 'semicolon');
    const [semi] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="stats-export"]')]);
    const semiText = (await readFile(await semi.path())).toString('utf8').slice(1);
    assert.ok(semiText.startsWith('Chỉ số;Giá trị\r\nTừ ngày;01/03/2026\r\n'), semiText.slice(0, 120));
    await page.selectOption('[data-testid="csv-dialect"]', 'comma');
  });

  it('history: dd/mm/yyyy dates, a wrong one refused in Vietnamese; a good one searches by YYYY-MM-DD', async () => {
    await page.goto(`${server.baseUrl}/dashboard/history`);
    await page.fill('#history-from', '2026-03-01');
    await page.click('[data-testid="history-search"]');
    assert.equal(await errorOf('history-from'), 'Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy (ví dụ 05/12/2026).');
    await page.fill('#history-from', '01/03/2026');
    await page.fill('#history-to', '15/03/2026');
    await page.click('[data-testid="history-search"]');
    await page.waitForURL(/from=2026-03-01&to=2026-03-15|to=2026-03-15.*from=2026-03-01/);
    await page.reload();
    assert.equal(await page.inputValue('#history-from'), '01/03/2026', 'shown back as dd/mm/yyyy');
  });

  it('agents: the new-agent form checks in Vietnamese; an admin sets an agent photo (a PDF is refused)', async () => {
    await page.goto(`${server.baseUrl}/dashboard/admin/agents`);
    await page.locator('[data-agent-email="an@chatdesk.local"]').waitFor();
    const form = page.locator('[data-testid="new-agent-form"]');
    await form.locator('button[type=submit]').click();
    assert.equal(await errorOf('new-agent-name'), 'Vui lòng nhập họ tên.');
    assert.equal(await errorOf('new-agent-email'), 'Vui lòng nhập email.');
    assert.equal(await errorOf('new-agent-password'), 'Vui lòng nhập mật khẩu.');
    await page.fill('#new-agent-name', 'Chi');
    await page.fill('#new-agent-email', 'chi@');
    await page.fill('#new-agent-password', 'ngan');
    await form.locator('button[type=submit]').click();
    assert.equal(await errorOf('new-agent-email'), 'Email không hợp lệ, ví dụ: ban@congty.vn.');
    assert.equal(await errorOf('new-agent-password'), 'Cần ít nhất 8 ký tự.');
    assert.equal(await page.locator('#new-agent-name-error').count(), 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'forms-agents-validation.png') });

    const row = page.locator('[data-agent-email="an@chatdesk.local"]');
    await row.locator('[data-testid="avatar-file"]').setInputFiles({ name: 'anh.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    assert.equal(await row.locator('[data-testid="avatar-error"]').innerText(), 'Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF.');
    // A PDF renamed .png passes the browser's check; the server reads the bytes.
    await row.locator('[data-testid="avatar-file"]').setInputFiles({ name: 'anh.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await row.locator('[data-testid="avatar-error"]', { hasText: 'Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF.' }).waitFor();
    await row.locator('[data-testid="avatar-file"]').setInputFiles({ name: 'an.png', mimeType: 'image/png', buffer: png() });
    const img = row.locator('img[data-testid="avatar-photo"]');
    await img.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth === 120, await img.elementHandle());
    const admin = await api.login('admin@chatdesk.local');
    const agents = await api.call('GET', '/agents', { token: admin.token });
    const an = agents.body.items.find((a) => a.name === 'An');
    assert.equal(new URL(await img.getAttribute('src'), server.baseUrl).pathname, an.avatarUrl);
    assert.equal(await row.locator('[data-testid="avatar-error"]').count(), 0);
  });
});

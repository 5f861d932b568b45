// Helpers for the widget browser tests: build and run the real server
// (bin/chatdesk-dev), a hostile third-party host page on another origin,
// REST calls as agents/admin, and an agent WebSocket driven from a page on
// the server's origin.

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WIDGET_DIR = path.join(REPO, 'web-widget');
export const WIDGET_FILE = path.join(WIDGET_DIR, 'dist', 'widget.js');
export const ARTIFACTS = path.join(REPO, 'artifacts', 'widget');
export const PASSWORD = 'matkhau123';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until fn() returns a truthy value (polling, no fixed sleeps); fails after timeout ms. */
export async function until(fn, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    assert.ok(Date.now() < deadline, 'timed out waiting for ' + what);
    await sleep(100);
  }
}

/** A real PNG (RGB gradient) of w×h pixels. */
export function png(w, h) {
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
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) raw.set([(x * 255) / w, (y * 255) / h, 128], y * (w * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function log(...a) {
  console.log('#', ...a);
}

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/widget.js when missing or older than its sources (npm ci first when needed). */
export function ensureWidget() {
  const stale = !existsSync(WIDGET_FILE) || statSync(WIDGET_FILE).mtimeMs < newestMtime(path.join(WIDGET_DIR, 'src'));
  if (!stale && !process.env.CHATDESK_REBUILD_WIDGET) return;
  if (!existsSync(path.join(WIDGET_DIR, 'node_modules'))) {
    log('npm ci in web-widget');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: WIDGET_DIR, stdio: 'inherit' });
  }
  log('building web-widget/dist/widget.js');
  execFileSync('npm', ['run', 'build'], { cwd: WIDGET_DIR, stdio: 'inherit' });
}

/** Builds bin/chatdesk-dev (go build caches, so this is quick when warm). */
export function ensureServerBinary() {
  if (process.env.CHATDESK_DEV_BIN) return process.env.CHATDESK_DEV_BIN;
  const bin = path.join(REPO, 'bin', 'chatdesk-dev');
  log('go build -o bin/chatdesk-dev ./cmd/chatdesk-dev');
  execFileSync('go', ['build', '-o', bin, './cmd/chatdesk-dev'], { cwd: REPO, stdio: 'inherit' });
  return bin;
}

/**
 * The real server, restartable with the same data dir and port.
 */
export class DevServer {
  /** @param {string} bin @param {Record<string,string>} [env] extra environment */
  constructor(bin, env = {}) {
    this.bin = bin;
    this.env = env;
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'chatdesk-widget-test-'));
    this.proc = null;
    this.starts = 0;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    if (!this.port) this.port = await freePort();
    mkdirSync(ARTIFACTS, { recursive: true });
    const out = openSync(path.join(ARTIFACTS, `server-${++this.starts}.log`), 'w');
    this.proc = spawn(this.bin, [], {
      env: {
        ...process.env,
        ...this.env,
        CHATDESK_ADDR: `127.0.0.1:${this.port}`,
        CHATDESK_DATA_DIR: this.dataDir,
        CHATDESK_WIDGET_FILE: WIDGET_FILE,
      },
      stdio: ['ignore', out, out],
    });
    const proc = this.proc;
    let exited = null;
    proc.on('exit', (code, sig) => {
      exited = { code, sig };
    });
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`chatdesk-dev exited early (${JSON.stringify(exited)}); see artifacts/widget/server-${this.starts}.log`);
      try {
        const r = await fetch(this.url + '/readyz');
        if (r.status === 200) return;
      } catch {
        /* not yet */
      }
      await sleep(150);
    }
    throw new Error('chatdesk-dev did not become ready in 90 s');
  }

  /** Stops the server and removes its data dir. */
  async destroy() {
    await this.kill('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Kills the process (SIGKILL by default: a crash, not a drain). */
  async kill(signal = 'SIGKILL') {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const done = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await Promise.race([done, sleep(15_000)]);
    this.proc = null;
  }
}

/** A widget element by data-testid (locators pierce its open shadow root). */
export const $ = (p, testid) => p.locator(`chatdesk-widget [data-testid="${testid}"]`);
/** The widget's launcher button. */
export const launcher = (p) => p.locator('chatdesk-widget button.cd-launcher');
/** A screenshot of the viewport into artifacts/widget/. */
export const shot = (p, name) => p.screenshot({ path: path.join(ARTIFACTS, name + '.png') });

/** A page of the browser context with its errors (uncaught and console.error) printed. */
export async function newPage(context) {
  const p = await context.newPage();
  p.on('pageerror', (e) => console.log('# page error:', e.message));
  p.on('console', (m) => {
    if (m.type() === 'error') console.log('# console error:', m.text());
  });
  return p;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];

/**
 * One set-up for a widget test file, as every file did it in its before():
 * the widget built, the real server (env: its extra environment) started,
 * the hostile host page on another origin (unless hostPage is false), Debian
 * Chromium (CHROMIUM_PATH overrides) launched headless with chromiumArgs,
 * and the agents of `logins` signed in one after another. Returns
 * {server, host, browser, tokens, close}: tokens keyed by agent name
 * ('an', 'binh', 'admin'); close() closes the browser, the host page and
 * the server (a failed start closes what it had started, then rethrows).
 */
export async function startWidgetSuite({ env = {}, hostPage = true, logins = [], chromiumArgs = CHROMIUM_ARGS } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  ensureWidget();
  const suite = { tokens: {} };
  suite.close = async () => {
    await suite.browser?.close().catch(() => {});
    await suite.host?.close().catch(() => {});
    await suite.server?.destroy().catch(() => {});
  };
  try {
    suite.server = new DevServer(ensureServerBinary(), env);
    await suite.server.start();
    if (hostPage) suite.host = await startHostPage(() => suite.server.url);
    suite.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs,
    });
    for (const name of logins) suite.tokens[name] = await login(suite.server.url, `${name}@chatdesk.local`);
  } catch (err) {
    await suite.close();
    throw err;
  }
  return suite;
}

/** JSON REST call; returns {status, body}. */
export async function rest(base, method, p, { token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: r.status, body: json };
}

export async function login(base, email) {
  const r = await rest(base, 'POST', '/api/auth/login', { body: { email, password: PASSWORD } });
  if (r.status !== 200 || !r.body.token) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/**
 * Opens a page of the server's origin from which scripts may open its
 * WebSocket: /demo, whose Content-Security-Policy allows connecting to
 * 'self'. (Other answers, /healthz included, allow nothing; a page the test
 * serves itself is refused loopback by Chromium's local network checks.)
 */
export async function blankPage(page, base) {
  await page.goto(base + '/demo');
}

/**
 * An agent WebSocket driven from a page on the server's own origin (so the
 * test does not depend on the Node version having a WebSocket client).
 */
export async function agentSocket(browser, base, token) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await blankPage(page, base);
  const ready = await page.evaluate(({ url, token }) => new Promise((resolve) => {
    const ws = new WebSocket(url);
    window.__ev = [];
    window.__ws = ws;
    window.__n = 0;
    ws.onmessage = (e) => {
      try {
        window.__ev.push(JSON.parse(e.data));
      } catch {
        /* ignore */
      }
    };
    ws.onclose = (e) => {
      window.__closed = e.code;
      resolve({ closed: e.code });
    };
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', id: 'h1', data: { token, lastSeq: 0 } }));
    const t = setInterval(() => {
      const r = window.__ev.find((x) => x.id === 'h1');
      if (r) {
        clearInterval(t);
        resolve(r);
      }
    }, 25);
    setTimeout(() => resolve({ timeout: 'no reply to hello within 10 s' }), 10_000);
  }), { url: base.replace(/^http/, 'ws') + '/ws', token });
  if (!ready || ready.type !== 'session.ready') {
    await ctx.close();
    throw new Error('agent hello failed: ' + JSON.stringify(ready));
  }
  return {
    page,
    ready,
    /** Sends a request and waits for its reply (ack/error). */
    async request(type, data, timeout = 10_000) {
      return page.evaluate(({ type, data, timeout }) => new Promise((resolve) => {
        const id = 'r' + ++window.__n;
        window.__ws.send(JSON.stringify({ type, id, data }));
        const started = Date.now();
        const t = setInterval(() => {
          const r = window.__ev.find((x) => x.id === id && (x.type === 'ack' || x.type === 'error'));
          if (r || Date.now() - started > timeout) {
            clearInterval(t);
            resolve(r || { type: 'timeout', id });
          }
        }, 25);
      }), { type, data, timeout });
    },
    /** Sends a frame without waiting. */
    async send(type, data) {
      await page.evaluate(({ type, data }) => window.__ws.send(JSON.stringify({ type, data })), { type, data });
    },
    async events() {
      return page.evaluate(() => window.__ev);
    },
    async close() {
      await ctx.close();
    },
  };
}

/**
 * A third-party page on its own origin, as hostile as a real site can be:
 * `* { all: unset }`, `div { display: none !important }`, a 40 px root font,
 * its own Tailwind-like classes, and its own React/jQuery-ish globals. It
 * includes the widget twice.
 */
export function hostPageHTML(server, { twice = true, plain = false, lang = '' } = {}) {
  // plain: no data-* at all (server = the script's origin) and config from window.ChatDesk
  // lang: data-lang on the tag (and no title or greeting of the page's own)
  const tag = plain
    ? `<script>window.ChatDesk = { position: 'left' };</script><script src="${server}/widget.js" async></script>`
    : lang
      ? `<script src="${server}/widget.js" async data-server="${server}" data-color="#0f766e" data-lang="${lang}"></script>`
      : `<script src="${server}/widget.js" async data-server="${server}" data-color="#0f766e" data-position="right" data-title="Tư vấn bán hàng" data-greeting="Chào anh/chị! Để lại thông tin, nhân viên sẽ trả lời ngay."></script>`;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>Cửa hàng bên thứ ba</title>
<style>
  * { all: unset; }
  head, style, script, title, meta { display: none; }
  html { font-size: 40px; }
  body { display: block; font-family: Georgia, serif; font-size: 40px; line-height: 3; color: #7c2d12; background: #fef3c7; padding: 20px; }
  h1, p, section, main { display: block; }
  div { display: none !important; }
  /* the site's own "Tailwind" with conflicting meanings */
  .flex { display: grid !important; }
  .hidden { display: block !important; }
  .bg-primary { background: rgb(255, 0, 0) !important; }
  .rounded-2xl { border-radius: 0 !important; }
  .fixed { position: static !important; }
  .text-base { font-size: 50px !important; }
  button, input, textarea, select { font-size: 40px !important; color: red !important; background: lime !important; }
  [role="dialog"], section[role] { display: none !important; }
  ::placeholder { color: red; }
  *:focus { outline: 10px solid magenta !important; }
</style>
<script>
  window.React = 'host';
  window.ReactDOM = 'host';
  window.preact = 'host';
  window.$ = window.jQuery = function () { return 'jquery-like'; };
  window.tailwind = { config: { theme: 'host' } };
  window.__messages = [];
  window.__keysBefore = Object.keys(window);
</script>
</head>
<body>
<main>
  <h1>Cửa hàng bên thứ ba</h1>
  <p id="probe" class="p-4 text-sm rounded-full shadow-lg border">Phần tử của trang (không được đổi kiểu).</p>
  <p id="probe2" class="flex bg-primary">Lớp Tailwind riêng của trang.</p>
  <div id="hidden-div">Khối div bị trang ẩn.</div>
</main>
${tag}
${twice ? tag : ''}
<script>
  // The page talks to the widget only through window.ChatDesk.
  (function wait() {
    if (window.ChatDesk && window.ChatDesk.on) window.ChatDesk.on('message', function (m) { window.__messages.push(m); });
    else setTimeout(wait, 20);
  })();
</script>
</body>
</html>`;
}

/** Serves hostPageHTML on its own port (a different origin from the server). */
export async function startHostPage(getServerURL) {
  const port = await freePort();
  const srv = createServer((req, res) => {
    if (req.url.startsWith('/favicon')) {
      res.writeHead(204).end();
      return;
    }
    const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };
    if (req.url.includes('csp')) {
      // A strict policy: no inline styles at all (the page's own <style> is blocked too).
      const srv = getServerURL();
      headers['Content-Security-Policy'] = `default-src 'self'; script-src 'self' 'unsafe-inline' ${srv}; ` +
        `connect-src ${srv} ${srv.replace(/^http/, 'ws')}; style-src 'self'; img-src 'self' data:`;
    }
    res.writeHead(200, headers);
    const lang = (req.url.match(/[?&]lang=(\w+)/) || [])[1] || '';
    res.end(hostPageHTML(getServerURL(), { twice: !req.url.includes('once') && !req.url.includes('plain'), plain: req.url.includes('plain'), lang }));
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}/shop`, close: () => new Promise((r) => srv.close(r)) };
}


/**
 * An SMTP server inside the test (a plain relay on loopback, as the Go
 * tests' internal/mail/mailtest in its Plain mode): EHLO, MAIL, RCPT, DATA,
 * QUIT; every message is kept ({from, to, data}).
 */
export async function startSMTP() {
  const messages = [];
  const srv = createNetServer((sock) => {
    sock.setEncoding('utf8');
    let buf = '';
    let data = null;
    let env = { to: [] };
    const say = (l) => sock.write(l + '\r\n');
    say('220 chatdesk-test ESMTP');
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
      buf += chunk;
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (data) {
          if (line === '.') {
            messages.push({ ...env, data: data.join('\n') });
            data = null;
            env = { to: [] };
            say('250 OK');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') sock.write('250-chatdesk-test\r\n250 8BITMIME\r\n');
        else if (cmd === 'MAIL') {
          env = { from: (line.match(/<([^>]*)>/) || [])[1], to: [] };
          say('250 OK');
        } else if (cmd === 'RCPT') {
          env.to.push((line.match(/<([^>]*)>/) || [])[1]);
          say('250 OK');
        } else if (cmd === 'DATA') {
          data = [];
          say('354 End data with <CR><LF>.<CR><LF>');
        } else if (cmd === 'QUIT') {
          say('221 Bye');
          sock.end();
        } else say('250 OK'); // HELO, RSET, NOOP
      }
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { host: '127.0.0.1', port: srv.address().port, messages, close: () => new Promise((r) => srv.close(r)) };
}

// Starts the real chatdesk dev server (bin/chatdesk-dev: embedded MongoDB-wire
// server + in-process Redis, seeded agents) on a free port with a fresh data dir.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, createWriteStream, mkdirSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../..');
export const DASHBOARD_DIR = path.join(REPO, 'web-dashboard');
export const DIST_DIR = path.join(DASHBOARD_DIR, 'dist');
export const ARTIFACTS = path.join(REPO, 'artifacts', 'dashboard');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function newestMtime(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, name)));
  return max;
}

/** Builds web-dashboard/dist when missing or older than its sources (npm ci + vite build). */
export function ensureDashboardBuilt() {
  const index = path.join(DIST_DIR, 'index.html');
  if (existsSync(index) && !process.env.CHATDESK_REBUILD_DASHBOARD) {
    const sources = ['src', 'index.html', 'package-lock.json', 'vite.config.js', 'tailwind.config.js']
      .map((f) => path.join(DASHBOARD_DIR, f))
      .filter((f) => existsSync(f));
    if (Math.max(...sources.map(newestMtime)) <= statSync(index).mtimeMs) return;
  }
  const opts = { cwd: DASHBOARD_DIR, stdio: 'inherit' };
  if (!existsSync(path.join(DASHBOARD_DIR, 'node_modules'))) execFileSync('npm', ['ci', '--no-audit', '--no-fund'], opts);
  execFileSync('npm', ['run', 'build'], opts);
}

/** go build -o bin/chatdesk-dev ./cmd/chatdesk-dev (incremental) unless CHATDESK_BIN is set. */
export function ensureServerBuilt() {
  if (process.env.CHATDESK_BIN) return process.env.CHATDESK_BIN;
  const bin = path.join(REPO, 'bin', 'chatdesk-dev');
  if (!process.env.CHATDESK_SKIP_GO_BUILD) {
    execFileSync('go', ['build', '-o', bin, './cmd/chatdesk-dev'], { cwd: REPO, stdio: 'inherit' });
  }
  return bin;
}

async function waitReady(baseUrl, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`server exited with code ${proc.exitCode} before /readyz was 200`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`server not ready after ${timeoutMs} ms: ${last}`);
}

/**
 * Starts a server. Returns {baseUrl, port, dataDir, stop(), start()}.
 * start() after stop() keeps the port and the data dir (resilience test).
 */
export async function startServer({ port, dataDir } = {}) {
  const fixedPort = !!port;
  port = port || (await freePort());
  dataDir = dataDir || mkdtempSync(path.join(tmpdir(), 'chatdesk-dash-'));
  let baseUrl = `http://127.0.0.1:${port}`;
  mkdirSync(ARTIFACTS, { recursive: true });

  const bin = ensureServerBuilt();
  const log = createWriteStream(path.join(ARTIFACTS, 'server.log'), { flags: 'a' });
  let proc;
  const launch = async () => {
    proc = spawn(bin, [], {
      env: {
        ...process.env,
        CHATDESK_ADDR: `127.0.0.1:${port}`,
        CHATDESK_DATA_DIR: dataDir,
        CHATDESK_DASHBOARD_DIR: DIST_DIR,
        CHATDESK_WIDGET_FILE: process.env.CHATDESK_WIDGET_FILE || path.join(REPO, 'web-widget', 'dist', 'widget.js'),
      },
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout.pipe(log, { end: false });
    proc.stderr.pipe(log, { end: false });
    await waitReady(baseUrl, proc, Number(process.env.CHATDESK_READY_TIMEOUT_MS || 60000));
  };
  const stop = () =>
    new Promise((resolve) => {
      if (!proc || proc.exitCode !== null) return resolve();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  // Another process on this shared machine may grab the free port between
  // freePort() and the server's bind: try again on a new port.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await launch();
      break;
    } catch (err) {
      if (fixedPort || attempt >= 3 || proc.exitCode === null) throw err;
      port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
    }
  }
  return { baseUrl, port, dataDir, stop, start: launch };
}

// Prints the gzipped size of dist/widget.js (building it first when it is
// missing or older than a source file) and fails above the 30 KB budget.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'widget.js');
const BUDGET = 30 * 1024;

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const inputs = Math.max(
  newest(path.join(root, 'src')),
  newest(path.join(root, 'scripts')),
  ...['webpack.config.js', 'tailwind.config.js', 'postcss.config.js', 'package-lock.json'].map((f) => statSync(path.join(root, f)).mtimeMs),
);
if (!existsSync(out) || statSync(out).mtimeMs < inputs || process.argv.includes('--build')) {
  console.log('building dist/widget.js ...');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'webpack-cli', 'bin', 'cli.js'), '--mode', 'production'], { cwd: root, stdio: 'inherit' });
}

const buf = readFileSync(out);
const gz = gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
console.log(`dist/widget.js: ${kb(buf.length)} raw, ${kb(gz)} gzipped (${gz} bytes; budget ${kb(BUDGET)})`);
if (gz > BUDGET) {
  console.error(`FAIL: widget.js is ${kb(gz - BUDGET)} over the 30 KB gzipped budget`);
  process.exit(1);
}
console.log('OK: within budget');

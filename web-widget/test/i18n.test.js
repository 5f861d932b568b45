// Every widget string goes through one dictionary per language: Vietnamese
// (src/i18n/vi.js, the default and the reference) and English
// (src/i18n/en.json, downloaded only by an English widget).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vi from '../src/i18n/vi.js';
import { t, setLanguage, chooseLanguage, errorText, lang } from '../src/i18n/index.js';
import { NOTICE, ERROR_CODE } from '../../internal/protocol/wire.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const en = JSON.parse(readFileSync(path.join(root, 'i18n', 'en.json'), 'utf8'));
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;
const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.jsx?$/.test(e.name) ? [{ file: path.relative(root, p), text: readFileSync(p, 'utf8') }] : [];
  });
}

test('both dictionaries have the same keys, non-empty, with the same {placeholders}; English also words error codes', () => {
  // e_<code>: a Vietnamese widget shows the server's own (Vietnamese) message.
  const codes = Object.keys(en).filter((k) => k.startsWith('e_'));
  assert.deepEqual(Object.keys(en).filter((k) => !codes.includes(k)).sort(), Object.keys(vi).sort());
  for (const k of codes) assert.ok(Object.values(ERROR_CODE).includes(k.slice(2)), `en.${k}: no such error code`);
  for (const code of [ERROR_CODE.IDENTITY_INVALID, ERROR_CODE.IDENTITY_REQUIRED]) assert.ok(en['e_' + code], `en.e_${code}`);
  for (const k of Object.keys(vi)) {
    assert.ok(vi[k] && en[k], `${k} is empty`);
    assert.equal(holes(en[k]), holes(vi[k]), `${k}: placeholders differ`);
  }
  for (const [k, v] of Object.entries(en)) assert.ok(v && !VIETNAMESE.test(v), `en.${k} is empty or not English: ${v}`);
});

test('every key the code asks for exists; no Vietnamese text outside the dictionary', () => {
  for (const { file, text } of sources(root)) {
    if (file === path.join('i18n', 'vi.js')) continue;
    for (const m of text.matchAll(/\bt\('([A-Za-z_]+)'[,)]/g)) assert.ok(Object.hasOwn(vi, m[1]), `${file}: t('${m[1]}') is not in vi.js`);
    // Comments may be Vietnamese; strings and JSX text may not.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    const line = code.split('\n').find((l) => VIETNAMESE.test(l));
    assert.ok(!line, `${file}: a string outside the dictionary: ${line && line.trim()}`);
  }
});

test('every system notice the server sends has its wording in the visitor\'s voice', () => {
  // The takeover steps other than the change of owner are system notes:
  // agents only, never in a visitor's transcript (docs/api.md "Takeover
  // requests"), so the widget has no wording for them.
  const agentOnly = new Set([NOTICE.TAKEOVER_REQUESTED, NOTICE.TAKEOVER_DECLINED, NOTICE.TAKEOVER_CANCELLED, NOTICE.TAKEOVER_EXPIRED]);
  assert.equal(agentOnly.size, 4);
  for (const code of Object.values(NOTICE)) {
    if (!agentOnly.has(code)) assert.ok(Object.hasOwn(vi, 'n_' + code), `no n_${code}`);
  }
  assert.match(vi.n_handoff, /^Bạn đã yêu cầu gặp nhân viên/);
});

test('t fills placeholders; English falls back to Vietnamese for nothing', () => {
  assert.equal(t('position', { n: 2 }), 'Bạn đang ở vị trí số 2 trong hàng chờ.');
  setLanguage(en);
  try {
    assert.equal(lang, 'en');
    assert.equal(t('position', { n: 2 }), 'You are number 2 in the queue.');
    assert.equal(errorText({ code: 'unsupported_type', message: 'Loại tệp này không được hỗ trợ.' }), en.e_unsupported_type);
    assert.equal(errorText({ code: 'network', message: 'Cannot reach the server.' }), 'Cannot reach the server.');
  } finally {
    setLanguage(null);
  }
  assert.equal(lang, 'vi');
  assert.equal(errorText({ code: 'unsupported_type', message: 'Loại tệp này không được hỗ trợ.' }), 'Loại tệp này không được hỗ trợ.');
});

test('the language: the page decides, else the browser when the admin allows it, else Vietnamese', () => {
  assert.equal(chooseLanguage('en', false, ['vi-VN']), 'en');
  assert.equal(chooseLanguage('vi', true, ['en-US']), 'vi');
  assert.equal(chooseLanguage(undefined, false, ['en-US']), 'vi', 'not allowed: Vietnamese');
  assert.equal(chooseLanguage(undefined, true, ['en-US', 'vi']), 'en');
  assert.equal(chooseLanguage(undefined, true, ['fr-FR']), 'en', 'foreign: English');
  assert.equal(chooseLanguage(undefined, true, ['vi-VN', 'en']), 'vi');
  assert.equal(chooseLanguage(undefined, true, []), 'vi');
});

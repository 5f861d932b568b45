import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkify } from '../src/lib/links.js';
import { formatPhone, formatOpening } from '../src/lib/format.js';

const link = (href, text = href) => ({ href, text });

test('http(s) URLs and bare www. names become links; punctuation after them does not', () => {
  assert.deepEqual(linkify('Xem https://shopee.vn/a-b?x=1&y=2.'), ['Xem ', link('https://shopee.vn/a-b?x=1&y=2'), '.']);
  assert.deepEqual(linkify('www.tiki.vn, nhé'), [link('https://www.tiki.vn', 'www.tiki.vn'), ', nhé']);
  assert.deepEqual(linkify('(https://vi.wikipedia.org/wiki/Phở_(món_ăn))'), ['(', link('https://vi.wikipedia.org/wiki/Phở_(món_ăn)'), ')']);
  assert.deepEqual(linkify('http://a.vn https://b.vn'), [link('http://a.vn'), ' ', link('https://b.vn')]);
});

test('other schemes, broken URLs and markup stay text', () => {
  for (const s of ['javascript:alert(1)', 'JAVASCRIPT:alert(document.cookie)', 'data:text/html,<b>x</b>', 'mailto:a@b.vn', 'ftp://x.vn', 'http://', 'tel:0912345678']) {
    assert.deepEqual(linkify(s), [s], s);
  }
  assert.deepEqual(linkify('<a href="https://x.vn">x</a>'), ['<a href="', link('https://x.vn'), '">x</a>']);
  assert.deepEqual(linkify('xhttps://x.vn'), ['xhttps://x.vn'], 'only at a word start');
  assert.deepEqual(linkify(''), []);
});

test('phones as people read them; openings in Vietnam time', () => {
  assert.equal(formatPhone('0912345678'), '0912 345 678');
  assert.equal(formatPhone('02438251234'), '024 3825 1234');
  assert.equal(formatPhone('123'), '123');
  assert.equal(formatOpening('2026-12-05T01:00:00Z', 'vi'), '08:00 Thứ Bảy, 05/12');
  assert.equal(formatOpening('nope', 'vi'), '');
});

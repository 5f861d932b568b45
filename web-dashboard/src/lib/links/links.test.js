import { describe, expect, it } from 'vitest';
import { linkify } from './index.js';

const link = (href, text = href) => ({ href, text });

describe('linkify', () => {
  it('links http(s) URLs and bare www. names, not the punctuation after them', () => {
    expect(linkify('Xem https://shopee.vn/a-b?x=1&y=2.')).toEqual(['Xem ', link('https://shopee.vn/a-b?x=1&y=2'), '.']);
    expect(linkify('www.tiki.vn, nhé')).toEqual([link('https://www.tiki.vn', 'www.tiki.vn'), ', nhé']);
    expect(linkify('(https://vi.wikipedia.org/wiki/Phở_(món_ăn))')).toEqual(['(', link('https://vi.wikipedia.org/wiki/Phở_(món_ăn)'), ')']);
  });

  it('leaves other schemes, broken URLs and markup as text', () => {
    for (const s of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'mailto:a@b.vn', 'ftp://x.vn', 'http://', 'xhttps://x.vn']) {
      expect(linkify(s)).toEqual([s]);
    }
    expect(linkify('<img src=x onerror=alert(1)> https://x.vn')).toEqual(['<img src=x onerror=alert(1)> ', link('https://x.vn')]);
    expect(linkify('')).toEqual([]);
    expect(linkify(undefined)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { filterCanned, findSlashQuery, insertCanned } from './canned.js';

const items = [
  { id: '1', shortcut: 'xinchao', title: 'Lời chào', text: 'Xin chào anh/chị!' },
  { id: '2', shortcut: 'gia', title: 'Bảng giá', text: 'Giá sản phẩm…' },
  { id: '3', shortcut: 'camon', title: 'Cảm ơn', text: 'Cảm ơn anh/chị.' },
  { id: '4', shortcut: 'ship', title: 'Phí giao hàng', text: 'Miễn phí giao hàng.' },
];

describe('findSlashQuery', () => {
  it('finds "/" at the start of the text or of a word', () => {
    expect(findSlashQuery('/xin')).toEqual({ start: 0, query: 'xin' });
    expect(findSlashQuery('Dạ /ga')).toEqual({ start: 3, query: 'ga' });
    expect(findSlashQuery('a\n/')).toEqual({ start: 2, query: '' });
  });
  it('ignores slashes inside words, urls and finished words', () => {
    expect(findSlashQuery('and/or')).toBeNull();
    expect(findSlashQuery('https://x.vn')).toBeNull();
    expect(findSlashQuery('/xin chao')).toBeNull();
    expect(findSlashQuery('')).toBeNull();
  });
  it('uses the caret position', () => {
    expect(findSlashQuery('/xin chào', 4)).toEqual({ start: 0, query: 'xin' });
  });
});

describe('filterCanned', () => {
  it('matches shortcut prefix first, then contains, then title (diacritics-insensitive)', () => {
    expect(filterCanned(items, 'xin').map((r) => r.id)).toEqual(['1']);
    expect(filterCanned(items, 'giao').map((r) => r.id)).toEqual(['4']);
    expect(filterCanned(items, 'gi').map((r) => r.id)).toEqual(['2', '4']);
    expect(filterCanned(items, 'CAM').map((r) => r.id)).toEqual(['3']);
    expect(filterCanned(items, 'cảm ơn').map((r) => r.id)).toEqual(['3']);
    expect(filterCanned(items, 'zzz')).toEqual([]);
  });
  it('returns everything (limited) for an empty query', () => {
    expect(filterCanned(items, '')).toHaveLength(4);
    expect(filterCanned(items, '', 2)).toHaveLength(2);
  });
});

describe('insertCanned', () => {
  it('replaces the /query with the text and moves the caret after it', () => {
    expect(insertCanned('Dạ /xin', 3, 7, 'Xin chào!')).toEqual({ text: 'Dạ Xin chào!', caret: 12 });
    expect(insertCanned('/xi abc', 0, 3, 'Hi')).toEqual({ text: 'Hi abc', caret: 2 });
  });
});

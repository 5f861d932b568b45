import { describe, expect, it } from 'vitest';
import { snippetParts } from './components/Snippet.jsx';

describe('snippetParts', () => {
  it('splits the text around the marks', () => {
    expect(snippetParts('Tôi cần Giày dép', [[8, 12], [13, 16]])).toEqual([
      { text: 'Tôi cần ', mark: false },
      { text: 'Giày', mark: true },
      { text: ' ', mark: false },
      { text: 'dép', mark: true },
    ]);
  });
  it('ignores marks out of range or overlapping', () => {
    expect(snippetParts('abc', [[1, 2], [0, 1], [2, 9]])).toEqual([
      { text: 'a', mark: false },
      { text: 'b', mark: true },
      { text: 'c', mark: false },
    ]);
  });
  it('counts UTF-16 units, as the server does', () => {
    expect(snippetParts('😀 Giày', [[3, 7]])).toEqual([
      { text: '😀 ', mark: false },
      { text: 'Giày', mark: true },
    ]);
  });
});

import { useCallback, useEffect, useState } from 'react';
import { searchConversations } from '../api/search.js';

/** Paginated search with a stack of `next` cursors (back/forward). */
export function useHistorySearch(filters) {
  const key = JSON.stringify(filters);
  const [nav, setNav] = useState({ key, cursors: [undefined], page: 0 });
  let current = nav;
  if (nav.key !== key) {
    // new filters: back to the first page (state adjusted during render)
    current = { key, cursors: [undefined], page: 0 };
    setNav(current);
  }
  const cursor = current.cursors[current.page];
  const reqKey = `${key}|${cursor || ''}`;
  const [result, setResult] = useState({ reqKey: null, items: [], matches: {}, next: null, error: null });

  useEffect(() => {
    let cancelled = false;
    const [k] = reqKey.split('|');
    searchConversations({ ...JSON.parse(k), cursor })
      .then((res) => { if (!cancelled) setResult({ reqKey, items: res?.items || [], matches: res?.matches || {}, next: res?.next || null, error: null }); })
      .catch((error) => { if (!cancelled) setResult({ reqKey, items: [], matches: {}, next: null, error }); });
    return () => { cancelled = true; };
  }, [reqKey, cursor]);

  const loading = result.reqKey !== reqKey;
  const next = loading ? null : result.next;
  const nextPage = useCallback(() => {
    if (!next) return;
    setNav((n) => ({ ...n, cursors: [...n.cursors.slice(0, n.page + 1), next], page: n.page + 1 }));
  }, [next]);
  const prevPage = useCallback(() => setNav((n) => ({ ...n, page: Math.max(0, n.page - 1) })), []);

  return {
    items: result.items,
    matches: result.matches,
    next,
    error: result.error,
    loading,
    page: current.page,
    nextPage,
    prevPage,
    hasPrev: current.page > 0,
    hasNext: !!next,
  };
}

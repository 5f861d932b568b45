import { useCallback, useEffect, useState } from 'react';
import { listCannedReplies } from '../api/canned.js';

/** Shared + own canned replies for the composer; refresh() reloads; loaded once an answer came. */
export function useCannedReplies(enabled) {
  const [items, setItems] = useState([]);
  const [loaded, setLoaded] = useState(false); // "none yet" is said only once known
  const refresh = useCallback(() => {
    listCannedReplies().then((res) => { setItems(res?.items || []); setLoaded(true); }, () => {});
  }, []);
  useEffect(() => {
    if (!enabled) return undefined;
    let cancelled = false;
    listCannedReplies().then((res) => { if (!cancelled) { setItems(res?.items || []); setLoaded(true); } }, () => {});
    return () => { cancelled = true; };
  }, [enabled]);
  return { items, loaded, refresh };
}

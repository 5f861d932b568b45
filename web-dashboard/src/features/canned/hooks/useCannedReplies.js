import { useCallback, useEffect, useState } from 'react';
import { listCannedReplies } from '../api/canned.js';

/** Shared + own canned replies for the composer; refresh() reloads. */
export function useCannedReplies(enabled) {
  const [items, setItems] = useState([]);
  const refresh = useCallback(() => {
    listCannedReplies().then((res) => setItems(res?.items || []), () => {});
  }, []);
  useEffect(() => {
    if (!enabled) return undefined;
    let cancelled = false;
    listCannedReplies().then((res) => { if (!cancelled) setItems(res?.items || []); }, () => {});
    return () => { cancelled = true; };
  }, [enabled]);
  return { items, refresh };
}

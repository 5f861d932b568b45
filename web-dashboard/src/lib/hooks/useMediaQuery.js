import { useEffect, useState } from 'react';

/** Whether the CSS media query matches now, following its changes. */
export function useMediaQuery(query) {
  const [matches, setMatches] = useState(() => typeof window !== 'undefined' && window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
}

/** Below Tailwind's `sm` breakpoint: a phone. */
export const PHONE = '(max-width: 639px)';

import { useCallback, useEffect, useState } from 'react';
import { t } from '../i18n/index.js';

/**
 * While the page is hidden, answers that arrive make the tab title flash
 * "(1) Tin nhắn mới" (once a second, with the page's own title); it stops
 * and gives the title back when the visitor returns to the tab. Returns the
 * function to call for each answer.
 */
export function useTitleFlash() {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!n) return undefined;
    const base = document.title;
    const text = t('newMessages', { n });
    let on = true;
    document.title = text;
    const timer = setInterval(() => {
      on = !on;
      document.title = on ? text : base;
    }, 1000);
    const back = () => document.hidden || setN(0);
    document.addEventListener('visibilitychange', back);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', back);
      document.title = base;
    };
  }, [n]);
  return useCallback(() => document.hidden && setN((x) => x + 1), []);
}

import { useEffect, useState } from 'react';
import { currentPage, onNavigate } from '../../lib/page.js';

// Proactive greetings (docs/api.md, Settings `greetings`): rules
// [pattern, delaySeconds, text] from the widget config, evaluated here on
// load and on every navigation, so a page view costs the server nothing.
// `*` is any run of characters and anchors both ends; without `*` the
// pattern matches any path containing it.
const matches = (p, path) =>
  p.includes('*') ? new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$').test(path) : path.includes(p);

const KEY = 'chatdesk:greeted';
const greeted = () => {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || [];
  } catch {
    return [];
  }
};

/**
 * The greeting to show beside the launcher (or null) and its dismissal.
 * Each rule shows once per browser session; none while `blocked` (the
 * chat is open, or a conversation is going).
 */
export function useGreeting(rules, blocked) {
  const [text, setText] = useState(null);
  useEffect(() => {
    if (!rules || !rules.length || blocked) return undefined;
    let timer;
    const check = () => {
      clearTimeout(timer);
      const path = currentPage().path;
      const r = rules.find(([p, , g]) => matches(p, path) && !greeted().includes(p + g));
      if (r) {
        timer = setTimeout(() => {
          try {
            sessionStorage.setItem(KEY, JSON.stringify([...greeted(), r[0] + r[2]]));
          } catch {
            /* shown anyway, once per page then */
          }
          setText(r[2]);
        }, r[1] * 1000);
      }
    };
    check();
    const off = onNavigate(check);
    return () => {
      clearTimeout(timer);
      off();
      setText(null);
    };
  }, [rules, blocked]);
  return [text, () => setText(null)];
}

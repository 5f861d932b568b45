// The page the visitor is on, for the agent's visitor panel (page.view,
// docs/protocol.md): the URL path (plus a `#/…` route of hash-routed
// sites), never the query, which may hold personal data; and the title.
export const currentPage = () => ({
  path: (location.pathname + (location.hash.startsWith('#/') ? location.hash : '')).slice(0, 500),
  title: document.title.slice(0, 200),
});

let subs;

/**
 * Calls fn after every navigation of a single-page site (history
 * pushState/replaceState, back/forward, hash changes), once the page had a
 * moment to set its new title. Returns the unsubscribe.
 */
export function onNavigate(fn) {
  if (!subs) {
    subs = new Set();
    const fire = () => setTimeout(() => subs.forEach((f) => f()), 300);
    for (const k of ['pushState', 'replaceState']) {
      const orig = history[k];
      history[k] = function (...a) {
        const r = orig.apply(this, a);
        fire();
        return r;
      };
    }
    addEventListener('popstate', fire);
    addEventListener('hashchange', fire);
  }
  subs.add(fn);
  return () => subs.delete(fn);
}

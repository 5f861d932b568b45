// chatdesk widget loader: one <script async> tag, one host element with a
// Shadow DOM root, one global (window.ChatDesk). Loading it twice is a no-op.
import { render, h } from 'preact';
import css from './styles.css';
import { readLocalConfig } from './config.js';
import { createApi } from './lib/api.js';
import { createSessionStore } from './lib/storage.js';
import { createController, createPublicApi, replay } from './app/controller.js';
import { App } from './app/App.jsx';

const VERSION = '1.0.0';
const HOST_TAG = 'chatdesk-widget';
const MARK = '__chatdeskWidget';

// The page's CSS reaches the host element only: reset it with inline
// !important declarations, which beat any stylesheet rule (even
// `* { all: unset !important }` or `div { display: none !important }`).
// They are set through the CSSOM, which a strict CSP (style-src without
// 'unsafe-inline') allows, unlike a style="" attribute.
const HOST_STYLE = [
  ['all', 'initial'], ['display', 'block'], ['position', 'fixed'], ['z-index', '2147483647'],
  ['width', '0'], ['height', '0'], ['top', 'auto'], ['left', 'auto'], ['right', '0'], ['bottom', '0'],
  ['margin', '0'], ['padding', '0'], ['border', '0'], ['visibility', 'visible'], ['opacity', '1'],
  ['transform', 'none'], ['filter', 'none'], ['contain', 'none'], ['overflow', 'visible'],
  ['pointer-events', 'auto'], ['font-size', '16px'], ['line-height', 'normal'], ['direction', 'ltr'],
];

/** Puts the CSS into the shadow root: a constructed sheet where supported (CSP-proof), else <style>. */
function adoptStyles(root) {
  try {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      return;
    }
  } catch {
    /* fall back to a <style> element */
  }
  const style = document.createElement('style');
  style.textContent = css;
  root.appendChild(style);
}

function currentScript() {
  const s = document.currentScript;
  if (s && s.src) return s;
  const all = document.querySelectorAll('script[src*="widget.js"]');
  return all.length ? all[all.length - 1] : null;
}

function boot() {
  const w = window;
  const existing = w.ChatDesk;
  if ((existing && existing[MARK]) || document.querySelector(HOST_TAG)) return; // second copy
  const globalConfig = existing && typeof existing === 'object' ? existing : null;
  const local = readLocalConfig(currentScript(), globalConfig, location.origin);
  const controller = createController(!!local.open);
  const store = createSessionStore(local.server);
  const publicApi = createPublicApi(controller, store);
  publicApi.version = VERSION;
  Object.defineProperty(publicApi, MARK, { value: true });
  w.ChatDesk = publicApi;
  // Calls the page made before the script loaded (the stub of the README).
  replay(publicApi, globalConfig && globalConfig.q);

  const mount = () => {
    try {
      mountUI();
    } catch (e) {
      // Never break the host page (e.g. a browser without Shadow DOM).
      if (window.console) console.error('[chatdesk]', e);
    }
  };
  const mountUI = () => {
    if (document.querySelector(HOST_TAG)) return;
    const host = document.createElement(HOST_TAG);
    host.id = 'chatdesk-root';
    for (const [prop, value] of HOST_STYLE) host.style.setProperty(prop, value, 'important');
    const root = host.attachShadow({ mode: 'open' });
    adoptStyles(root);
    const container = document.createElement('div');
    root.appendChild(container);
    document.body.appendChild(host);
    const api = createApi(local.server);
    render(h(App, { local, controller, api, store }), container);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}

try {
  boot();
} catch (e) {
  // Never break the host page.
  if (window.console) console.error('[chatdesk]', e);
}

// Widget configuration: defaults < GET /api/widget/config (server side) <
// window.ChatDesk = {...} < data-* attributes on the script tag. What the
// page says explicitly wins over what the server says.

import { parseColor } from './lib/format.js';
import { t, lang } from './i18n/index.js';

export const DEFAULTS = {
  color: '#2563eb',
  position: 'right',
};

/**
 * @typedef {{server: string, title?: string, greeting?: string, color?: string, position?: 'left'|'right', open?: boolean, lang?: 'vi'|'en'}} LocalConfig
 * @typedef {{server: string, title: string, greeting: string, color: string, position: 'left'|'right'}} Config
 */

function pick(src, out) {
  if (!src || typeof src !== 'object') return;
  for (const k of ['server', 'title', 'greeting']) {
    if (typeof src[k] === 'string' && src[k].trim()) out[k] = src[k].trim();
  }
  const c = parseColor(src.color);
  if (c) out.color = c;
  if (src.position === 'left' || src.position === 'right') out.position = src.position;
  if (src.open === true || src.open === 'true') out.open = true;
  if (src.lang === 'vi' || src.lang === 'en') out.lang = src.lang;
}

/**
 * Reads what the page configured.
 * @param {HTMLScriptElement|null} script the widget's own <script> tag
 * @param {any} globalConfig window.ChatDesk as the page left it (if a plain object)
 * @param {string} pageOrigin
 * @returns {LocalConfig}
 */
export function readLocalConfig(script, globalConfig, pageOrigin) {
  /** @type {any} */
  const out = {};
  pick(globalConfig, out);
  if (script) {
    const ds = script.dataset || {};
    pick({ server: ds.server, title: ds.title, greeting: ds.greeting, color: ds.color, position: ds.position, open: ds.open, lang: ds.lang }, out);
  }
  if (!out.server) {
    try {
      out.server = new URL(script && script.src ? script.src : pageOrigin, pageOrigin).origin;
    } catch {
      out.server = pageOrigin;
    }
  }
  try {
    const u = new URL(out.server, pageOrigin);
    out.server = u.origin + u.pathname.replace(/\/+$/, '');
  } catch {
    out.server = pageOrigin;
  }
  return out;
}

/**
 * @param {LocalConfig} local
 * @param {any} remote answer of GET /api/widget/config (or null)
 * @returns {Config}
 */
export function mergeConfig(local, remote) {
  /** @type {any} */
  const fromServer = {};
  // The admin's title and greeting are Vietnamese: an English widget keeps
  // its own unless the page gives them (data-title, data-greeting).
  pick(remote && (lang === 'en' ? { color: remote.color } : { title: remote.title, greeting: remote.greeting, color: remote.color }), fromServer);
  return { title: t('title'), greeting: t('greeting'), ...DEFAULTS, ...fromServer, ...local };
}

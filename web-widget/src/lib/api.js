// REST calls the widget makes (docs/api.md). fetch is injected so the
// connection client can be tested without a browser.

import { ERROR_CODE, toApiError } from './protocol.js';
import { t } from '../i18n/index.js';

const network = () => ({ status: 0, code: 'network', message: t('network') });

/**
 * @typedef {import('./protocol.js').ApiError & {status: number}} HttpError
 */

/**
 * Did the server itself (a JSON error with our codes, not a proxy's 404
 * page during a deploy) refuse this visitor's token or conversation?
 * @param {any} e an HttpError
 */
export function isTokenRejected(e) {
  if (!e) return false;
  if (e.status === 401) return e.code === ERROR_CODE.UNAUTHORIZED;
  if (e.status === 403) return e.code === ERROR_CODE.FORBIDDEN || e.code === ERROR_CODE.ACCOUNT_DISABLED;
  if (e.status === 404) return e.code === ERROR_CODE.NOT_FOUND;
  return false;
}

/**
 * Creates the REST client for one server origin.
 * @param {string} server e.g. "https://chat.example.com"
 * @param {typeof fetch} [fetchImpl]
 */
export function createApi(server, fetchImpl) {
  const f = fetchImpl || ((...a) => globalThis.fetch(...a));
  const base = server.replace(/\/+$/, '');

  /**
   * @param {string} method
   * @param {string} path
   * @param {{body?: any, token?: string}} [opts]
   * @returns {Promise<any>} the JSON body; rejects with an HttpError
   */
  async function request(method, path, opts = {}) {
    /** @type {Record<string,string>} */
    const headers = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
    let res;
    try {
      res = await f(base + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        credentials: 'omit',
        mode: 'cors',
      });
    } catch {
      throw network();
    }
    let data = null;
    if (res.status !== 204) {
      try {
        data = await res.json();
      } catch {
        data = null;
      }
    }
    if (!res.ok) {
      const e = toApiError(data && data.error, res.status >= 500 ? t('network') : undefined);
      if (e.retryAfter === undefined && res.headers && res.headers.get) {
        const ra = Number(res.headers.get('Retry-After'));
        if (ra > 0) e.retryAfter = ra;
      }
      throw { ...e, status: res.status };
    }
    return data;
  }

  const enc = encodeURIComponent;
  return {
    request,
    /** @returns {Promise<{title?: string, greeting?: string, color?: string, supportOnline?: boolean}>} */
    widgetConfig: () => request('GET', '/api/widget/config'),
    /** The widget's strings in another language (en.json, served beside widget.js). */
    strings: (l) => request('GET', `/widget.${l}.json`),
    /** @returns {Promise<{items: any[]}>} */
    formFields: () => request('GET', '/api/form-fields'),
    /** @returns {Promise<{conversation: any, visitorToken: string}>} */
    createConversation: (body) => request('POST', '/api/conversations', { body }),
    getConversation: (id, token) => request('GET', `/api/conversations/${enc(id)}`, { token }),
    /** @returns {Promise<{items: any[], next: number|null}>} */
    listMessages: (id, token, after, limit = 100) =>
      request('GET', `/api/conversations/${enc(id)}/messages?after=${after}&limit=${limit}`, { token }),
    sendMessage: (id, token, text, clientId) =>
      request('POST', `/api/conversations/${enc(id)}/messages`, { token, body: { text, clientId } }),
    typing: (id, token, typing) => request('POST', `/api/conversations/${enc(id)}/typing`, { token, body: { typing } }),
    read: (id, token, seq) => request('POST', `/api/conversations/${enc(id)}/read`, { token, body: { seq } }),
    /** @returns {Promise<{conversation: any}>} */
    rate: (id, token, stars, comment) =>
      request('POST', `/api/conversations/${enc(id)}/rating`, { token, body: { stars, comment } }),
    /** @returns {Promise<{conversation: any}>} */
    handoff: (id, token) => request('POST', `/api/conversations/${enc(id)}/handoff`, { token }),
    /** Emails the conversation to the visitor. @returns {Promise<{sent: boolean, email: string}>} */
    transcript: (id, token, email) => request('POST', `/api/conversations/${enc(id)}/transcript`, { token, body: { email } }),
    /**
     * Downloads with the Authorization header (attachments are not public).
     * @returns {Promise<Blob>}
     */
    async blob(path, token) {
      const res = await f(base + path, { headers: { Authorization: 'Bearer ' + token }, credentials: 'omit', mode: 'cors' });
      if (!res.ok) throw { status: res.status };
      return res.blob();
    },
    /**
     * Sends a file as a message: multipart (clientId first, then text, file)
     * through XMLHttpRequest for the upload progress.
     * @param {{clientId: string, file: Blob & {name?: string}, text?: string}} p
     * @param {(percent: number) => void} onProgress
     * @returns {Promise<{message: any}>} rejects with an HttpError
     */
    upload: (id, token, p, onProgress) => new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      const fd = new FormData();
      fd.append('clientId', p.clientId);
      if (p.text) fd.append('text', p.text);
      fd.append('file', p.file, p.file.name || 'file');
      x.open('POST', `${base}/api/conversations/${enc(id)}/attachments`);
      x.setRequestHeader('Authorization', 'Bearer ' + token);
      x.setRequestHeader('Accept', 'application/json');
      x.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.floor((100 * e.loaded) / e.total));
      x.onload = () => {
        let data = null;
        try {
          data = JSON.parse(x.responseText);
        } catch {
          /* not JSON */
        }
        if (x.status < 300) return resolve(data);
        const e = toApiError(data && data.error, x.status >= 500 ? t('network') : undefined);
        if (x.status === 413 && !(data && data.error)) e.message = t('tooLarge'); // a proxy's own 413
        reject({ ...e, status: x.status });
      };
      x.onerror = x.onabort = x.ontimeout = () => reject(network());
      x.send(fd);
    }),
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */

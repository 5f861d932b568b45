// Fetch wrapper for the chatdesk REST API (docs/api.md).
// - adds `Authorization: Bearer <token>` when a token is configured
// - maps every failure to an ApiError with the server's {error:{code,message,fields}}
// - a 401 on an authenticated request logs the user out with a Vietnamese message
import { ERROR_CODE } from '../realtime/protocol.js';

// The server's error codes (from internal/protocol/wire.js), for the callers
// that tell one ApiError from another.
export { ERROR_CODE };

export const SESSION_EXPIRED_MESSAGE = 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.';
export const ACCOUNT_DISABLED_MESSAGE = 'Tài khoản của bạn đã bị vô hiệu hoá.';

const FALLBACK_MESSAGES = {
  [ERROR_CODE.INVALID_INPUT]: 'Dữ liệu không hợp lệ.',
  [ERROR_CODE.UNAUTHORIZED]: 'Bạn cần đăng nhập.',
  [ERROR_CODE.FORBIDDEN]: 'Bạn không có quyền thực hiện thao tác này.',
  [ERROR_CODE.ACCOUNT_DISABLED]: 'Tài khoản đã bị vô hiệu hoá.',
  [ERROR_CODE.NOT_ASSIGNED]: 'Chỉ nhân viên đang phụ trách cuộc trò chuyện mới được trả lời.',
  [ERROR_CODE.NOT_FOUND]: 'Không tìm thấy dữ liệu.',
  [ERROR_CODE.ALREADY_ASSIGNED]: 'Cuộc trò chuyện đã có người khác nhận.',
  [ERROR_CODE.CONFLICT]: 'Dữ liệu vừa thay đổi, vui lòng thử lại.',
  [ERROR_CODE.TOO_LARGE]: 'Nội dung quá dài.',
  [ERROR_CODE.UNSUPPORTED_TYPE]: 'Loại tệp này không được hỗ trợ.',
  [ERROR_CODE.RATE_LIMITED]: 'Bạn thao tác quá nhanh, vui lòng thử lại sau.',
  [ERROR_CODE.ACCOUNT_LOCKED]: 'Tài khoản tạm thời bị khoá do đăng nhập sai nhiều lần.',
  [ERROR_CODE.UNAVAILABLE]: 'Hệ thống đang bận, vui lòng thử lại.',
  [ERROR_CODE.INTERNAL]: 'Đã xảy ra lỗi, vui lòng thử lại.',
  network: 'Không kết nối được máy chủ. Kiểm tra mạng và thử lại.',
};

export class ApiError extends Error {
  constructor({ status = 0, code = ERROR_CODE.INTERNAL, message, fields = null, retryAfter = null }) {
    super(message || FALLBACK_MESSAGES[code] || FALLBACK_MESSAGES[ERROR_CODE.INTERNAL]);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }
}

const CODE_BY_STATUS = {
  400: ERROR_CODE.INVALID_INPUT,
  401: ERROR_CODE.UNAUTHORIZED,
  403: ERROR_CODE.FORBIDDEN,
  404: ERROR_CODE.NOT_FOUND,
  409: ERROR_CODE.CONFLICT,
  413: ERROR_CODE.TOO_LARGE,
  415: ERROR_CODE.UNSUPPORTED_TYPE,
  429: ERROR_CODE.RATE_LIMITED,
  503: ERROR_CODE.UNAVAILABLE,
};

/** Turns a non-2xx response status + parsed body into an ApiError. */
export function toApiError(status, body, headers) {
  const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : null;
  const code = (e && typeof e.code === 'string' && e.code) || CODE_BY_STATUS[status] || ERROR_CODE.INTERNAL;
  let retryAfter = e && typeof e.retryAfter === 'number' ? e.retryAfter : null;
  if (retryAfter == null && headers && typeof headers.get === 'function') {
    const h = Number(headers.get('Retry-After'));
    if (Number.isFinite(h) && h > 0) retryAfter = h;
  }
  return new ApiError({
    status,
    code,
    message: e && typeof e.message === 'string' ? e.message : undefined,
    fields: e && e.fields && typeof e.fields === 'object' ? e.fields : null,
    retryAfter,
  });
}

const config = {
  baseUrl: '/api',
  getToken: () => null,
  onUnauthorized: () => {},
  fetch: (...args) => globalThis.fetch(...args),
};

/** Configure the shared client (called once by the auth provider). */
export function configureApiClient(opts) {
  Object.assign(config, opts);
}

function buildUrl(path, query) {
  let url = config.baseUrl + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      params.set(k, String(v));
    }
    const s = params.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

/**
 * request('GET', '/conversations', {query, body, auth, token, signal, keepalive})
 * auth=false: no bearer token and a 401 does not log out (login form).
 */
export async function request(method, path, { query, body, auth = true, token, signal, keepalive } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = token || (auth ? config.getToken() : null);
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await config.fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      keepalive, // outlives the page (a resolve sent as the page goes away)
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network' });
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (!res.ok) {
    const error = toApiError(res.status, data, res.headers);
    if (res.status === 401 && auth && bearer) {
      config.onUnauthorized(SESSION_EXPIRED_MESSAGE, error);
    } else if (error.code === ERROR_CODE.ACCOUNT_DISABLED && auth && bearer) {
      config.onUnauthorized(ACCOUNT_DISABLED_MESSAGE, error);
    }
    throw error;
  }
  return data;
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function handleFailure(status, data, headers, bearer) {
  const error = toApiError(status, data, headers);
  if (status === 401 && bearer) config.onUnauthorized(SESSION_EXPIRED_MESSAGE, error);
  else if (error.code === ERROR_CODE.ACCOUNT_DISABLED && bearer) config.onUnauthorized(ACCOUNT_DISABLED_MESSAGE, error);
  return error;
}

/** GET bytes with the Authorization header (attachments) → Blob. */
export async function fetchBlob(path, { signal } = {}) {
  const bearer = config.getToken();
  const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  let res;
  try {
    res = await config.fetch(buildUrl(path), { headers, signal });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network' });
  }
  if (!res.ok) throw handleFailure(res.status, parseJson(await res.text().catch(() => '')), res.headers, bearer);
  return res.blob();
}

/** POST a JSON body, answer as bytes (a download: an export) → Blob. */
export async function postBlob(path, body) {
  const bearer = config.getToken();
  const headers = { 'Content-Type': 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let res;
  try {
    res = await config.fetch(buildUrl(path), { method: 'POST', headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError({ status: 0, code: 'network' });
  }
  if (!res.ok) throw handleFailure(res.status, parseJson(await res.text().catch(() => '')), res.headers, bearer);
  return res.blob();
}

/**
 * multipart POST (or `method`) through XMLHttpRequest (upload progress): resolves the JSON
 * answer, rejects an ApiError (server's message) or an AbortError.
 * onProgress(fraction 0..1).
 */
export function uploadForm(path, formData, { onProgress, signal, method = 'POST' } = {}) {
  return new Promise((resolve, reject) => {
    const XHR = globalThis.XMLHttpRequest;
    const xhr = new XHR();
    const bearer = config.getToken();
    xhr.open(method, buildUrl(path));
    xhr.setRequestHeader('Accept', 'application/json');
    if (bearer) xhr.setRequestHeader('Authorization', `Bearer ${bearer}`);
    if (xhr.upload && onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
    }
    const abort = () => xhr.abort();
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('Aborted', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', abort, { once: true });
    }
    const done = () => signal?.removeEventListener('abort', abort);
    xhr.onload = () => {
      done();
      const data = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        resolve(data);
        return;
      }
      const headers = { get: (h) => xhr.getResponseHeader(h) };
      reject(handleFailure(xhr.status, data, headers, bearer));
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError({ status: 0, code: 'network' }));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('Aborted', 'AbortError'));
    };
    xhr.send(formData);
  });
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body === undefined ? {} : body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  delete: (path, opts) => request('DELETE', path, opts),
};

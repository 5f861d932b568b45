import { describe, it, expect, vi, beforeEach } from 'vitest';
import { ApiError, ERROR_CODE, toApiError, configureApiClient, api, SESSION_EXPIRED_MESSAGE } from './index.js';

function response(status, body, headers = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (k) => headers[k] ?? null },
    text: async () => text,
  };
}

describe('toApiError', () => {
  it('keeps the server code, message and fields', () => {
    const e = toApiError(400, { error: { code: ERROR_CODE.INVALID_INPUT, message: 'Sai dữ liệu', fields: { phone: 'Số điện thoại không hợp lệ' } } });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe(ERROR_CODE.INVALID_INPUT);
    expect(e.message).toBe('Sai dữ liệu');
    expect(e.fields).toEqual({ phone: 'Số điện thoại không hợp lệ' });
    expect(e.status).toBe(400);
  });
  it('falls back to a code from the status and a Vietnamese message', () => {
    const e = toApiError(409, null);
    expect(e.code).toBe(ERROR_CODE.CONFLICT);
    expect(e.message).toMatch(/thay đổi/);
    expect(toApiError(502, 'Bad gateway').code).toBe(ERROR_CODE.INTERNAL);
  });
  it('reads retryAfter from the body or the Retry-After header', () => {
    expect(toApiError(429, { error: { code: ERROR_CODE.RATE_LIMITED, message: 'x', retryAfter: 7 } }).retryAfter).toBe(7);
    expect(toApiError(429, { error: { code: ERROR_CODE.RATE_LIMITED, message: 'x' } }, { get: () => '12' }).retryAfter).toBe(12);
  });
});

describe('request', () => {
  let fetchMock;
  let onUnauthorized;
  beforeEach(() => {
    fetchMock = vi.fn();
    onUnauthorized = vi.fn();
    configureApiClient({ fetch: fetchMock, getToken: () => 'tok-1', onUnauthorized, baseUrl: '/api' });
  });

  it('sends the bearer token and JSON body, builds the query string', async () => {
    fetchMock.mockResolvedValue(response(200, { items: [], next: null }));
    const res = await api.get('/conversations', { query: { q: '0912', status: 'waiting,assigned', cursor: undefined, from: '' } });
    expect(res).toEqual({ items: [], next: null });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/conversations?q=0912&status=waiting%2Cassigned');
    expect(init.headers.Authorization).toBe('Bearer tok-1');
    fetchMock.mockResolvedValue(response(201, { message: { id: 'm1' } }));
    await api.post('/conversations/c1/messages', { text: 'Chào', clientId: 'c-1' });
    const [, init2] = fetchMock.mock.calls[1];
    expect(init2.method).toBe('POST');
    expect(init2.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init2.body)).toEqual({ text: 'Chào', clientId: 'c-1' });
  });

  it('returns null for 204', async () => {
    fetchMock.mockResolvedValue(response(204));
    await expect(api.put('/agents/me/status', { status: 'away' })).resolves.toBeNull();
  });

  it('maps errors and logs out on 401 with the Vietnamese message', async () => {
    fetchMock.mockResolvedValue(response(401, { error: { code: ERROR_CODE.UNAUTHORIZED, message: 'Token hết hạn' } }));
    const err = await api.get('/auth/me').catch((e) => e);
    expect(err.code).toBe(ERROR_CODE.UNAUTHORIZED);
    expect(onUnauthorized).toHaveBeenCalledWith(SESSION_EXPIRED_MESSAGE, err);
    expect(SESSION_EXPIRED_MESSAGE).toBe('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.');
  });

  it('logs out a disabled account (403 account_disabled)', async () => {
    fetchMock.mockResolvedValue(response(403, { error: { code: ERROR_CODE.ACCOUNT_DISABLED, message: 'Tài khoản đã bị vô hiệu hoá.' } }));
    await api.get('/agents').catch(() => {});
    expect(onUnauthorized).toHaveBeenCalledWith('Tài khoản của bạn đã bị vô hiệu hoá.', expect.objectContaining({ code: ERROR_CODE.ACCOUNT_DISABLED }));
  });

  it('does not log out for a bad login (auth:false)', async () => {
    fetchMock.mockResolvedValue(response(401, { error: { code: ERROR_CODE.UNAUTHORIZED, message: 'Sai email hoặc mật khẩu' } }));
    const err = await api.post('/auth/login', { email: 'a', password: 'b' }, { auth: false }).catch((e) => e);
    expect(err.message).toBe('Sai email hoặc mật khẩu');
    expect(onUnauthorized).not.toHaveBeenCalled();
    expect(fetchMock.mock.calls[0][1].headers.Authorization).toBeUndefined();
  });

  it('does not log out on 403 not_assigned and keeps the server message', async () => {
    fetchMock.mockResolvedValue(response(403, { error: { code: ERROR_CODE.NOT_ASSIGNED, message: 'Chỉ nhân viên đang phụ trách cuộc trò chuyện mới được trả lời.' } }));
    const err = await api.post('/conversations/c1/messages', { text: 'x', clientId: 'c' }).catch((e) => e);
    expect(err.code).toBe(ERROR_CODE.NOT_ASSIGNED);
    expect(err.status).toBe(403);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('maps a network failure to code network', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const err = await api.get('/agents').catch((e) => e);
    expect(err.code).toBe('network');
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/Không kết nối/);
  });
});

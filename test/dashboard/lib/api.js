// Small REST client for the tests (docs/api.md).
export function apiClient(baseUrl) {
  async function call(method, path, { token, body } = {}) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(baseUrl + '/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { raw: text };
    }
    return { status: res.status, body: json };
  }
  return {
    call,
    async login(email, password = 'matkhau123') {
      const r = await call('POST', '/auth/login', { body: { email, password } });
      if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

/** Polls fn until it returns a truthy value. */
export async function eventually(fn, { timeout = 10000, interval = 200, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${message}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

/**
 * Makes agentId the owner of conversation convId, whatever round robin did:
 * the agent claims it while nobody owns it, otherwise the admin transfers it
 * (the assignment is one more frame, so both are retried until it holds).
 * token is the agent's, adminToken an admin's. Returns the conversation.
 */
export function ownConversation(api, convId, { token, agentId, adminToken }) {
  return eventually(async () => {
    const c = (await api.call('GET', `/conversations/${convId}`, { token })).body.conversation;
    if (c.assigneeId === agentId) return c;
    if (!c.assigneeId) await api.call('POST', `/conversations/${convId}/claim`, { token });
    else await api.call('POST', `/conversations/${convId}/transfer`, { token: adminToken, body: { agentId } });
    return false;
  }, { message: `agent ${agentId} owns conversation ${convId}` });
}

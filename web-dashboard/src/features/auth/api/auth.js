import { api } from '../../../lib/api-client/index.js';

/** POST /api/auth/login → {token, expiresAt, agent}. A 401 here is a bad login, not an expired session. */
export function login(email, password) {
  return api.post('/auth/login', { email, password }, { auth: false });
}

/** POST /api/auth/refresh → {token, expiresAt, agent} */
export function refreshToken() {
  return api.post('/auth/refresh');
}

/** GET /api/auth/me → {agent} */
export function getMe() {
  return api.get('/auth/me');
}

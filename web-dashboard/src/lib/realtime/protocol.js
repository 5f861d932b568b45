// The ONE module of the dashboard that knows the chatdesk WebSocket protocol
// (docs/protocol.md): frame types, envelopes, close codes and the reconnect
// schedule. The names themselves are re-exported from wire.js.

// `client=dashboard` gives the socket the server's deeper send queue: a
// dashboard receives every conversation's inbox updates, in bursts.
export const WS_PATH = '/ws?client=dashboard';

// Frame names, close codes, change names, error codes and limits come from
// the one module generated from the Go protocol package (go generate
// ./internal/protocol), shared with the widget. A relative path, because it
// lives outside this folder and must resolve in vite and vitest alike.
import { REQ, EVT, CHANGE, CLOSE, ERROR_CODE, LIMITS, LEFT, UPLOAD } from '../../../../internal/protocol/wire.js';

export { REQ, EVT, CHANGE, CLOSE, ERROR_CODE, LIMITS, LEFT, UPLOAD };

// wire.js keeps its tables plain (the widget's minifier drops the names it
// does not read); here nobody renames a frame at run time.
for (const table of [REQ, EVT, CHANGE, CLOSE, ERROR_CODE, LIMITS, LEFT, UPLOAD]) Object.freeze(table);

/** Close codes after which the client must not retry without a new token. */
export const FATAL_CLOSE_CODES = new Set([CLOSE.UNAUTHORIZED, CLOSE.DISABLED]);

export const MAX_FRAME_BYTES = LIMITS.MAX_FRAME_BYTES;
export const MAX_TEXT_CHARS = LIMITS.MAX_TEXT_CHARS;
export const TYPING_THROTTLE_MS = 2000;
export const TYPING_EXPIRE_MS = 6000;
export const GAP_WAIT_MS = 2000;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30000;
export const BACKOFF_RESET_AFTER_MS = 10000;
export const DRAIN_JITTER_MS = 2000;

/** Full jitter: random(0, min(30 s, 0.5 s × 2^attempt)). */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** First retry after EVT.SERVER_DRAINING: random(0, 2 s). */
export function drainDelay(random = Math.random) {
  return Math.floor(random() * DRAIN_JITTER_MS);
}

export function encode(type, data = {}, id) {
  const env = { type, data };
  if (id !== undefined && id !== null) env.id = id;
  return JSON.stringify(env);
}

/** Parses one frame; returns null for anything that is not a valid envelope. */
export function decode(raw) {
  if (typeof raw !== 'string') return null;
  let env;
  try {
    env = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!env || typeof env !== 'object' || typeof env.type !== 'string') return null;
  const data = env.data && typeof env.data === 'object' ? env.data : {};
  return { type: env.type, id: typeof env.id === 'string' ? env.id : null, data };
}

/** Same-origin ws(s):// URL of the endpoint. */
export function wsUrl(loc = globalThis.location) {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}${WS_PATH}`;
}

/** Valid clientId per protocol: 1–64 chars [A-Za-z0-9_-]. */
export function isValidClientId(id) {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

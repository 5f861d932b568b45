// The ONE module that knows the chatdesk WebSocket protocol (docs/protocol.md):
// frame types, envelopes, close codes and the reconnect schedule.

// `client=dashboard` gives the socket the server's deeper send queue: a
// dashboard receives every conversation's inbox updates, in bursts.
export const WS_PATH = '/ws?client=dashboard';

/** Requests (client → server). */
export const REQ = Object.freeze({
  HELLO: 'hello',
  MESSAGE_SEND: 'message.send',
  TYPING: 'typing',
  READ: 'conversation.read',
  JOIN: 'conversation.join',
  LEAVE: 'conversation.leave',
  SYNC: 'sync',
  AGENT_STATUS: 'agent.status',
});

/** Replies and events (server → client). */
export const EVT = Object.freeze({
  ACK: 'ack',
  ERROR: 'error',
  SESSION_READY: 'session.ready',
  MESSAGE_CREATED: 'message.created',
  REPLAY_DONE: 'replay.done',
  TYPING: 'typing',
  CONVERSATION_CREATED: 'conversation.created',
  CONVERSATION_UPDATED: 'conversation.updated',
  AGENT_PRESENCE: 'agent.presence',
  SUPPORT_STATUS: 'support.status',
  SESSION_RESYNC: 'session.resync',
  SERVER_DRAINING: 'server.draining',
});

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_DISABLED = 4403;
/** Close codes after which the client must not retry without a new token. */
export const FATAL_CLOSE_CODES = new Set([CLOSE_UNAUTHORIZED, CLOSE_DISABLED]);

export const MAX_FRAME_BYTES = 16 * 1024;
export const MAX_TEXT_CHARS = 4000;
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

/** First retry after `server.draining`: random(0, 2 s). */
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

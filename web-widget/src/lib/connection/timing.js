// The connection's timing, in one place: how long the client waits for
// what, and how often it retries or polls (docs/protocol.md). How long it
// waits before reconnecting is the backoff (backoff.js).

/** A session that stayed ready this long resets the backoff. */
export const HEALTHY_MS = 10_000;
/** Without session.ready this long after opening, the attempt has failed. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Without replay.done this long after session.ready, go on as if it came. */
export const REPLAY_TIMEOUT_MS = 15_000;
/** A gap in seq not filled within this time triggers `sync`. */
export const GAP_MS = 2_000;
/** An unacknowledged send is shown as failed after this long. */
export const ACK_TIMEOUT_MS = 12_000;
/** Typing frames while typing: at most one per 2 s. */
export const TYPING_THROTTLE_MS = 2_000;
/** The other side's typing indicator clears itself after 6 s. */
export const TYPING_CLEAR_MS = 6_000;
/** Consecutive failed WebSocket opens before trying the REST fallback. */
export const FALLBACK_AFTER = 3;
/** REST fallback poll interval. */
export const POLL_MS = 3_000;
/** While on REST, a WebSocket attempt every random(15 s, 30 s). */
export const FALLBACK_WS_RETRY_MIN_MS = 15_000;

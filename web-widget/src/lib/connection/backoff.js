// Exponential backoff with full jitter (docs/protocol.md "Reconnect"):
// delay = random(0, min(30 s, 0.5 s × 2^attempt)).

export const BASE_MS = 500;
export const CAP_MS = 30_000;
/** After server.draining the first retry waits random(0, 2 s). */
export const DRAIN_CAP_MS = 2_000;

/**
 * Upper bound of the delay before retry number `attempt` (0-based).
 * @param {number} attempt
 */
export function backoffCap(attempt) {
  const a = Math.max(0, Math.min(attempt, 30)); // 2^30 × 0.5 s is far past the cap
  return Math.min(CAP_MS, BASE_MS * 2 ** a);
}

/**
 * @param {number} attempt 0-based number of the retry
 * @param {() => number} [random] uniform in [0, 1)
 */
export function backoffDelay(attempt, random = Math.random) {
  return Math.floor(random() * backoffCap(attempt));
}

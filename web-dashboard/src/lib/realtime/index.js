// The single realtime client shared by the whole dashboard.
import { RealtimeClient } from './client.js';
import { wsUrl } from './protocol.js';

let instance = null;

/** Returns the app-wide client, creating it on first use. */
export function getRealtime(opts) {
  if (!instance) instance = new RealtimeClient({ url: () => wsUrl(), ...opts });
  return instance;
}

export function resetRealtime() {
  if (instance) instance.stop();
  instance = null;
}

export { RealtimeClient, RealtimeError } from './client.js';
export * from './protocol.js';
export { createThreadFeed } from './feed.js';

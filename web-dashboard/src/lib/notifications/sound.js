// Which realtime events make a sound, once each, and the agent's own sound
// setting. Pure: the provider feeds it events and plays what it says.
import { CHANGE, EVT } from '../realtime/protocol.js';

/** on: always; hidden: only while the tab is hidden; off: never. */
export const SOUND_MODES = ['on', 'hidden', 'off'];
export const DEFAULT_SOUND_MODE = 'on';

const storageKey = (agentId) => `chatdesk:sound:${agentId || 'anon'}`;

/** The agent's setting, kept in this browser's localStorage (per agent, not synced between browsers). */
export function loadSoundMode(agentId, storage = globalThis.localStorage) {
  try {
    const v = storage?.getItem(storageKey(agentId));
    return SOUND_MODES.includes(v) ? v : DEFAULT_SOUND_MODE;
  } catch {
    return DEFAULT_SOUND_MODE;
  }
}

export function saveSoundMode(agentId, mode, storage = globalThis.localStorage) {
  if (!SOUND_MODES.includes(mode)) return;
  try {
    storage?.setItem(storageKey(agentId), mode);
  } catch {
    /* private mode: the setting lasts this page */
  }
}

export function soundAllowed(mode, hidden) {
  return mode === 'on' || (mode === 'hidden' && !!hidden);
}

/**
 * One announcement per event: a new conversation, a visitor message (by its
 * seq) in a conversation that is mine or waiting for someone, a visitor asking
 * for a person. The same conversation reaches an agent in several frames (the
 * creation, its first message, the assignment, a duplicate after a resync):
 * each visitor message is announced once, and a new conversation's first
 * message is announced by its creation. Returns true (sound and notify), false
 * (nothing) or 'silent': a creation that reaches me after its first message
 * already sounded — the desktop notification (same tag) says it is new, without
 * a second sound.
 */
export function createAnnouncer() {
  const seen = new Map(); // conversation id → highest visitor seq announced
  const handoffs = new Set();
  const created = new Set();
  return function announce(type, data, meId) {
    const c = data?.conversation;
    if (!c?.id) return false;
    const seq = c.lastMessage?.seq || 0;
    const done = seen.get(c.id);
    if (type === EVT.CONVERSATION_CREATED) {
      if (created.has(c.id)) return false;
      created.add(c.id);
      if (done !== undefined) return 'silent'; // its first message already sounded: say "new" without a sound
      seen.set(c.id, Math.max(seq, 1));
      return true;
    }
    if (type !== EVT.CONVERSATION_UPDATED) return false;
    if (data.change === CHANGE.HANDOFF) {
      if (handoffs.has(c.id)) return false;
      handoffs.add(c.id);
      return true;
    }
    if (data.change !== CHANGE.MESSAGE || c.lastMessage?.senderType !== 'visitor') return false;
    if (c.assigneeId && c.assigneeId !== meId && c.status !== 'waiting') return false;
    if (done !== undefined && seq <= done) return false;
    seen.set(c.id, seq);
    return true;
  };
}

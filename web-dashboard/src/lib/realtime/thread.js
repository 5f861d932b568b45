// Pure state of one conversation thread: messages ordered by seq, deduplicated
// by id, the highest gap-free seq, and local pending messages keyed by clientId.

export function emptyThread() {
  return { messages: [], ids: new Set(), gapFreeSeq: 0, maxSeq: 0, pending: [] };
}

function gapFreeFrom(messages, start) {
  // messages are sorted by seq; find the highest n with 1..n all present.
  let n = start;
  const seqs = new Set(messages.map((m) => m.seq));
  while (seqs.has(n + 1)) n += 1;
  return n;
}

/** Adds messages (any order, duplicates allowed); returns a new state or the same one if nothing changed. */
export function addMessages(state, incoming) {
  const fresh = [];
  const seen = new Set(state.ids);
  for (const m of incoming) {
    if (!m || typeof m.id !== 'string' || typeof m.seq !== 'number') continue;
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    fresh.push(m);
  }
  if (fresh.length === 0) return state;
  const messages = state.messages.concat(fresh);
  messages.sort((a, b) => a.seq - b.seq);
  // A (different) message already holding a seq wins; drop any later duplicate seq.
  const dedup = [];
  for (const m of messages) {
    if (dedup.length && dedup[dedup.length - 1].seq === m.seq) continue;
    dedup.push(m);
  }
  const clientIds = new Set(fresh.map((m) => m.clientId).filter(Boolean));
  const pending = clientIds.size ? state.pending.filter((p) => !clientIds.has(p.clientId)) : state.pending;
  const maxSeq = dedup.length ? dedup[dedup.length - 1].seq : 0;
  return {
    messages: dedup,
    ids: seen,
    gapFreeSeq: gapFreeFrom(dedup, state.gapFreeSeq),
    maxSeq,
    pending,
  };
}

/** True when a message with seq above the gap-free prefix is held (something is missing). */
export function hasGap(state) {
  return state.maxSeq > state.gapFreeSeq;
}

/** Missing seqs between the gap-free prefix and the highest seq held. */
export function missingSeqs(state) {
  const have = new Set(state.messages.map((m) => m.seq));
  const out = [];
  for (let s = state.gapFreeSeq + 1; s < state.maxSeq; s += 1) if (!have.has(s)) out.push(s);
  return out;
}

export function addPending(state, { clientId, text, senderName, createdAt = new Date().toISOString() }) {
  if (state.pending.some((p) => p.clientId === clientId)) {
    return markPending(state, clientId, 'pending', null);
  }
  return { ...state, pending: state.pending.concat({ clientId, text, senderName, createdAt, status: 'pending', error: null }) };
}

export function markPending(state, clientId, status, error = null) {
  let changed = false;
  const pending = state.pending.map((p) => {
    if (p.clientId !== clientId) return p;
    changed = true;
    return { ...p, status, error };
  });
  return changed ? { ...state, pending } : state;
}

export function removePending(state, clientId) {
  const pending = state.pending.filter((p) => p.clientId !== clientId);
  return pending.length === state.pending.length ? state : { ...state, pending };
}

/** Whether a stored message for this clientId already exists (ack lost but event arrived). */
export function hasClientId(state, clientId) {
  return state.messages.some((m) => m.clientId === clientId);
}

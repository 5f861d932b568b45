// Live inbox state: conversations (from REST + conversation.* events) and
// agents' presence (GET /api/agents, session.ready, agent.presence).
import { CHANGE, EVT } from '../../lib/realtime/protocol.js';

// erased: ids of conversations deleted or anonymized (erasure, retention),
// so that an activity update still on its way cannot bring one back.
export const initialInbox = { conversations: {}, agents: {}, presenceAt: {}, loaded: false, erased: {} };

function time(v) {
  const t = v ? new Date(v).getTime() : NaN;
  return Number.isFinite(t) ? t : 0;
}

/** True when `a` is strictly newer than `b` (events may arrive out of order across nodes). */
export function isNewer(a, b) {
  const ta = time(a.updatedAt);
  const tb = time(b.updatedAt);
  if (ta !== tb) return ta > tb;
  const sa = a.lastMessage?.seq || 0;
  const sb = b.lastMessage?.seq || 0;
  return sa > sb;
}

/** Read receipts only grow: an older copy (another node's cache) cannot take "Đã xem" back. */
function receipts(cur, c) {
  if (!cur) return c;
  return { ...c, agentReadSeq: Math.max(c.agentReadSeq || 0, cur.agentReadSeq || 0), visitorReadSeq: Math.max(c.visitorReadSeq || 0, cur.visitorReadSeq || 0) };
}

function upsert(map, c) {
  const cur = map[c.id];
  if (cur && isNewer(cur, c)) {
    const r = receipts(cur, c);
    return r.agentReadSeq === cur.agentReadSeq && r.visitorReadSeq === cur.visitorReadSeq ? map : { ...map, [c.id]: { ...cur, agentReadSeq: r.agentReadSeq, visitorReadSeq: r.visitorReadSeq } };
  }
  return { ...map, [c.id]: cur ? { ...cur, ...receipts(cur, c), stale: false } : c };
}

export function inboxReducer(state, action) {
  switch (action.type) {
    case 'conversations/loaded': {
      const next = {};
      for (const c of action.items) {
        if (!c || !c.id || state.erased?.[c.id]) continue;
        const cur = state.conversations[c.id];
        next[c.id] = cur && isNewer(cur, c) ? cur : c;
      }
      // Conversations missing from the (open-only) list: keep those that changed
      // after the request started (events raced the fetch); keep the others as
      // `stale` (probably resolved meanwhile): out of the sections, but still
      // there for an open conversation view until it refetches them.
      for (const [id, c] of Object.entries(state.conversations)) {
        if (next[id]) continue;
        next[id] = action.since && time(c.updatedAt) >= action.since ? c : { ...c, stale: true };
      }
      return { ...state, conversations: next, loaded: true };
    }
    case 'conversation/upsert': {
      if (!action.conversation || !action.conversation.id) return state;
      const c = action.conversation;
      if (state.erased?.[c.id]) return state;
      const conversations = action.fresh
        ? { ...state.conversations, [c.id]: { ...state.conversations[c.id], ...c, stale: false } }
        : upsert(state.conversations, c);
      return conversations === state.conversations ? state : { ...state, conversations };
    }
    case 'conversation/erased': {
      // deleted or anonymized (erasure, retention): out of every list, for good
      if (!action.id) return state;
      const conversations = { ...state.conversations };
      delete conversations[action.id];
      return { ...state, conversations, erased: { ...state.erased, [action.id]: true } };
    }
    case 'conversation/read': {
      const cur = state.conversations[action.id];
      if (!cur || !cur.unreadByAgent) return state;
      return { ...state, conversations: { ...state.conversations, [action.id]: { ...cur, unreadByAgent: 0 } } };
    }
    case 'agents/loaded': {
      // `since`: when the snapshot was requested; presence events received
      // after that are newer than the snapshot and win.
      const agents = {};
      for (const a of action.items || []) {
        if (!a || !a.id) continue;
        const cur = state.agents[a.id];
        const newer = action.since && cur && (state.presenceAt[a.id] || 0) > action.since;
        agents[a.id] = newer ? { ...cur, ...a, online: cur.online, status: cur.status } : { ...cur, ...a };
      }
      return { ...state, agents };
    }
    case 'agent/presence': {
      const { agentId, name, online, status } = action;
      if (!agentId) return state;
      const cur = state.agents[agentId] || { id: agentId };
      return {
        ...state,
        agents: { ...state.agents, [agentId]: { ...cur, name: name || cur.name, online: !!online, status: status || (online ? 'online' : 'offline') } },
        presenceAt: { ...state.presenceAt, [agentId]: action.at || Date.now() },
      };
    }
    default:
      return state;
  }
}

function activity(c) {
  return time(c.lastMessage?.at) || time(c.updatedAt) || time(c.createdAt);
}

function normTag(s) {
  return String(s || '').normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
}

const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
const rankOf = (c) => PRIORITY_RANK[c.priority || 'normal'] ?? 2;

/** Does the conversation pass the inbox filters ({priority: 'high' | '', tag: 'vip' | ''})? */
export function matchesFilters(c, { priority = '', tag = '' } = {}) {
  if (priority && (c.priority || 'normal') !== priority) return false;
  const t = normTag(tag);
  if (t && !(c.tags || []).includes(t)) return false;
  return true;
}

/**
 * A message a visitor left while nobody could answer (outside office hours,
 * or nobody available), not answered yet, that is waiting or mine: agents
 * find these first, oldest first.
 */
export function isLeftMessage(c, meId) {
  return !!c.leftMessage && !c.firstResponseAt && (c.status === 'waiting' || !c.assigneeId || c.assigneeId === meId);
}

/**
 * Splits open conversations into the inbox sections: messages left while
 * nobody could answer (unanswered), waiting, mine, others'.
 * opts: {priority, tag} filters; sort 'recent' (waiting and left messages:
 * first come first served, others: latest activity) or 'priority' (urgent
 * first, then that order).
 */
export function selectSections(state, meId, opts = {}) {
  const left = [];
  const waiting = [];
  const mine = [];
  const others = [];
  for (const c of Object.values(state.conversations)) {
    if (c.status === 'resolved' || c.stale) continue;
    if (!matchesFilters(c, opts)) continue;
    if (isLeftMessage(c, meId)) left.push(c);
    else if (c.status === 'waiting' || !c.assigneeId) waiting.push(c);
    else if (c.assigneeId === meId) mine.push(c);
    else others.push(c);
  }
  const byPriority = opts.sort === 'priority';
  const first = (cmp) => (a, b) => (byPriority ? rankOf(a) - rankOf(b) : 0) || cmp(a, b);
  const oldest = first((a, b) => time(a.createdAt) - time(b.createdAt)); // first come, first served
  left.sort(oldest);
  waiting.sort(oldest);
  mine.sort(first((a, b) => activity(b) - activity(a)));
  others.sort(first((a, b) => activity(b) - activity(a)));
  return { left, waiting, mine, others };
}

/** Unread visitor messages that concern me: waiting + mine. */
export function selectUnreadTotal(state, meId) {
  let n = 0;
  for (const c of Object.values(state.conversations)) {
    if (c.status === 'resolved' || c.stale) continue;
    if (c.status === 'waiting' || !c.assigneeId || c.assigneeId === meId) n += c.unreadByAgent || 0;
  }
  return n;
}

/** Agents sorted: online first, then away, then offline; by name. */
export function selectAgents(state) {
  const rank = (a) => (a.online ? (a.status === 'away' ? 1 : 0) : 2);
  return Object.values(state.agents).sort((a, b) => rank(a) - rank(b) || String(a.name).localeCompare(String(b.name), 'vi'));
}

/** Should this event make noise? New conversation, or a visitor message in a conversation that is mine or waiting. */
export function shouldNotify(type, data, meId) {
  const c = data?.conversation;
  if (!c) return false;
  if (type === EVT.CONVERSATION_CREATED) return true;
  if (type === EVT.CONVERSATION_UPDATED && data.change === CHANGE.HANDOFF) return true;
  if (type === EVT.CONVERSATION_UPDATED && data.change === CHANGE.MESSAGE) {
    return c.lastMessage?.senderType === 'visitor' && (!c.assigneeId || c.assigneeId === meId);
  }
  return false;
}

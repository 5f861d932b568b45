import { describe, it, expect } from 'vitest';
import { inboxReducer, initialInbox, selectSections, selectUnreadTotal, selectAgents, shouldNotify } from './inbox-reducer.js';
import { CHANGE, EVT } from '../../lib/realtime/protocol.js';

const conv = (id, extra = {}) => ({
  id,
  status: 'waiting',
  assigneeId: null,
  assigneeName: null,
  visitor: { name: `Khách ${id}`, phone: '0912345678' },
  unreadByAgent: 0,
  createdAt: '2026-11-22T01:00:00Z',
  updatedAt: '2026-11-22T01:00:00Z',
  ...extra,
});

describe('inbox reducer', () => {
  it('splits conversations into waiting / mine / others and hides resolved', () => {
    let s = inboxReducer(initialInbox, {
      type: 'conversations/loaded',
      items: [
        conv('a'),
        conv('b', { status: 'assigned', assigneeId: 'an', assigneeName: 'An' }),
        conv('c', { status: 'assigned', assigneeId: 'binh', assigneeName: 'Bình' }),
        conv('d', { status: 'resolved', assigneeId: 'an' }),
      ],
    });
    const sec = selectSections(s, 'an');
    expect(sec.waiting.map((c) => c.id)).toEqual(['a']);
    expect(sec.mine.map((c) => c.id)).toEqual(['b']);
    expect(sec.others.map((c) => c.id)).toEqual(['c']);
    expect(s.loaded).toBe(true);
    // the other agent sees it the other way round
    const sec2 = selectSections(s, 'binh');
    expect(sec2.mine.map((c) => c.id)).toEqual(['c']);
    expect(sec2.others.map((c) => c.id)).toEqual(['b']);
  });

  it('applies conversation.created / updated live and ignores stale out-of-order updates', () => {
    let s = inboxReducer(initialInbox, { type: 'conversation/upsert', conversation: conv('a') });
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('a', { status: 'assigned', assigneeId: 'an', assigneeName: 'An', updatedAt: '2026-11-22T01:00:05Z' }) });
    expect(selectSections(s, 'an').mine).toHaveLength(1);
    // transfer to Bình
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('a', { status: 'assigned', assigneeId: 'binh', assigneeName: 'Bình', updatedAt: '2026-11-22T01:00:09Z' }) });
    // an older event arriving late must not undo it
    const stale = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('a', { status: 'assigned', assigneeId: 'an', assigneeName: 'An', updatedAt: '2026-11-22T01:00:06Z' }) });
    expect(stale).toBe(s);
    expect(selectSections(s, 'an').others.map((c) => c.assigneeName)).toEqual(['Bình']);
    // same timestamp but a newer last message wins
    const s2 = inboxReducer(s, { type: 'conversation/upsert', conversation: { ...s.conversations.a, lastMessage: { seq: 4, text: 'Alo' } } });
    expect(s2.conversations.a.lastMessage.text).toBe('Alo');
  });

  it('keeps conversations changed during a reload', () => {
    const since = Date.parse('2026-11-22T01:00:03Z');
    let s = inboxReducer(initialInbox, { type: 'conversation/upsert', conversation: conv('new', { updatedAt: '2026-11-22T01:00:04Z' }) });
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('old', { status: 'assigned', assigneeId: 'an', updatedAt: '2026-11-22T01:00:01Z' }) });
    s = inboxReducer(s, { type: 'conversations/loaded', items: [conv('a')], since });
    expect(Object.keys(s.conversations).sort()).toEqual(['a', 'new', 'old']);
    // 'old' was not in the open list any more (resolved while offline): out of the sections
    expect(s.conversations.old.stale).toBe(true);
    expect(selectSections(s, 'an').mine).toHaveLength(0);
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('old', { status: 'resolved', updatedAt: '2026-11-22T01:00:02Z' }) });
    expect(s.conversations.old.stale).toBe(false);
  });

  it('counts unread for waiting and mine only, and marks read', () => {
    let s = inboxReducer(initialInbox, {
      type: 'conversations/loaded',
      items: [
        conv('a', { unreadByAgent: 2 }),
        conv('b', { status: 'assigned', assigneeId: 'an', unreadByAgent: 1 }),
        conv('c', { status: 'assigned', assigneeId: 'binh', unreadByAgent: 5 }),
      ],
    });
    expect(selectUnreadTotal(s, 'an')).toBe(3);
    s = inboxReducer(s, { type: 'conversation/read', id: 'a' });
    expect(selectUnreadTotal(s, 'an')).toBe(1);
  });

  it('tracks agent presence', () => {
    let s = inboxReducer(initialInbox, { type: 'agents/loaded', items: [{ id: 'an', name: 'An', online: false, status: 'offline' }, { id: 'binh', name: 'Bình', online: true, status: 'online' }] });
    s = inboxReducer(s, { type: 'agent/presence', agentId: 'an', name: 'An', online: true, status: 'away' });
    expect(s.agents.an).toMatchObject({ online: true, status: 'away' });
    expect(selectAgents(s).map((a) => a.id)).toEqual(['binh', 'an']);
    s = inboxReducer(s, { type: 'agent/presence', agentId: 'binh', online: false, status: 'offline' });
    expect(s.agents.binh.name).toBe('Bình');
    expect(selectAgents(s).map((a) => a.id)).toEqual(['an', 'binh']);
  });

  it('notifies for new conversations and visitor messages that concern me', () => {
    const c = conv('a', { lastMessage: { senderType: 'visitor', text: 'Alo' } });
    expect(shouldNotify(EVT.CONVERSATION_CREATED, { conversation: c }, 'an')).toBe(true);
    expect(shouldNotify(EVT.CONVERSATION_UPDATED, { conversation: c, change: CHANGE.MESSAGE }, 'an')).toBe(true);
    expect(shouldNotify(EVT.CONVERSATION_UPDATED, { conversation: { ...c, assigneeId: 'binh' }, change: CHANGE.MESSAGE }, 'an')).toBe(false);
    expect(shouldNotify(EVT.CONVERSATION_UPDATED, { conversation: { ...c, lastMessage: { senderType: 'agent' } }, change: CHANGE.MESSAGE }, 'an')).toBe(false);
    expect(shouldNotify(EVT.CONVERSATION_UPDATED, { conversation: c, change: CHANGE.ASSIGNED }, 'an')).toBe(false);
  });
});

describe('presence snapshots vs events', () => {
  it('a REST snapshot requested before a presence event does not undo it', () => {
    let s = inboxReducer(initialInbox, { type: 'agent/presence', agentId: 'binh', name: 'Bình', online: true, status: 'online', at: 2000 });
    s = inboxReducer(s, { type: 'agents/loaded', items: [{ id: 'binh', name: 'Bình', online: false, status: 'offline' }], since: 1000 });
    expect(s.agents.binh.online).toBe(true);
    s = inboxReducer(s, { type: 'agents/loaded', items: [{ id: 'binh', name: 'Bình', online: false, status: 'offline' }], since: 3000 });
    expect(s.agents.binh.online).toBe(false);
  });
});

describe('erased conversations (erasure, retention)', () => {
  it('leave the inbox', () => {
    let s = inboxReducer(initialInbox, { type: 'conversations/loaded', items: [conv('a'), conv('b')] });
    s = inboxReducer(s, { type: 'conversation/erased', id: 'a' });
    expect(Object.keys(s.conversations)).toEqual(['b']);
    // an activity update already on its way, or a list fetched before, does not bring it back
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('a', { updatedAt: '2026-11-22T02:00:00Z' }) });
    s = inboxReducer(s, { type: 'conversations/loaded', items: [conv('a'), conv('b')] });
    expect(Object.keys(s.conversations)).toEqual(['b']);
    expect(CHANGE.ERASED).toBeTruthy();
  });
});

describe('messages left while nobody could answer (#14)', () => {
  const at = (m) => new Date(Date.UTC(2026, 11, 4, 10, m)).toISOString();
  const conv = (id, extra) => ({ id, status: 'waiting', assigneeId: '', createdAt: at(0), updatedAt: at(0), ...extra });

  it('come first, oldest first, while unanswered and waiting or mine; an answer moves them to their usual section', () => {
    let s = inboxReducer(initialInbox, {
      type: 'conversations/loaded',
      items: [
        conv('l2', { leftMessage: 'outside_hours', createdAt: at(2), updatedAt: at(9) }),
        conv('l1', { leftMessage: 'outside_hours', createdAt: at(1), updatedAt: at(1) }),
        conv('l3', { leftMessage: 'no_agent', status: 'assigned', assigneeId: 'an', createdAt: at(3) }),
        conv('lb', { leftMessage: 'no_agent', status: 'assigned', assigneeId: 'binh', createdAt: at(0) }),
        conv('w1', { createdAt: at(4) }),
      ],
    });
    let sec = selectSections(s, 'an');
    expect(sec.left.map((c) => c.id)).toEqual(['l1', 'l2', 'l3']);
    expect(sec.waiting.map((c) => c.id)).toEqual(['w1']);
    expect(sec.others.map((c) => c.id)).toEqual(['lb']);
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: { ...s.conversations.l3, firstResponseAt: at(5), updatedAt: at(5) } });
    sec = selectSections(s, 'an');
    expect(sec.left.map((c) => c.id)).toEqual(['l1', 'l2']);
    expect(sec.mine.map((c) => c.id)).toEqual(['l3']);
  });

  it('read receipts only grow', () => {
    let s = inboxReducer(initialInbox, { type: 'conversations/loaded', items: [conv('c1', { visitorReadSeq: 5, updatedAt: at(5) })] });
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('c1', { visitorReadSeq: 3, agentReadSeq: 2, updatedAt: at(5) }) });
    expect([s.conversations.c1.visitorReadSeq, s.conversations.c1.agentReadSeq]).toEqual([5, 2]);
    // an older copy still brings a newer receipt
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('c1', { visitorReadSeq: 7, updatedAt: at(1) }) });
    expect(s.conversations.c1.visitorReadSeq).toBe(7);
  });
});

import { describe, it, expect } from 'vitest';
import { inboxReducer, initialInbox, matchesFilters, selectSections, shouldNotify } from './inbox-reducer.js';
import { CHANGE, EVT } from '../../lib/realtime/protocol.js';

const conv = (id, extra = {}) => ({
  id,
  status: 'waiting',
  assigneeId: null,
  createdAt: '2026-11-22T01:00:00Z',
  updatedAt: '2026-11-22T01:00:00Z',
  tags: [],
  ...extra,
});

const load = (items) => inboxReducer(initialInbox, { type: 'conversations/loaded', items });

describe('inbox filters and priority sort', () => {
  it('filters by priority (missing = normal) and by a normalised tag', () => {
    expect(matchesFilters(conv('a', { priority: 'high' }), { priority: 'high' })).toBe(true);
    expect(matchesFilters(conv('a'), { priority: 'normal' })).toBe(true);
    expect(matchesFilters(conv('a'), { priority: 'urgent' })).toBe(false);
    expect(matchesFilters(conv('a', { tags: ['khách vip'] }), { tag: '  Khách   VIP ' })).toBe(true);
    expect(matchesFilters(conv('a', { tags: ['khách vip'] }), { tag: 'vip' })).toBe(false);
    expect(matchesFilters(conv('a'), {})).toBe(true);
  });

  it('sorts each section urgent → low, then by its usual order', () => {
    const s = load([
      conv('w1', { createdAt: '2026-11-22T01:00:00Z' }),
      conv('w2', { createdAt: '2026-11-22T01:05:00Z', priority: 'urgent' }),
      conv('w3', { createdAt: '2026-11-22T01:02:00Z', priority: 'low' }),
      conv('w4', { createdAt: '2026-11-22T01:03:00Z', priority: 'high' }),
      conv('m1', { status: 'assigned', assigneeId: 'an', updatedAt: '2026-11-22T02:00:00Z' }),
      conv('m2', { status: 'assigned', assigneeId: 'an', updatedAt: '2026-11-22T01:00:00Z', priority: 'high' }),
    ]);
    expect(selectSections(s, 'an').waiting.map((c) => c.id)).toEqual(['w1', 'w3', 'w4', 'w2']);
    const sorted = selectSections(s, 'an', { sort: 'priority' });
    expect(sorted.waiting.map((c) => c.id)).toEqual(['w2', 'w4', 'w1', 'w3']);
    expect(sorted.mine.map((c) => c.id)).toEqual(['m2', 'm1']);
    expect(selectSections(s, 'an', { priority: 'high' }).waiting.map((c) => c.id)).toEqual(['w4']);
  });

  it('a priority/tags update keeps updatedAt and still applies', () => {
    let s = load([conv('a')]);
    s = inboxReducer(s, { type: 'conversation/upsert', conversation: conv('a', { priority: 'urgent', tags: ['vip'] }) });
    expect(s.conversations.a.priority).toBe('urgent');
    expect(s.conversations.a.tags).toEqual(['vip']);
  });

  it('rings for a handoff', () => {
    expect(shouldNotify(EVT.CONVERSATION_UPDATED, { conversation: conv('a', { handoffAt: '2026-11-22T01:00:00Z' }), change: CHANGE.HANDOFF }, 'an')).toBe(true);
    expect(shouldNotify(EVT.CONVERSATION_UPDATED, { conversation: conv('a'), change: CHANGE.TAGS }, 'an')).toBe(false);
  });
});

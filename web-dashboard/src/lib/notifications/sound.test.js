import { describe, it, expect } from 'vitest';
import { CHANGE, EVT } from '../realtime/protocol.js';
import { createAnnouncer, loadSoundMode, saveSoundMode, soundAllowed } from './sound.js';

const conv = (over = {}) => ({ id: 'c1', status: 'waiting', assigneeId: null, lastMessage: { seq: 1, senderType: 'visitor' }, ...over });
const created = (c) => [EVT.CONVERSATION_CREATED, { conversation: c }];
const updated = (c, change = CHANGE.MESSAGE) => [EVT.CONVERSATION_UPDATED, { conversation: c, change }];

describe('announcer: one sound per event', () => {
  it('a new chat is one sound, for its owner and for another agent, whatever frames follow', () => {
    for (const me of ['an', 'binh']) {
      const announce = createAnnouncer();
      const frames = [
        created(conv({ lastMessage: null })),
        updated(conv()),
        updated(conv({ status: 'open', assigneeId: 'an' }), CHANGE.ASSIGNED),
        updated(conv({ status: 'open', assigneeId: 'an' })),
        created(conv()),
      ];
      expect(frames.filter(([t, d]) => announce(t, d, me)).length).toBe(1);
    }
  });

  it('a creation arriving after its first message does not sound again', () => {
    const announce = createAnnouncer();
    expect(announce(...updated(conv()), 'an')).toBe(true);
    expect(announce(...created(conv()), 'an')).toBe('silent');
    expect(announce(...created(conv()), 'an')).toBe(false);
  });

  it('a later visitor message sounds in my conversation and in the queue, not in another agent\'s', () => {
    const announce = createAnnouncer();
    expect(announce(...created(conv()), 'an')).toBe(true);
    const mine = conv({ status: 'open', assigneeId: 'an', lastMessage: { seq: 4, senderType: 'visitor' } });
    expect(announce(...updated(mine), 'an')).toBe(true);
    expect(announce(...updated(mine), 'an')).toBe(false); // the same message again
    expect(announce(...updated(mine), 'binh')).toBe(false);
    const agentReply = conv({ status: 'open', assigneeId: 'an', lastMessage: { seq: 5, senderType: 'agent' } });
    expect(announce(...updated(agentReply), 'an')).toBe(false);
    const queued = conv({ id: 'c2', lastMessage: { seq: 2, senderType: 'visitor' } });
    expect(announce(...updated(queued), 'binh')).toBe(true);
  });

  it('a hand-off sounds once', () => {
    const announce = createAnnouncer();
    expect(announce(...updated(conv(), CHANGE.HANDOFF), 'an')).toBe(true);
    expect(announce(...updated(conv(), CHANGE.HANDOFF), 'an')).toBe(false);
  });
});

describe('sound setting', () => {
  const memory = () => {
    const m = new Map();
    return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, v) };
  };
  it('is kept per agent, on by default, unknown values ignored', () => {
    const s = memory();
    expect(loadSoundMode('an', s)).toBe('on');
    saveSoundMode('an', 'hidden', s);
    saveSoundMode('binh', 'bogus', s);
    expect(loadSoundMode('an', s)).toBe('hidden');
    expect(loadSoundMode('binh', s)).toBe('on');
  });
  it('decides by the tab', () => {
    expect(soundAllowed('on', false)).toBe(true);
    expect(soundAllowed('hidden', false)).toBe(false);
    expect(soundAllowed('hidden', true)).toBe(true);
    expect(soundAllowed('off', true)).toBe(false);
  });
});

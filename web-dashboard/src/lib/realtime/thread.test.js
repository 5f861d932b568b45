import { describe, it, expect } from 'vitest';
import { emptyThread, addMessages, hasGap, missingSeqs, addPending, markPending } from './thread.js';

const msg = (seq, extra = {}) => ({ id: `m${seq}`, conversationId: 'c1', seq, text: `t${seq}`, senderType: 'visitor', ...extra });

describe('thread state', () => {
  it('inserts by seq and tracks the gap-free seq', () => {
    let s = addMessages(emptyThread(), [msg(2), msg(1)]);
    expect(s.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(s.gapFreeSeq).toBe(2);
    s = addMessages(s, [msg(5), msg(4)]);
    expect(s.messages.map((m) => m.seq)).toEqual([1, 2, 4, 5]);
    expect(s.gapFreeSeq).toBe(2);
    expect(s.maxSeq).toBe(5);
    expect(hasGap(s)).toBe(true);
    expect(missingSeqs(s)).toEqual([3]);
    s = addMessages(s, [msg(3)]);
    expect(s.gapFreeSeq).toBe(5);
    expect(hasGap(s)).toBe(false);
  });

  it('dedupes by id (replay racing live events) and returns the same state when nothing is new', () => {
    const s1 = addMessages(emptyThread(), [msg(1), msg(2)]);
    const s2 = addMessages(s1, [msg(1), msg(2)]);
    expect(s2).toBe(s1);
    const s3 = addMessages(s1, [msg(2), msg(3), msg(3)]);
    expect(s3.messages).toHaveLength(3);
  });

  it('ignores malformed messages', () => {
    const s = addMessages(emptyThread(), [null, { id: 'x' }, { seq: 1 }]);
    expect(s.messages).toHaveLength(0);
  });

  it('replaces a pending message when the stored one with the same clientId arrives', () => {
    let s = addPending(emptyThread(), { clientId: 'c-1', text: 'Chào anh' });
    s = addPending(s, { clientId: 'c-2', text: 'Anh cần gì ạ?' });
    expect(s.pending.map((p) => p.status)).toEqual(['pending', 'pending']);
    s = markPending(s, 'c-2', 'failed', 'Mất kết nối');
    expect(s.pending[1]).toMatchObject({ status: 'failed', error: 'Mất kết nối' });
    s = addMessages(s, [msg(1, { clientId: 'c-1', senderType: 'agent' })]);
    expect(s.pending.map((p) => p.clientId)).toEqual(['c-2']);
    // retrying the same clientId puts it back to pending, not twice
    s = addPending(s, { clientId: 'c-2', text: 'Anh cần gì ạ?' });
    expect(s.pending).toHaveLength(1);
    expect(s.pending[0].status).toBe('pending');
  });
});

package inmem

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Message sequencing, step for step as internal/redis's scripts: a counter
// per conversation (the last seq handed out, kept 7 days after its last
// use), each client id's seq (24 h) so a resend reuses it, and the holes:
// seqs given back after a failed write, handed out again lowest first.

const (
	clientIDTTL = 24 * time.Hour
	seqTTL      = 7 * 24 * time.Hour
)

// counter returns the live counter of a conversation.
func (st *coordState) counter(conversationID string, now time.Time) (int64, bool) {
	e, ok := st.seqs[conversationID]
	if !ok || !live(e.expireAt, now) {
		return 0, false
	}
	return e.v, true
}

// reservation returns the live seq reserved for a client id.
func (st *coordState) reservation(k [2]string, now time.Time) (int64, bool) {
	e, ok := st.clientIDs[k]
	if !ok || !live(e.expireAt, now) {
		return 0, false
	}
	return e.v, true
}

// NextSeq reserves the seq of a message; reused is true when clientID had
// one already. chat.ErrSeqUnknown: seed the counter with InitSeq.
func (c *Coordinator) NextSeq(ctx context.Context, conversationID, clientID string) (int64, bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return 0, false, err
	}
	defer unlock()
	k := [2]string{conversationID, clientID}
	if seq, ok := st.reservation(k, now); ok {
		return seq, true, nil
	}
	cur, ok := st.counter(conversationID, now)
	if !ok {
		return 0, false, chat.ErrSeqUnknown
	}
	seq, ok := st.popHole(conversationID)
	if !ok {
		cur++
		seq = cur
	}
	st.seqs[conversationID] = expiring[int64]{cur, expiry(now, seqTTL)}
	st.clientIDs[k] = expiring[int64]{seq, expiry(now, clientIDTTL)}
	return seq, false, nil
}

// popHole takes the lowest hole of a conversation.
func (st *coordState) popHole(conversationID string) (int64, bool) {
	hs := st.holes[conversationID]
	if len(hs) == 0 {
		return 0, false
	}
	first := true
	var low int64
	for h := range hs {
		if first || h < low {
			low, first = h, false
		}
	}
	delete(hs, low)
	return low, true
}

// InitSeq seeds the counter with max unless it exists (another node seeded
// it first): it neither lowers nor raises a live counter.
func (c *Coordinator) InitSeq(ctx context.Context, conversationID string, max int64) error {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := st.counter(conversationID, now); !ok {
		st.seqs[conversationID] = expiring[int64]{max, expiry(now, seqTTL)}
	}
	return nil
}

// RaiseSeq lifts the counter to at least min; an unknown counter counts as
// 0, so it is created when min is above that.
func (c *Coordinator) RaiseSeq(ctx context.Context, conversationID string, min int64) error {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if cur, _ := st.counter(conversationID, now); cur < min {
		st.seqs[conversationID] = expiring[int64]{min, expiry(now, seqTTL)}
	}
	return nil
}

// ReleaseSeq gives back the seq of a message that was not stored and drops
// clientID's reservation if it was that seq. When seq is the counter, the
// counter goes down, past any holes just below it; otherwise seq becomes a
// hole that the next NextSeq fills.
func (c *Coordinator) ReleaseSeq(ctx context.Context, conversationID string, seq int64, clientID string) error {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	k := [2]string{conversationID, clientID}
	if r, ok := st.reservation(k, now); ok && r == seq {
		delete(st.clientIDs, k)
	}
	cur, ok := st.counter(conversationID, now)
	if !ok || cur != seq {
		if st.holes[conversationID] == nil {
			st.holes[conversationID] = map[int64]bool{}
		}
		st.holes[conversationID][seq] = true
		return nil
	}
	hs := st.holes[conversationID]
	cur--
	for cur > 0 && hs[cur] {
		delete(hs, cur)
		cur--
	}
	// DECR keeps the key's expiry.
	st.seqs[conversationID] = expiring[int64]{cur, st.seqs[conversationID].expireAt}
	return nil
}

// ForgetClientID drops a client id's reservation.
func (c *Coordinator) ForgetClientID(ctx context.Context, conversationID, clientID string) error {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	delete(st.clientIDs, [2]string{conversationID, clientID})
	return nil
}

// CurrentSeq is the last seq handed out; ok is false when the counter is
// unknown (never used, expired or forgotten).
func (c *Coordinator) CurrentSeq(ctx context.Context, conversationID string) (int64, bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return 0, false, err
	}
	defer unlock()
	seq, ok := st.counter(conversationID, now)
	return seq, ok, nil
}

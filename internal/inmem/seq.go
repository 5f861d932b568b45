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

// ReserveBatch runs Reserve for each reservation, in order.
func (c *Coordinator) ReserveBatch(ctx context.Context, rs []chat.Reservation) ([]chat.Reserved, []error) {
	out, errs := make([]chat.Reserved, len(rs)), make([]error, len(rs))
	for i, r := range rs {
		out[i], errs[i] = c.Reserve(ctx, r)
	}
	return out, errs
}

// Reserve is the step before a message's write, as internal/redis's
// reserve script: the reply lock (for an agent), the seq (a known client
// id's again), the client id, the unread counter, atomically.
func (c *Coordinator) Reserve(ctx context.Context, r chat.Reservation) (chat.Reserved, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return chat.Reserved{}, err
	}
	defer unlock()
	if r.AgentID != "" {
		owner, ok := st.replyLocks[r.ConversationID]
		if !ok {
			return chat.Reserved{}, chat.ErrNoReplyLock
		}
		if owner != r.AgentID {
			return chat.Reserved{}, chat.ErrNotAssigned
		}
	}
	k := [2]string{r.ConversationID, r.ClientID}
	out := chat.Reserved{Reused: true}
	if seq, ok := st.reservation(k, now); ok {
		out.Seq = seq
	} else {
		cur, ok := st.counter(r.ConversationID, now)
		if !ok {
			return chat.Reserved{}, chat.ErrSeqUnknown
		}
		seq, ok := st.popHole(r.ConversationID)
		if !ok {
			cur++
			seq = cur
		}
		st.seqs[r.ConversationID] = expiring[int64]{cur, expiry(now, seqTTL)}
		st.clientIDs[k] = expiring[int64]{seq, expiry(now, clientIDTTL)}
		out = chat.Reserved{Seq: seq}
		if r.Unread != "" {
			u := st.unreadOf(r.ConversationID, now)
			u.sides[r.Unread]++
			u.expireAt = expiry(now, seqTTL)
		}
	}
	if u := st.liveUnread(r.ConversationID, now); u != nil {
		out.UnreadAgent, out.UnreadVisit = u.sides["agent"], u.sides["visitor"]
	}
	return out, nil
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

// Unreserve gives back what Reserve took for a message that was not
// stored: clientID's reservation if it was that seq, one of the unread
// count, and the seq; seq 0 gives back the client id and the unread count
// only (a stored message holds the seq). When
// seq is the counter, the counter goes down, past any holes just below it;
// otherwise seq becomes a hole that the next Reserve fills.
func (c *Coordinator) Unreserve(ctx context.Context, r chat.Reservation, seq int64) error {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	k := [2]string{r.ConversationID, r.ClientID}
	if got, ok := st.reservation(k, now); ok && (got == seq || seq <= 0) {
		delete(st.clientIDs, k)
	}
	if r.Unread != "" {
		u := st.unreadOf(r.ConversationID, now)
		if u.sides[r.Unread]--; u.sides[r.Unread] < 0 {
			u.sides[r.Unread] = 0
		}
	}
	if seq <= 0 {
		return nil
	}
	cur, ok := st.counter(r.ConversationID, now)
	if !ok || cur != seq {
		if st.holes[r.ConversationID] == nil {
			st.holes[r.ConversationID] = map[int64]bool{}
		}
		st.holes[r.ConversationID][seq] = true
		return nil
	}
	hs := st.holes[r.ConversationID]
	cur--
	for cur > 0 && hs[cur] {
		delete(hs, cur)
		cur--
	}
	// DECR keeps the key's expiry.
	st.seqs[r.ConversationID] = expiring[int64]{cur, st.seqs[r.ConversationID].expireAt}
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

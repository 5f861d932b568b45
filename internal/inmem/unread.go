package inmem

import (
	"context"
	"time"
)

// unreadCounts are a conversation's counters by side, as the Redis hash
// holds them (any side name is kept; "agent" and "visitor" are read).
type unreadCounts struct {
	sides    map[string]int64
	expireAt int64
}

// ResetUnread sets side's counter to zero and returns both.
func (c *Coordinator) ResetUnread(ctx context.Context, conversationID, side string) (agent, visitor int64, err error) {
	return c.changeUnread(ctx, conversationID, func(u *unreadCounts) { u.sides[side] = 0 })
}

// changeUnread applies change and reads both counters back atomically; a
// change keeps the counters 7 days more.
func (c *Coordinator) changeUnread(ctx context.Context, conversationID string, change func(*unreadCounts)) (int64, int64, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer unlock()
	u := st.unreadOf(conversationID, now)
	change(u)
	u.expireAt = expiry(now, seqTTL)
	return u.sides["agent"], u.sides["visitor"], nil
}

// unreadOf returns a conversation's live counters, made when missing
// (HINCRBY and HSET create the hash; they keep its expiry).
func (st *coordState) unreadOf(conversationID string, now time.Time) *unreadCounts {
	u := st.liveUnread(conversationID, now)
	if u == nil {
		u = &unreadCounts{sides: map[string]int64{}}
		st.unread[conversationID] = u
	}
	return u
}

func (st *coordState) liveUnread(conversationID string, now time.Time) *unreadCounts {
	u := st.unread[conversationID]
	if u == nil || !live(u.expireAt, now) {
		return nil
	}
	return u
}

// Unread returns both unread counters of a conversation.
func (c *Coordinator) Unread(ctx context.Context, conversationID string) (agent, visitor int64, err error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer unlock()
	if u := st.liveUnread(conversationID, now); u != nil {
		return u.sides["agent"], u.sides["visitor"], nil
	}
	return 0, 0, nil
}

// UnreadMany reads the counters of many conversations.
func (c *Coordinator) UnreadMany(ctx context.Context, conversationIDs []string) ([][2]int64, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := make([][2]int64, len(conversationIDs))
	for i, id := range conversationIDs {
		if u := st.liveUnread(id, now); u != nil {
			out[i] = [2]int64{u.sides["agent"], u.sides["visitor"]}
		}
	}
	return out, nil
}

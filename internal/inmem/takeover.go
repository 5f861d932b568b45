package inmem

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Takeover requests, as internal/redis keeps them: one per conversation,
// kept takeoverKeep past its deadline, settled by compare-and-delete.

const takeoverKeep = 10 * time.Minute

func (c *Coordinator) OpenTakeover(ctx context.Context, t chat.Takeover) (chat.Takeover, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return chat.Takeover{}, err
	}
	defer unlock()
	if e, ok := st.takeovers[t.ConversationID]; ok && live(e.expireAt, now) {
		return e.v, nil
	}
	st.takeovers[t.ConversationID] = expiring[chat.Takeover]{t, expiry(now, t.Deadline.Sub(now)+takeoverKeep)}
	return t, nil
}

func (c *Coordinator) PendingTakeover(ctx context.Context, conversationID string) (chat.Takeover, bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return chat.Takeover{}, false, err
	}
	defer unlock()
	if e, ok := st.takeovers[conversationID]; ok && live(e.expireAt, now) {
		return e.v, true, nil
	}
	return chat.Takeover{}, false, nil
}

func (c *Coordinator) SettleTakeover(ctx context.Context, conversationID, requestID string) (bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	e, ok := st.takeovers[conversationID]
	if !ok || !live(e.expireAt, now) || e.v.ID != requestID {
		return false, nil
	}
	delete(st.takeovers, conversationID)
	return true, nil
}

func (c *Coordinator) DueTakeovers(ctx context.Context, at time.Time) ([]string, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []string
	for id, e := range st.takeovers {
		if live(e.expireAt, now) && !e.v.Deadline.After(at) {
			out = append(out, id)
		}
	}
	return out, nil
}

package inmem

import (
	"context"
	"time"
)

// typingTTL is how long a typing mark lasts, as internal/redis keeps it.
const typingTTL = 6 * time.Second

// SetTyping marks side as typing in a conversation for 6 s, or clears it.
func (c *Coordinator) SetTyping(ctx context.Context, conversationID, side string, typing bool) error {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	k := [2]string{conversationID, side}
	if typing {
		st.typing[k] = expiry(now, typingTTL)
	} else {
		delete(st.typing, k)
	}
	return nil
}

// IsTyping reports whether side typed in the last 6 s.
func (c *Coordinator) IsTyping(ctx context.Context, conversationID, side string) (bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	exp, ok := st.typing[[2]string{conversationID, side}]
	return ok && live(exp, now), nil
}

package inmem

import (
	"context"
	"time"
)

// SetPage stores the visitor's page; durable once per window, as
// internal/redis does.
func (c *Coordinator) SetPage(ctx context.Context, conversationID string, page []byte, window time.Duration) (bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	st.pages[conversationID] = append([]byte(nil), page...)
	if exp, ok := st.pageDurable[conversationID]; ok && live(exp, now) {
		return false, nil
	}
	st.pageDurable[conversationID] = expiry(now, window)
	return true, nil
}

// Page returns the stored page, nil when none.
func (c *Coordinator) Page(ctx context.Context, conversationID string) ([]byte, error) {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return st.pages[conversationID], nil
}

// ClearPage forgets the page and its durable window.
func (c *Coordinator) ClearPage(ctx context.Context, conversationID string) error {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	delete(st.pages, conversationID)
	delete(st.pageDurable, conversationID)
	return nil
}

package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// pageTTL: a visitor's page is live state; a day covers any conversation.
const pageTTL = 24 * time.Hour

// SetPage stores the visitor's current page and reports whether the durable
// window was free (SET NX: one node wins per window).
func (c *Client) SetPage(ctx context.Context, conversationID string, page []byte, window time.Duration) (bool, error) {
	pipe := c.rdb.TxPipeline()
	pipe.Set(ctx, c.convKey("page", conversationID), page, pageTTL)
	nx := pipe.SetNX(ctx, c.convKey("page", conversationID, "durable"), 1, window)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, err
	}
	return nx.Val(), nil
}

// Page returns the stored page, nil when none.
func (c *Client) Page(ctx context.Context, conversationID string) ([]byte, error) {
	b, err := c.rdb.Get(ctx, c.convKey("page", conversationID)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	return b, err
}

// ClearPage deletes the stored page and its durable window.
func (c *Client) ClearPage(ctx context.Context, conversationID string) error {
	return c.rdb.Del(ctx, c.convKey("page", conversationID), c.convKey("page", conversationID, "durable")).Err()
}

package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// SetTyping remembers that side is typing in a conversation for a few
// seconds, for clients on the REST fallback which cannot receive events.
func (c *Client) SetTyping(ctx context.Context, conversationID, side string, typing bool) error {
	k := c.convKey("typing", conversationID, side)
	if typing {
		return c.rdb.Set(ctx, k, 1, 6*time.Second).Err()
	}
	return c.rdb.Del(ctx, k).Err()
}

// IsTyping reports whether side typed in the last few seconds.
func (c *Client) IsTyping(ctx context.Context, conversationID, side string) (bool, error) {
	err := c.rdb.Get(ctx, c.convKey("typing", conversationID, side)).Err()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	return err == nil, err
}

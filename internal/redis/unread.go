package redis

import (
	"context"
	"strconv"

	goredis "github.com/redis/go-redis/v9"
)

// Unread counters: per conversation, how many messages each side has not read.

// IncrUnread adds one to side's counter ("agent" or "visitor") and returns both.
func (c *Client) IncrUnread(ctx context.Context, conversationID, side string) (agent, visitor int64, err error) {
	return c.changeUnread(ctx, conversationID, func(pipe goredis.Pipeliner, k string) { pipe.HIncrBy(ctx, k, side, 1) })
}

// ResetUnread sets side's counter to zero and returns both.
func (c *Client) ResetUnread(ctx context.Context, conversationID, side string) (agent, visitor int64, err error) {
	return c.changeUnread(ctx, conversationID, func(pipe goredis.Pipeliner, k string) { pipe.HSet(ctx, k, side, 0) })
}

// changeUnread applies change to a conversation's counters and reads both
// back in the same transaction.
func (c *Client) changeUnread(ctx context.Context, conversationID string, change func(pipe goredis.Pipeliner, k string)) (int64, int64, error) {
	k := c.key("unread", conversationID)
	pipe := c.rdb.TxPipeline()
	change(pipe, k)
	get := pipe.HMGet(ctx, k, "agent", "visitor")
	pipe.Expire(ctx, k, seqTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, 0, err
	}
	return unreadPair(get.Val())
}

func unreadPair(vals []any) (int64, int64, error) {
	out := [2]int64{}
	for i, v := range vals {
		if s, ok := v.(string); ok {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, 0, err
			}
			out[i] = n
		}
	}
	return out[0], out[1], nil
}

// Unread returns both unread counters of a conversation.
func (c *Client) Unread(ctx context.Context, conversationID string) (agent, visitor int64, err error) {
	vals, err := c.rdb.HMGet(ctx, c.key("unread", conversationID), "agent", "visitor").Result()
	if err != nil {
		return 0, 0, err
	}
	return unreadPair(vals)
}

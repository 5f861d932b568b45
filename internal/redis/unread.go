package redis

import (
	"context"
	"strconv"
)

// Unread counters: per conversation (unread:{conv}, a hash with the fields
// "agent" and "visitor"), how many messages each side has not read.
// Messages raise them inside Reserve; reading resets one side.

// ResetUnread sets side's counter to zero and returns both, in one script.
func (c *Client) ResetUnread(ctx context.Context, conversationID, side string) (agent, visitor int64, err error) {
	vals, err := c.run(ctx, resetUnreadScript, []string{c.convKey("unread", conversationID)}, side, int(seqTTL.Seconds())).Slice()
	if err != nil {
		return 0, 0, err
	}
	return unreadPair(vals)
}

var resetUnreadScript = newScript(`
redis.call('HSET', KEYS[1], ARGV[1], 0)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return redis.call('HMGET', KEYS[1], 'agent', 'visitor')`)

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
	vals, err := c.rdb.HMGet(ctx, c.convKey("unread", conversationID), "agent", "visitor").Result()
	if err != nil {
		return 0, 0, err
	}
	return unreadPair(vals)
}

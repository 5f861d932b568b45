package redis

import (
	"context"
	"strconv"

	goredis "github.com/redis/go-redis/v9"
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

// UnreadMany reads the counters of many conversations, pipelined.
func (c *Client) UnreadMany(ctx context.Context, conversationIDs []string) ([][2]int64, error) {
	if len(conversationIDs) == 0 {
		return nil, nil
	}
	pipe := c.rdb.Pipeline()
	cmds := make([]*goredis.SliceCmd, len(conversationIDs))
	for i, id := range conversationIDs {
		cmds[i] = pipe.HMGet(ctx, c.convKey("unread", id), "agent", "visitor")
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	out := make([][2]int64, len(cmds))
	for i, cmd := range cmds {
		a, v, err := unreadPair(cmd.Val())
		if err != nil {
			return nil, err
		}
		out[i] = [2]int64{a, v}
	}
	return out, nil
}

// Unread returns both unread counters of a conversation.
func (c *Client) Unread(ctx context.Context, conversationID string) (agent, visitor int64, err error) {
	vals, err := c.rdb.HMGet(ctx, c.convKey("unread", conversationID), "agent", "visitor").Result()
	if err != nil {
		return 0, 0, err
	}
	return unreadPair(vals)
}

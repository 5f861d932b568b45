package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// NextInRotation picks, among candidates, the agent whose last assignment
// is oldest (never assigned counts as oldest) and stamps it with a fresh
// ticket. One shared rotation for every node: the pick and the stamp happen
// in one script, so concurrent assignments on different nodes alternate
// fairly. It returns "" when candidates is empty.
func (c *Client) NextInRotation(ctx context.Context, candidates []string) (string, error) {
	if len(candidates) == 0 {
		return "", nil
	}
	args := make([]any, len(candidates))
	for i, a := range candidates {
		args[i] = a
	}
	return rotationScript.Run(ctx, c.rdb, []string{c.key("rr"), c.key("rr", "ticket")}, args...).Text()
}

var rotationScript = goredis.NewScript(`
local best, bestScore = nil, nil
for _, a in ipairs(ARGV) do
  local s = tonumber(redis.call('ZSCORE', KEYS[1], a) or '0')
  if best == nil or s < bestScore or (s == bestScore and a < best) then best, bestScore = a, s end
end
local t = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], t, best)
return best`)

// TryLock takes a short-lived named mutex (for work one node should do at a
// time, like draining the queue). It returns an unlock func, or nil when
// another node holds it.
func (c *Client) TryLock(ctx context.Context, name, holder string, ttl time.Duration) (func(), error) {
	k := c.key("mutex", name)
	ok, err := c.rdb.SetNX(ctx, k, holder, ttl).Result()
	if err != nil || !ok {
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = releaseScript.Run(ctx, c.rdb, []string{k}, holder).Err()
	}, nil
}

// SetTyping remembers that side is typing in a conversation for a few
// seconds, for clients on the REST fallback which cannot receive events.
func (c *Client) SetTyping(ctx context.Context, conversationID, side string, typing bool) error {
	k := c.key("typing", conversationID, side)
	if typing {
		return c.rdb.Set(ctx, k, 1, 6*time.Second).Err()
	}
	return c.rdb.Del(ctx, k).Err()
}

// IsTyping reports whether side typed in the last few seconds.
func (c *Client) IsTyping(ctx context.Context, conversationID, side string) (bool, error) {
	err := c.rdb.Get(ctx, c.key("typing", conversationID, side)).Err()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	return err == nil, err
}

// TryLockMany takes several named mutexes in one round trip and reports,
// for each, whether it was taken. Release them with UnlockMany.
func (c *Client) TryLockMany(ctx context.Context, names []string, holder string, ttl time.Duration) ([]bool, error) {
	pipe := c.rdb.Pipeline()
	cmds := make([]*goredis.BoolCmd, len(names))
	for i, n := range names {
		cmds[i] = pipe.SetNX(ctx, c.key("mutex", n), holder, ttl)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	out := make([]bool, len(names))
	for i, cmd := range cmds {
		out[i] = cmd.Val()
	}
	return out, nil
}

// UnlockMany releases mutexes taken by holder.
func (c *Client) UnlockMany(ctx context.Context, names []string, holder string) error {
	pipe := c.rdb.Pipeline()
	for _, n := range names {
		releaseScript.Run(ctx, pipe, []string{c.key("mutex", n)}, holder)
	}
	_, err := pipe.Exec(ctx)
	return err
}

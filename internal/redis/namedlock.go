package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

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

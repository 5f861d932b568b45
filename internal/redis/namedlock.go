package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Named locks: short-lived cluster-wide mutexes (mutex:<name>) for work one
// node should do at a time (draining the queue) and for the writers of one
// conversation document (mutex:conv:<id>).

// TryLock takes a named lock. It returns an unlock func, or nil when
// another holder has it.
func (c *Client) TryLock(ctx context.Context, name, holder string, ttl time.Duration) (func(), error) {
	k := c.key("mutex", name)
	ok, err := c.rdb.SetNX(ctx, k, holder, ttl).Result()
	if err != nil || !ok {
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = c.run(ctx, releaseScript, []string{k}, holder).Err()
	}, nil
}

// TryLockMany takes several named locks in one round trip and reports, for
// each, whether it was taken: one script per slot (one in all unless Redis
// is a cluster, where the scripts of every slot go in one pipeline), so a
// flush of many conversations costs one round trip, not one per
// conversation. Release them with UnlockMany.
func (c *Client) TryLockMany(ctx context.Context, names []string, holder string, ttl time.Duration) ([]bool, error) {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = c.key("mutex", n)
	}
	out := make([]bool, len(names))
	err := c.bySlot(ctx, lockManyScript, keys, []any{holder, ttl.Milliseconds()}, func(idx []int, res *goredis.Cmd) error {
		got, err := res.Int64Slice()
		if err != nil {
			return err
		}
		for j, i := range idx {
			out[i] = got[j] == 1
		}
		return nil
	})
	if err != nil {
		// Some slots answered, others not (a shard failing over): give
		// back what was taken, so an error means nothing is held and no
		// conversation waits for a lock's 10 s expiry.
		var taken []string
		for i, ok := range out {
			if ok {
				taken = append(taken, names[i])
			}
		}
		if len(taken) > 0 {
			uctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = c.UnlockMany(uctx, taken, holder)
			cancel()
		}
		return make([]bool, len(names)), err
	}
	return out, nil
}

var lockManyScript = newScript(`
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('SET', k, ARGV[1], 'NX', 'PX', ARGV[2]) then out[i] = 1 else out[i] = 0 end
end
return out`)

// UnlockMany releases the named locks holder still holds.
func (c *Client) UnlockMany(ctx context.Context, names []string, holder string) error {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = c.key("mutex", n)
	}
	return c.bySlot(ctx, unlockManyScript, keys, []any{holder}, func(_ []int, res *goredis.Cmd) error {
		return res.Err()
	})
}

var unlockManyScript = newScript(`
for _, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k) end
end
return 0`)

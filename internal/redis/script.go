package redis

import (
	"context"

	goredis "github.com/redis/go-redis/v9"
)

// Lua scripts run by their SHA (EVALSHA), falling back to their text when
// Redis does not know them: after a restart Redis has no script cached and
// answers NOSCRIPT, which go-redis's Script.Run handles by sending EVAL.

func newScript(src string) *goredis.Script { return goredis.NewScript(src) }

// run runs s on its own: EVALSHA, then EVAL after NOSCRIPT.
func (c *Client) run(ctx context.Context, s *goredis.Script, keys []string, args ...any) *goredis.Cmd {
	return s.Run(ctx, c.rdb, keys, args...)
}

// bySlot calls fn once per group of keys that one script may touch: all of
// them, unless Redis is a cluster, where a script's keys must share a slot.
// idx maps each key of a group back to its position in keys.
func (c *Client) bySlot(ctx context.Context, keys []string, fn func(ctx context.Context, idx []int, keys []string) error) error {
	if len(keys) == 0 {
		return nil
	}
	if !c.cluster {
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		return fn(ctx, idx, keys)
	}
	groups := map[int][]int{}
	var order []int
	for i, k := range keys {
		s := slot(k)
		if _, ok := groups[s]; !ok {
			order = append(order, s)
		}
		groups[s] = append(groups[s], i)
	}
	for _, s := range order {
		idx := groups[s]
		ks := make([]string, len(idx))
		for j, i := range idx {
			ks[j] = keys[i]
		}
		if err := fn(ctx, idx, ks); err != nil {
			return err
		}
	}
	return nil
}

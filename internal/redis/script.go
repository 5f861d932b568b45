package redis

import (
	"context"

	goredis "github.com/redis/go-redis/v9"
)

// Lua scripts run by their SHA (EVALSHA), falling back to their text when
// Redis does not know them: after a restart or a failover Redis has no
// script cached and answers NOSCRIPT, which go-redis's Script.Run handles
// by sending EVAL. A pipeline cannot fall back command by command, so
// scripts sent in a pipeline go as EVAL (Script.Eval): a cold script cache
// never fails them.

func newScript(src string) *goredis.Script { return goredis.NewScript(src) }

// run runs s on its own: EVALSHA, then EVAL after NOSCRIPT.
func (c *Client) run(ctx context.Context, s *goredis.Script, keys []string, args ...any) *goredis.Cmd {
	return s.Run(ctx, c.rdb, keys, args...)
}

// bySlot runs s over keys, once per group of keys one script may touch:
// all of them at once, unless Redis is a cluster, where a script's keys
// must share a slot. Several groups go in ONE pipeline (go-redis splits it
// by node: one round trip per node, in parallel), as EVAL. each receives
// every group's result; idx maps the group's keys back to their position
// in keys. The first error (of the pipeline or of each) is returned.
func (c *Client) bySlot(ctx context.Context, s *goredis.Script, keys []string, args []any, each func(idx []int, res *goredis.Cmd) error) error {
	if len(keys) == 0 {
		return nil
	}
	groups := c.slotGroups(keys)
	if len(groups) == 1 {
		return each(groups[0], c.run(ctx, s, keys, args...))
	}
	pipe := c.rdb.Pipeline()
	cmds := make([]*goredis.Cmd, len(groups))
	for g, idx := range groups {
		ks := make([]string, len(idx))
		for j, i := range idx {
			ks[j] = keys[i]
		}
		cmds[g] = s.Eval(ctx, pipe, ks, args...)
	}
	_, err := pipe.Exec(ctx)
	for g, idx := range groups {
		if cmds[g].Err() != nil {
			continue
		}
		if e := each(idx, cmds[g]); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// slotGroups splits the positions of keys into groups of one slot, in
// order of first appearance; one group of all of them unless Redis is a
// cluster.
func (c *Client) slotGroups(keys []string) [][]int {
	if !c.cluster {
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		return [][]int{idx}
	}
	at := map[int]int{}
	var groups [][]int
	for i, k := range keys {
		s := slot(k)
		g, ok := at[s]
		if !ok {
			g = len(groups)
			at[s] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

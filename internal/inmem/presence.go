package inmem

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Agent presence, as internal/redis keeps it: one member "agent|node" per
// node holding a socket of the agent, scored by its expiry; an agent is
// online while any member of theirs is unexpired. offline records when an
// agent went offline everywhere, for the grace period.

func member(agentID, nodeID string) string { return agentID + "|" + nodeID }

func agentOf(m string) string {
	a, _, _ := strings.Cut(m, "|")
	return a
}

// scored is a sorted-set entry.
type scored struct {
	member string
	score  int64
}

// byScore returns the entries of a sorted set with a score in [lo, hi], in
// Redis order: by score, then by member.
func byScore(set map[string]int64, lo, hi int64) []scored {
	var out []scored
	for m, s := range set {
		if s >= lo && s <= hi {
			out = append(out, scored{m, s})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.score, b.score), strings.Compare(a.member, b.member))
	})
	return out
}

const (
	minScore = -1 << 63
	maxScore = 1<<63 - 1
)

// hasLive reports whether agentID has an unexpired member.
func (st *coordState) hasLive(agentID string, now time.Time) bool {
	for m, exp := range st.presence {
		if exp >= now.UnixMilli() && agentOf(m) == agentID {
			return true
		}
	}
	return false
}

// Join records a socket of agentID on nodeID until ttl from now;
// cameOnline is true when the agent had no unexpired member before.
func (c *Coordinator) Join(ctx context.Context, agentID, nodeID string, ttl time.Duration) (bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	was := st.hasLive(agentID, now)
	st.presence[member(agentID, nodeID)] = now.Add(ttl).UnixMilli()
	delete(st.offline, agentID)
	return !was, nil
}

// Leave removes agentID's member for nodeID; wentOffline is true when it
// existed and no other unexpired member of the agent remains, and then the
// agent is recorded offline from now.
func (c *Coordinator) Leave(ctx context.Context, agentID, nodeID string) (bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	m := member(agentID, nodeID)
	if _, ok := st.presence[m]; !ok {
		return false, nil
	}
	delete(st.presence, m)
	if st.hasLive(agentID, now) {
		return false, nil
	}
	st.offline[agentID] = now.UnixMilli()
	return true, nil
}

// Heartbeat sets the given agents' members on nodeID to expire ttl from
// now, adding those that are missing (it does not touch the offline
// records, as in internal/redis).
func (c *Coordinator) Heartbeat(ctx context.Context, nodeID string, agentIDs []string, ttl time.Duration) error {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, a := range agentIDs {
		st.presence[member(a, nodeID)] = now.Add(ttl).UnixMilli()
	}
	return nil
}

// Reap removes expired members and returns the agents that thereby went
// offline everywhere, each once, and records them offline from now.
func (c *Coordinator) Reap(ctx context.Context) ([]string, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	dead := byScore(st.presence, minScore, now.UnixMilli()-1)
	out := []string{}
	if len(dead) == 0 {
		return out, nil
	}
	for _, d := range dead {
		delete(st.presence, d.member)
	}
	for _, d := range dead {
		a := agentOf(d.member)
		if st.hasLive(a, now) || slices.Contains(out, a) {
			continue
		}
		out = append(out, a)
		st.offline[a] = now.UnixMilli()
	}
	return out, nil
}

// OnlineAgents returns the agents with an unexpired member.
func (c *Coordinator) OnlineAgents(ctx context.Context) ([]string, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := []string{}
	for _, e := range byScore(st.presence, now.UnixMilli(), maxScore) {
		if a := agentOf(e.member); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// TakeOfflineSince removes and returns the agents offline since cutoff or
// before, so one caller handles each expired grace period.
func (c *Coordinator) TakeOfflineSince(ctx context.Context, cutoff time.Time) ([]string, error) {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := []string{}
	for _, e := range byScore(st.offline, minScore, cutoff.UnixMilli()) {
		delete(st.offline, e.member)
		out = append(out, e.member)
	}
	return out, nil
}

// SetAway records whether an agent paused new assignments.
func (c *Coordinator) SetAway(ctx context.Context, agentID string, away bool) error {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if away {
		st.away[agentID] = true
	} else {
		delete(st.away, agentID)
	}
	return nil
}

// AwayAgents returns the agents who paused new assignments.
func (c *Coordinator) AwayAgents(ctx context.Context) (map[string]bool, error) {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := make(map[string]bool, len(st.away))
	for a := range st.away {
		out[a] = true
	}
	return out, nil
}

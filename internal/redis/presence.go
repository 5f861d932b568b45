package redis

import (
	"context"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Agent presence. presence is a sorted set of "agentID|nodeID" members
// scored by their expiry (unix ms). A node adds a member when an agent's
// first socket connects to it, refreshes its members every heartbeat and
// removes one when the agent's last local socket closes. A crashed node's
// members simply expire; Reap turns expiries into offline transitions.
// An agent is online while any member of theirs is unexpired.

func member(agentID, nodeID string) string { return agentID + "|" + nodeID }

// Join records that agentID has a socket on nodeID until ttl from now.
// cameOnline is true when the agent was offline everywhere before.
func (c *Client) Join(ctx context.Context, agentID, nodeID string, ttl time.Duration) (cameOnline bool, err error) {
	now := time.Now()
	n, err := c.run(ctx, joinScript, []string{c.presenceKey("members"), c.presenceKey("offline")},
		agentID+"|", member(agentID, nodeID), now.UnixMilli(), now.Add(ttl).UnixMilli(), agentID).Int()
	return n == 1, err
}

var joinScript = newScript(`
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], '+inf')
local was = false
for _, m in ipairs(live) do
  if string.sub(m, 1, #ARGV[1]) == ARGV[1] then was = true break end
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[5])
if was then return 0 end
return 1`)

// Leave removes agentID's member for nodeID. wentOffline is true when no
// other node holds a live socket of the agent.
func (c *Client) Leave(ctx context.Context, agentID, nodeID string) (wentOffline bool, err error) {
	now := time.Now()
	n, err := c.run(ctx, leaveScript, []string{c.presenceKey("members"), c.presenceKey("offline")},
		agentID+"|", member(agentID, nodeID), now.UnixMilli(), agentID).Int()
	return n == 1, err
}

var leaveScript = newScript(`
if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], '+inf')
for _, m in ipairs(live) do
  if string.sub(m, 1, #ARGV[1]) == ARGV[1] then return 0 end
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1`)

// Heartbeat extends the members of the given agents on nodeID.
func (c *Client) Heartbeat(ctx context.Context, nodeID string, agentIDs []string, ttl time.Duration) error {
	if len(agentIDs) == 0 {
		return nil
	}
	exp := float64(time.Now().Add(ttl).UnixMilli())
	zs := make([]goredis.Z, len(agentIDs))
	for i, a := range agentIDs {
		zs[i] = goredis.Z{Score: exp, Member: member(a, nodeID)}
	}
	return c.rdb.ZAdd(ctx, c.presenceKey("members"), zs...).Err()
}

// Reap removes expired members and returns the agents that thereby went
// offline everywhere. The script is atomic, so exactly one node reports
// each transition. The agent id is what precedes the first "|", as in Join
// and OnlineAgents: a node id is free text and may contain one.
func (c *Client) Reap(ctx context.Context) ([]string, error) {
	now := time.Now().UnixMilli()
	return c.run(ctx, reapScript, []string{c.presenceKey("members"), c.presenceKey("offline")}, now).StringSlice()
}

var reapScript = newScript(`
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
if #dead == 0 then return {} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local alive = {}
for _, m in ipairs(live) do alive[string.match(m, '^([^|]*)|')] = true end
local out, seen = {}, {}
for _, m in ipairs(dead) do
  local a = string.match(m, '^([^|]*)|')
  if a and not alive[a] and not seen[a] then
    seen[a] = true
    table.insert(out, a)
    redis.call('ZADD', KEYS[2], ARGV[1], a)
  end
end
return out`)

// OnlineAgents returns the ids of agents with a live socket anywhere.
func (c *Client) OnlineAgents(ctx context.Context) ([]string, error) {
	live, err := c.rdb.ZRangeArgs(ctx, goredis.ZRangeArgs{
		Key: c.presenceKey("members"), ByScore: true,
		Start: strconv.FormatInt(time.Now().UnixMilli(), 10), Stop: "+inf"}).Result()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(live))
	for _, m := range live {
		a, _, _ := strings.Cut(m, "|")
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out, nil
}

// TakeOfflineSince atomically removes and returns agents offline since
// before cutoff, so one node handles each expired grace period.
func (c *Client) TakeOfflineSince(ctx context.Context, cutoff time.Time) ([]string, error) {
	return c.run(ctx, takeOfflineScript, []string{c.presenceKey("offline")}, cutoff.UnixMilli()).StringSlice()
}

var takeOfflineScript = newScript(`
local out = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #out > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]) end
return out`)

// SetAway records whether an agent chose to pause new assignments.
func (c *Client) SetAway(ctx context.Context, agentID string, away bool) error {
	if away {
		return c.rdb.SAdd(ctx, c.presenceKey("away"), agentID).Err()
	}
	return c.rdb.SRem(ctx, c.presenceKey("away"), agentID).Err()
}

// AwayAgents returns the agents who paused new assignments.
func (c *Client) AwayAgents(ctx context.Context) (map[string]bool, error) {
	ids, err := c.rdb.SMembers(ctx, c.presenceKey("away")).Result()
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

package redis

import (
	"context"
	"errors"

	goredis "github.com/redis/go-redis/v9"
)

// The reply lock: key lock:<conversation> holds the id of the one agent
// allowed to reply. Every change is a single atomic command or script, so
// claims racing from different nodes produce exactly one owner.

// Owner returns the agent holding the lock; ok is false when no key exists
// (no owner, or Redis lost it — the caller restores from the mirror).
func (c *Client) Owner(ctx context.Context, conversationID string) (string, bool, error) {
	v, err := c.rdb.Get(ctx, c.convKey("lock", conversationID)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v, true, nil
}

// Claim sets the owner when there is none. It returns the owner after the
// call: agentID when the claim won, the existing owner otherwise.
func (c *Client) Claim(ctx context.Context, conversationID, agentID string) (string, error) {
	res, err := c.run(ctx, claimScript, []string{c.convKey("lock", conversationID)}, agentID).Text()
	return res, err
}

var claimScript = newScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return ARGV[1] end
return redis.call('GET', KEYS[1])`)

// Transfer moves the lock from one agent to another only if from still
// owns it. It returns the owner after the call.
func (c *Client) Transfer(ctx context.Context, conversationID, from, to string) (string, error) {
	return c.run(ctx, transferScript, []string{c.convKey("lock", conversationID)}, from, to).Text()
}

var transferScript = newScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return ARGV[2] end
if not cur then return '' end
return cur`)

// Release removes the lock if owner still holds it.
func (c *Client) Release(ctx context.Context, conversationID, owner string) (bool, error) {
	n, err := c.run(ctx, releaseScript, []string{c.convKey("lock", conversationID)}, owner).Int()
	return n == 1, err
}

var releaseScript = newScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

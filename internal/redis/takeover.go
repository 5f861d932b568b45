package redis

import (
	"context"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Takeover requests: hash takeover:{conversation} holds the one pending
// request (opened with a script that writes only when none exists, settled
// by compare-and-delete on its id); the sorted set takeover:due indexes
// conversations by their request's deadline for the janitors of every
// node. The two keys are in different slots of a cluster, so the index is
// written after the request and cleaned lazily: an entry whose request is
// gone means nothing.

// takeoverKeep is how long a request outlives its deadline, so that a
// janitor that comes late still finds it to settle.
const takeoverKeep = 10 * time.Minute

func (c *Client) OpenTakeover(ctx context.Context, t chat.Takeover) (chat.Takeover, error) {
	ttl := max(time.Until(t.Deadline), 0) + takeoverKeep
	res, err := c.run(ctx, openTakeoverScript, []string{c.convKey("takeover", t.ConversationID)},
		ttl.Milliseconds(), "id", t.ID, "requesterId", t.RequesterID, "requesterName", t.RequesterName,
		"ownerId", t.OwnerID, "createdAt", t.CreatedAt.UnixMilli(), "deadline", t.Deadline.UnixMilli()).StringSlice()
	if err != nil {
		return chat.Takeover{}, err
	}
	if len(res) > 0 {
		return takeoverOf(t.ConversationID, res), nil
	}
	// On failure the request stands: the node that opened it times it
	// out itself; only a crash of that node would then leave it to expire.
	_ = c.rdb.ZAdd(ctx, c.key("takeover", "due"), goredis.Z{Score: float64(t.Deadline.UnixMilli()), Member: t.ConversationID}).Err()
	return t, nil
}

// openTakeoverScript returns the pending request's fields, or nothing after
// storing the new one.
var openTakeoverScript = newScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGETALL', KEYS[1]) end
local f = {}
for i = 2, #ARGV do f[#f+1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(f))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {}`)

func (c *Client) PendingTakeover(ctx context.Context, conversationID string) (chat.Takeover, bool, error) {
	m, err := c.rdb.HGetAll(ctx, c.convKey("takeover", conversationID)).Result()
	if err != nil || len(m) == 0 {
		return chat.Takeover{}, false, err
	}
	flat := make([]string, 0, 2*len(m))
	for k, v := range m {
		flat = append(flat, k, v)
	}
	return takeoverOf(conversationID, flat), true, nil
}

func (c *Client) SettleTakeover(ctx context.Context, conversationID, requestID string) (bool, error) {
	n, err := c.run(ctx, settleTakeoverScript, []string{c.convKey("takeover", conversationID)}, requestID).Int()
	if err != nil {
		return false, err
	}
	// The index entry may go: a later request of this conversation adds
	// its own.
	_ = c.rdb.ZRem(ctx, c.key("takeover", "due"), conversationID).Err()
	return n == 1, nil
}

var settleTakeoverScript = newScript(`
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

func (c *Client) DueTakeovers(ctx context.Context, now time.Time) ([]string, error) {
	return c.rdb.ZRangeByScore(ctx, c.key("takeover", "due"), &goredis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10)}).Result()
}

func takeoverOf(conversationID string, flat []string) chat.Takeover {
	t := chat.Takeover{ConversationID: conversationID}
	for i := 0; i+1 < len(flat); i += 2 {
		v := flat[i+1]
		switch flat[i] {
		case "id":
			t.ID = v
		case "requesterId":
			t.RequesterID = v
		case "requesterName":
			t.RequesterName = v
		case "ownerId":
			t.OwnerID = v
		case "createdAt":
			t.CreatedAt = millis(v)
		case "deadline":
			t.Deadline = millis(v)
		}
	}
	return t
}

func millis(v string) time.Time {
	n, _ := strconv.ParseInt(v, 10, 64)
	return time.UnixMilli(n).UTC()
}

package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Message sequencing. seq:<conv> is the last seq handed out; cid:<conv>:<clientId>
// remembers which seq a client id got, so a resend reuses it; holes:<conv>
// collects seqs given back after a failed write so they are handed out again
// and the stored sequence stays gap-free.

const (
	clientIDTTL = 24 * time.Hour
	seqTTL      = 7 * 24 * time.Hour
)

// NextSeq reserves the seq for a message. reused is true when this client id
// already had a seq (a resend).
func (c *Client) NextSeq(ctx context.Context, conversationID, clientID string) (seq int64, reused bool, err error) {
	keys := []string{c.key("seq", conversationID), c.key("cid", conversationID, clientID), c.key("holes", conversationID)}
	res, err := nextSeqScript.Run(ctx, c.rdb, keys, int(clientIDTTL.Seconds()), int(seqTTL.Seconds())).Int64Slice()
	if err != nil {
		return 0, false, err
	}
	if res[0] < 0 {
		return 0, false, chat.ErrSeqUnknown
	}
	return res[0], res[1] == 1, nil
}

var nextSeqScript = goredis.NewScript(`
local existing = redis.call('GET', KEYS[2])
if existing then return {tonumber(existing), 1} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
local seq
local hole = redis.call('ZPOPMIN', KEYS[3])
if hole[1] then seq = tonumber(hole[1]) else seq = redis.call('INCR', KEYS[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], seq, 'EX', ARGV[1])
return {seq, 0}`)

// InitSeq seeds the counter with the highest stored seq unless another node
// did it first.
func (c *Client) InitSeq(ctx context.Context, conversationID string, max int64) error {
	return c.rdb.SetNX(ctx, c.key("seq", conversationID), max, seqTTL).Err()
}

// ReleaseSeq gives back a seq whose message was not stored, and forgets the
// client id's reservation. The counter is pulled down when seq was the last
// one; otherwise seq becomes a hole that the next message fills.
func (c *Client) ReleaseSeq(ctx context.Context, conversationID string, seq int64, clientID string) error {
	keys := []string{c.key("seq", conversationID), c.key("cid", conversationID, clientID), c.key("holes", conversationID)}
	return releaseSeqScript.Run(ctx, c.rdb, keys, seq).Err()
}

var releaseSeqScript = goredis.NewScript(`
local seq = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[2]) or '-1') == seq then redis.call('DEL', KEYS[2]) end
local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
if cur ~= seq then
  redis.call('ZADD', KEYS[3], seq, seq)
  return 0
end
cur = redis.call('DECR', KEYS[1])
while cur > 0 and redis.call('ZSCORE', KEYS[3], cur) do
  redis.call('ZREM', KEYS[3], cur)
  cur = redis.call('DECR', KEYS[1])
end
return 1`)

// ForgetClientID drops a client id's reservation (used when the stored
// message already exists under another seq).
func (c *Client) ForgetClientID(ctx context.Context, conversationID, clientID string) error {
	return c.rdb.Del(ctx, c.key("cid", conversationID, clientID)).Err()
}

// RaiseSeq lifts the counter to at least min (after a write found its seq
// taken because the counter was rebuilt behind an in-flight message).
func (c *Client) RaiseSeq(ctx context.Context, conversationID string, min int64) error {
	return raiseSeqScript.Run(ctx, c.rdb, []string{c.key("seq", conversationID)}, min, int(seqTTL.Seconds())).Err()
}

var raiseSeqScript = goredis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 0`)

// CurrentSeq returns the last seq handed out for a conversation; ok is false
// when the counter is unknown (never used, expired or lost with Redis). Every
// stored message has a seq at most the counter, so a client holding the
// counter's value has nothing to replay.
func (c *Client) CurrentSeq(ctx context.Context, conversationID string) (seq int64, ok bool, err error) {
	seq, err = c.rdb.Get(ctx, c.key("seq", conversationID)).Int64()
	if err == goredis.Nil {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return seq, true, nil
}

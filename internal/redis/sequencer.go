package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Message sequencing. seq:{conv} is the last seq handed out;
// cid:{conv}:<clientId> remembers which seq a client id got, so a resend
// reuses it; holes:{conv} collects seqs given back after a failed write so
// they are handed out again and the stored sequence stays gap-free. Every
// key of a conversation carries its id as the hash tag: one script touches
// one slot of a Redis Cluster.

const (
	clientIDTTL = 24 * time.Hour
	seqTTL      = 7 * 24 * time.Hour
)

// messageKeys are the keys Reserve and Release touch, in script order.
func (c *Client) messageKeys(r chat.Reservation) []string {
	return []string{
		c.convKey("lock", r.ConversationID),
		c.convKey("seq", r.ConversationID),
		c.convKey("cid", r.ConversationID, r.ClientID),
		c.convKey("holes", r.ConversationID),
		c.convKey("unread", r.ConversationID),
	}
}

// Reserve is the one round trip before a message's write (see
// desk.Sequencer): the reply lock, the seq, the client id and the unread
// counter, in one script.
func (c *Client) Reserve(ctx context.Context, r chat.Reservation) (chat.Reserved, error) {
	return reservedOf(c.run(ctx, reserveScript, c.messageKeys(r), reserveArgs(r)...))
}

// ReserveBatch runs the reserve script for each reservation, pipelined:
// one round trip (one per node of a Redis Cluster, in parallel), in order.
// Scripts are sent by SHA; those Redis answers NOSCRIPT (a restart or a
// failover emptied its script cache: NOSCRIPT runs nothing) are run again
// one by one, which loads the script.
func (c *Client) ReserveBatch(ctx context.Context, rs []chat.Reservation) ([]chat.Reserved, []error) {
	out, errs := make([]chat.Reserved, len(rs)), make([]error, len(rs))
	if len(rs) == 1 {
		out[0], errs[0] = c.Reserve(ctx, rs[0])
		return out, errs
	}
	pipe := c.rdb.Pipeline()
	cmds := make([]*goredis.Cmd, len(rs))
	for i, r := range rs {
		cmds[i] = reserveScript.EvalSha(ctx, pipe, c.messageKeys(r), reserveArgs(r)...)
	}
	_, _ = pipe.Exec(ctx) // each command carries its own error
	for i, cmd := range cmds {
		if err := cmd.Err(); err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") {
			out[i], errs[i] = c.Reserve(ctx, rs[i])
			continue
		}
		out[i], errs[i] = reservedOf(cmd)
	}
	return out, errs
}

func reserveArgs(r chat.Reservation) []any {
	return []any{r.AgentID, int(clientIDTTL.Seconds()), int(seqTTL.Seconds()), r.Unread}
}

// reservedOf reads the reserve script's answer.
func reservedOf(cmd *goredis.Cmd) (chat.Reserved, error) {
	res, err := cmd.Int64Slice()
	if err != nil {
		return chat.Reserved{}, err
	}
	switch res[0] {
	case -1:
		return chat.Reserved{}, chat.ErrSeqUnknown
	case -2:
		return chat.Reserved{}, chat.ErrNoReplyLock
	case -3:
		return chat.Reserved{}, chat.ErrNotAssigned
	}
	return chat.Reserved{Seq: res[0], Reused: res[1] == 1, UnreadAgent: res[2], UnreadVisit: res[3]}, nil
}

// reserveScript: KEYS lock, seq, cid, holes, unread; ARGV agent id ("" for
// anyone else), client id TTL, counter TTL, unread side ("" for none).
// GET and SET replace EXISTS, INCR and EXPIRE: fewer calls inside Redis.
var reserveScript = newScript(`
if ARGV[1] ~= '' then
  local owner = redis.call('GET', KEYS[1])
  if not owner then return {-2} end
  if owner ~= ARGV[1] then return {-3} end
end
local reused = 1
local seq = redis.call('GET', KEYS[3])
if seq then
  seq = tonumber(seq)
else
  reused = 0
  local cur = redis.call('GET', KEYS[2])
  if not cur then return {-1} end
  cur = tonumber(cur)
  local hole = redis.call('ZPOPMIN', KEYS[4])
  if hole[1] then seq = tonumber(hole[1]) else seq = cur + 1; cur = seq end
  redis.call('SET', KEYS[2], cur, 'EX', ARGV[3])
  redis.call('SET', KEYS[3], seq, 'EX', ARGV[2])
  if ARGV[4] ~= '' then
    redis.call('HINCRBY', KEYS[5], ARGV[4], 1)
    redis.call('EXPIRE', KEYS[5], ARGV[3])
  end
end
local u = redis.call('HMGET', KEYS[5], 'agent', 'visitor')
return {seq, reused, tonumber(u[1]) or 0, tonumber(u[2]) or 0}`)

// Unreserve gives back what Reserve took for a message that was not
// stored. The counter is pulled down when seq was the last one; otherwise
// seq becomes a hole that the next message fills; seq 0 gives back only
// the client id and the unread count (a stored message holds the seq).
func (c *Client) Unreserve(ctx context.Context, r chat.Reservation, seq int64) error {
	return c.run(ctx, unreserveScript, c.messageKeys(r)[1:], seq, r.Unread).Err()
}

var unreserveScript = newScript(`
local seq = tonumber(ARGV[1])
if seq <= 0 or tonumber(redis.call('GET', KEYS[2]) or '-1') == seq then redis.call('DEL', KEYS[2]) end
if ARGV[2] ~= '' and redis.call('HINCRBY', KEYS[4], ARGV[2], -1) < 0 then
  redis.call('HSET', KEYS[4], ARGV[2], 0)
end
if seq <= 0 then return 0 end
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

// InitSeq seeds the counter with the highest stored seq unless another node
// did it first.
func (c *Client) InitSeq(ctx context.Context, conversationID string, max int64) error {
	return c.rdb.SetNX(ctx, c.convKey("seq", conversationID), max, seqTTL).Err()
}

// RaiseSeq lifts the counter to at least min (after a write found its seq
// taken because the counter was rebuilt behind an in-flight message).
func (c *Client) RaiseSeq(ctx context.Context, conversationID string, min int64) error {
	return c.run(ctx, raiseSeqScript, []string{c.convKey("seq", conversationID)}, min, int(seqTTL.Seconds())).Err()
}

var raiseSeqScript = newScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 0`)

// CurrentSeq returns the last seq handed out for a conversation; ok is false
// when the counter is unknown (never used, expired or lost with Redis). Every
// stored message has a seq at most the counter, so a client holding the
// counter's value has nothing to replay.
func (c *Client) CurrentSeq(ctx context.Context, conversationID string) (seq int64, ok bool, err error) {
	seq, err = c.rdb.Get(ctx, c.convKey("seq", conversationID)).Int64()
	if err == goredis.Nil {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return seq, true, nil
}

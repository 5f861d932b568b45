package desk

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// MaxReplay bounds one page of replayed messages.
const MaxReplay = 500

// replayReader answers a resuming socket: the messages after `after`, in
// seq order, at most limit. The caller has checked that the conversation
// exists and has subscribed the socket to its live events first:
// everything stored from then on arrives live, so a replay only has to
// cover what was stored before.
//
// It avoids MongoDB when it can prove the answer:
//   - the counter (the last seq handed out) is ≤ after: no stored message
//     can have a higher seq, nothing to replay (the common case for a client
//     that was up to date when its node went away);
//   - a recent replay of this conversation read a gap-free run of messages
//     up to exactly the current counter: every message ≤ counter is in it,
//     and the tail after `after` is the answer. Concurrent replays of one
//     conversation share one query.
//
// When the counter is unknown (Redis lost it) or Redis fails, it queries.
type replayReader struct {
	msgs    MessageStore
	seq     Sequencer
	cache   *replayCache
	metrics metricsOrNil
}

func (r replayReader) read(ctx context.Context, conversationID string, after int64, limit int) ([]*chat.Message, error) {
	if limit <= 0 || limit > MaxReplay {
		limit = MaxReplay
	}
	if after < 0 {
		after = 0
	}
	cur, known, err := r.seq.CurrentSeq(ctx, conversationID)
	if err != nil {
		r.metrics.redisError()
		known = false
	}
	if known && cur <= after {
		r.cache.skipped.Add(1)
		return nil, nil
	}
	if known {
		if ms, ok := r.cache.lookup(conversationID, after, cur, limit); ok {
			r.cache.hits.Add(1)
			return ms, nil
		}
	}
	key := conversationID + "/" + strconv.FormatInt(after, 10)
	ms, err := r.cache.flight.do(ctx, key, func(fctx context.Context) ([]*chat.Message, error) {
		r.cache.queries.Add(1)
		return r.msgs.MessagesAfter(fctx, conversationID, after, limit)
	})
	if err != nil {
		return nil, err
	}
	if known && len(ms) < limit {
		r.cache.remember(conversationID, after, cur, ms)
	}
	return ms, nil
}

// replayCache keeps, per conversation, the last gap-free run of messages
// read by a replay that reached the counter.
type replayCache struct {
	mu      sync.Mutex
	entries map[string]replayEntry
	flight  flightGroup[[]*chat.Message]

	skipped, hits, queries atomic.Int64
}

type replayEntry struct {
	from, to int64 // the run holds every message with from ≤ seq ≤ to
	ms       []*chat.Message
	at       time.Time
}

const (
	replayCacheTTL = 5 * time.Second
	replayCacheMax = 10000
	replayRunMax   = 100 // longer runs are not kept
)

func newReplayCache(spawn func(time.Duration, func(context.Context))) *replayCache {
	rc := &replayCache{entries: map[string]replayEntry{}}
	rc.flight.spawn = spawn
	return rc
}

func (rc *replayCache) lookup(conv string, after, cur int64, limit int) ([]*chat.Message, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[conv]
	if !ok || e.to != cur || e.from > after+1 || time.Since(e.at) >= replayCacheTTL {
		return nil, false
	}
	ms := e.ms[after+1-e.from:]
	if len(ms) > limit {
		return nil, false
	}
	return ms, true
}

// remember keeps ms (the messages after `after`) when they are exactly
// after+1 … cur with no gap: then no message ≤ cur is missing from them.
func (rc *replayCache) remember(conv string, after, cur int64, ms []*chat.Message) {
	if len(ms) == 0 || len(ms) > replayRunMax || int64(len(ms)) != cur-after {
		return
	}
	for i, m := range ms {
		if m.Seq != after+1+int64(i) {
			return
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if e, ok := rc.entries[conv]; ok && e.to == cur && e.from <= after+1 && time.Since(e.at) < replayCacheTTL {
		return // a longer run is kept already
	}
	if len(rc.entries) >= replayCacheMax {
		rc.entries = sweep(rc.entries, time.Now(), replayCacheTTL, replayCacheMax, func(e replayEntry) time.Time { return e.at })
	}
	rc.entries[conv] = replayEntry{from: after + 1, to: cur, ms: ms, at: time.Now()}
}

// stored records a message this node has just stored: it extends the
// conversation's cached run when it is the next seq, or starts a run of its
// own (a run claims only the seqs it holds, from..to, so a one-message run
// is complete by construction). A client that resumes from m.Seq-1 while
// the counter is still m.Seq is then answered without MongoDB — the usual
// case after a node died: one message arrived meanwhile.
func (rc *replayCache) stored(m *chat.Message) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[m.ConversationID]
	if ok && e.to == m.Seq-1 && len(e.ms) < replayRunMax && time.Since(e.at) < replayCacheTTL {
		ms := make([]*chat.Message, len(e.ms), len(e.ms)+1)
		copy(ms, e.ms)
		rc.entries[m.ConversationID] = replayEntry{from: e.from, to: m.Seq, ms: append(ms, m), at: time.Now()}
		return
	}
	if ok && e.to >= m.Seq && time.Since(e.at) < replayCacheTTL {
		return // an older message stored late: the current run stays
	}
	if len(rc.entries) >= replayCacheMax {
		return
	}
	rc.entries[m.ConversationID] = replayEntry{from: m.Seq, to: m.Seq, ms: []*chat.Message{m}, at: time.Now()}
}

// forget drops a conversation's run (it was erased).
func (rc *replayCache) forget(conv string) {
	rc.mu.Lock()
	delete(rc.entries, conv)
	rc.mu.Unlock()
}

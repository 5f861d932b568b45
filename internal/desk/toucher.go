package desk

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// toucher coalesces conversation activity (last message, unread counters)
// and writes it in one bulk update every touchEvery, so a busy conversation
// costs one write per period instead of one per message. Under load (more
// than touchLightBatch conversations due in one flush) a conversation
// written less than touchGap ago waits for a later flush: each write
// rewrites the whole document on FerretDB, and at 3 messages/s in 1,000
// conversations the 200 ms period alone meant 2,250 conversation rewrites
// per second, more than the message inserts (docs/benchmarks.md).
type toucher struct {
	store   ConversationStore
	locks   bulkLocker
	holder  string
	log     *slog.Logger
	mu      sync.Mutex
	pending map[string]chat.ConversationTouch
	// written is when this node last wrote each conversation's touch
	// (entries older than touchGap are dropped at each flush).
	written map[string]time.Time
	// observe, when set, sees every touch as it is added (the conversation
	// cache applies it at once rather than after the flush).
	observe func(chat.ConversationTouch)
}

const (
	touchEvery = 200 * time.Millisecond
	// touchGap and touchLightBatch: see toucher.
	touchGap        = 2 * time.Second
	touchLightBatch = 64
	// touchMaxBatch bounds one flush: on a saturated database a thousand
	// touches did not finish within the flush's 5 s and were all retried.
	touchMaxBatch = 200
)

// bulkLocker takes the per-conversation locks of many conversations at once.
type bulkLocker interface {
	TryLockMany(ctx context.Context, names []string, holder string, ttl time.Duration) ([]bool, error)
	UnlockMany(ctx context.Context, names []string, holder string) error
}

func newToucher(store ConversationStore, locks bulkLocker, holder string, log *slog.Logger) *toucher {
	return &toucher{store: store, locks: locks, holder: holder, log: log, pending: map[string]chat.ConversationTouch{}, written: map[string]time.Time{}}
}

func (t *toucher) add(u chat.ConversationTouch) {
	if t.observe != nil {
		t.observe(u)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if cur, ok := t.pending[u.ID]; ok {
		u = mergeTouch(u, cur)
	}
	t.pending[u.ID] = u
}

func (t *toucher) run(stop <-chan struct{}) { flushEvery(touchEvery, stop, t.flush) }

// flush writes the pending touches that are due (all of them when all is
// set: the node is stopping).
func (t *toucher) flush(all bool) {
	now := time.Now()
	t.mu.Lock()
	if len(t.pending) == 0 {
		t.mu.Unlock()
		return
	}
	batch := make([]chat.ConversationTouch, 0, len(t.pending))
	for _, u := range t.pending {
		batch = append(batch, u)
	}
	if all {
		t.pending = map[string]chat.ConversationTouch{}
	} else {
		var later []chat.ConversationTouch
		batch, later = dueTouches(batch, t.written, now)
		t.pending = make(map[string]chat.ConversationTouch, len(later))
		for _, u := range later {
			t.pending[u.ID] = u
		}
	}
	for id, at := range t.written {
		if now.Sub(at) >= touchGap {
			delete(t.written, id)
		}
	}
	for _, u := range batch {
		t.written[u.ID] = now
	}
	t.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if t.store.PartialUpdatesAtomic() {
		// MongoDB: an activity write cannot undo an ownership change made
		// at the same moment (different fields), so no lock and no Redis.
		if err := t.store.TouchConversations(ctx, batch); err != nil {
			t.log.Warn("conversation touch failed; will retry", "n", len(batch), "err", err)
			t.readd(batch)
		}
		return
	}
	// FerretDB rewrites whole documents, so two updates racing on one
	// conversation (even on different fields) would lose one: each
	// conversation is written under its conversation lock, like ownership
	// changes, and one busy right now waits for the next flush.
	names := make([]string, len(batch))
	for i, u := range batch {
		names[i] = "conv:" + u.ID
	}
	got, err := t.locks.TryLockMany(ctx, names, t.holder, 10*time.Second)
	if err != nil {
		t.log.Warn("conversation touch: locks unavailable; will retry", "n", len(batch), "err", err)
		t.readd(batch)
		return
	}
	var mine, busy []chat.ConversationTouch
	var locked []string
	for i, u := range batch {
		if got[i] {
			mine = append(mine, u)
			locked = append(locked, names[i])
		} else {
			busy = append(busy, u)
		}
	}
	t.readd(busy)
	if len(mine) > 0 {
		if err := t.store.TouchConversations(ctx, mine); err != nil {
			t.log.Warn("conversation touch failed; will retry", "n", len(mine), "err", err)
			t.readd(mine)
		}
	}
	if len(locked) > 0 {
		if err := t.locks.UnlockMany(context.Background(), locked, t.holder); err != nil {
			t.log.Warn("conversation touch: unlock failed (locks expire in 10 s)", "err", err)
		}
	}
}

// dueTouches splits a flush into the touches to write now and those to keep
// for a later flush: a light flush writes everything; a heavy one defers
// the conversations written less than touchGap ago, and at most
// touchMaxBatch go in one flush.
func dueTouches(batch []chat.ConversationTouch, written map[string]time.Time, now time.Time) (due, later []chat.ConversationTouch) {
	if len(batch) <= touchLightBatch {
		return batch, nil
	}
	due = batch[:0:0]
	for _, u := range batch {
		if at, ok := written[u.ID]; (ok && now.Sub(at) < touchGap) || len(due) == touchMaxBatch {
			later = append(later, u)
		} else {
			due = append(due, u)
		}
	}
	return due, later
}

// readd puts back a batch that failed to write, without overwriting newer
// values queued meanwhile.
func (t *toucher) readd(batch []chat.ConversationTouch) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, old := range batch {
		if cur, ok := t.pending[old.ID]; ok {
			old = mergeTouch(cur, old)
		}
		t.pending[old.ID] = old
	}
}

// mergeTouch folds an older touch of the same conversation into a newer one:
// the preview with the highest seq, the newer counters where set, the latest
// activity time and the earliest first response.
func mergeTouch(newer, older chat.ConversationTouch) chat.ConversationTouch {
	if newer.LastMessage == nil || (older.LastMessage != nil && older.LastMessage.Seq > newer.LastMessage.Seq) {
		newer.LastMessage = older.LastMessage
	}
	if newer.UnreadAgent == nil {
		newer.UnreadAgent = older.UnreadAgent
	}
	if newer.UnreadVisit == nil {
		newer.UnreadVisit = older.UnreadVisit
	}
	if older.UpdatedAt.After(newer.UpdatedAt) {
		newer.UpdatedAt = older.UpdatedAt
	}
	newer.FirstResponseAt = earliest(newer.FirstResponseAt, older.FirstResponseAt)
	newer.AgentReadSeq = highest(newer.AgentReadSeq, older.AgentReadSeq)
	newer.VisitorReadSeq = highest(newer.VisitorReadSeq, older.VisitorReadSeq)
	return newer
}

func highest(a, b *int64) *int64 {
	if a == nil || (b != nil && *b > *a) {
		return b
	}
	return a
}

func earliest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}

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
// costs one write per period instead of one per message.
type toucher struct {
	store   ConversationStore
	log     *slog.Logger
	mu      sync.Mutex
	pending map[string]chat.ConversationTouch
}

const touchEvery = 200 * time.Millisecond

func newToucher(store ConversationStore, log *slog.Logger) *toucher {
	return &toucher{store: store, log: log, pending: map[string]chat.ConversationTouch{}}
}

func (t *toucher) add(u chat.ConversationTouch) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cur, ok := t.pending[u.ID]
	if ok {
		if u.LastMessage == nil || (cur.LastMessage != nil && cur.LastMessage.Seq > u.LastMessage.Seq) {
			u.LastMessage = cur.LastMessage
		}
		if u.UnreadAgent == nil {
			u.UnreadAgent = cur.UnreadAgent
		}
		if u.UnreadVisit == nil {
			u.UnreadVisit = cur.UnreadVisit
		}
		if cur.UpdatedAt.After(u.UpdatedAt) {
			u.UpdatedAt = cur.UpdatedAt
		}
	}
	t.pending[u.ID] = u
}

func (t *toucher) run(stop <-chan struct{}) {
	tick := time.NewTicker(touchEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			t.flush()
		case <-stop:
			t.flush()
			return
		}
	}
}

func (t *toucher) flush() {
	t.mu.Lock()
	if len(t.pending) == 0 {
		t.mu.Unlock()
		return
	}
	batch := make([]chat.ConversationTouch, 0, len(t.pending))
	for _, u := range t.pending {
		batch = append(batch, u)
	}
	t.pending = map[string]chat.ConversationTouch{}
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.store.TouchConversations(ctx, batch); err != nil {
		t.log.Warn("conversation touch failed; will retry", "n", len(batch), "err", err)
		t.readd(batch)
	}
}

// readd puts back a batch that failed to write, without overwriting newer
// values queued meanwhile.
func (t *toucher) readd(batch []chat.ConversationTouch) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, old := range batch {
		cur, ok := t.pending[old.ID]
		if !ok {
			t.pending[old.ID] = old
			continue
		}
		if cur.LastMessage == nil || (old.LastMessage != nil && old.LastMessage.Seq > cur.LastMessage.Seq) {
			cur.LastMessage = old.LastMessage
		}
		if cur.UnreadAgent == nil {
			cur.UnreadAgent = old.UnreadAgent
		}
		if cur.UnreadVisit == nil {
			cur.UnreadVisit = old.UnreadVisit
		}
		if old.UpdatedAt.After(cur.UpdatedAt) {
			cur.UpdatedAt = old.UpdatedAt
		}
		t.pending[old.ID] = cur
	}
}

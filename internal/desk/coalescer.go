package desk

import (
	"context"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// coalescer limits the inbox updates that messages cause: every agent
// receives a `conversation.updated` (change "message") for a conversation
// at most once per window from this node, instead of once per message.
//
// The first message after a quiet window is published at once (an idle
// inbox updates without delay). Later ones within the window only replace
// the pending snapshot; when the window ends, the latest snapshot is
// published, refreshed first: status, owner and the rest of the document
// come from the conversation cache (dropped by every ownership or triage
// write, here or on another node), the unread counters from Redis, so a
// delayed update never undoes a change made meanwhile. The event's shape is
// unchanged (docs/protocol.md): `{conversation, change: "message"}`.
// Other changes (assigned, resolved, read…) are not coalesced.
type coalescer struct {
	events *events
	convs  convReader
	unread UnreadCounters
	window time.Duration

	mu      sync.Mutex
	last    map[string]time.Time // when the last update per conversation went out
	pending map[string]*chat.Conversation

	published, coalesced int64 // counters, under mu
}

func newCoalescer(ev *events, convs convReader, unread UnreadCounters, window time.Duration) *coalescer {
	return &coalescer{events: ev, convs: convs, unread: unread, window: window, last: map[string]time.Time{}, pending: map[string]*chat.Conversation{}}
}

// add is called after each stored message with the conversation as the
// sender saw it (already carrying the new preview and counters).
func (co *coalescer) add(c *chat.Conversation) {
	c = copyConv(c)
	now := time.Now()
	co.mu.Lock()
	if p, ok := co.pending[c.ID]; ok {
		if newerActivity(c, p) {
			co.pending[c.ID] = c
		}
		co.coalesced++
		co.mu.Unlock()
		return
	}
	if last, ok := co.last[c.ID]; ok && now.Sub(last) < co.window {
		co.pending[c.ID] = c
		co.coalesced++
		co.mu.Unlock()
		return
	}
	co.last[c.ID] = now
	co.published++
	co.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	co.events.publish(ctx, AgentsTopic, protocol.EvtConversationUpdated, protocol.ConversationChanged{Conversation: c, Change: chat.ChangeMessage})
}

func newerActivity(a, b *chat.Conversation) bool {
	as, bs := int64(0), int64(0)
	if a.LastMessage != nil {
		as = a.LastMessage.Seq
	}
	if b.LastMessage != nil {
		bs = b.LastMessage.Seq
	}
	if as != bs {
		return as > bs
	}
	return !a.UpdatedAt.Before(b.UpdatedAt)
}

func (co *coalescer) run(stop <-chan struct{}) { flushEvery(200*time.Millisecond, stop, co.flush) }

// flush publishes the pending snapshots whose window ended (all when final).
func (co *coalescer) flush(final bool) {
	now := time.Now()
	var due []*chat.Conversation
	co.mu.Lock()
	for id, c := range co.pending {
		if final || now.Sub(co.last[id]) >= co.window {
			due = append(due, c)
			delete(co.pending, id)
			co.last[id] = now
		}
	}
	for id, at := range co.last {
		if _, ok := co.pending[id]; !ok && now.Sub(at) >= co.window {
			delete(co.last, id)
		}
	}
	co.published += int64(len(due))
	co.mu.Unlock()
	if len(due) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// The current unread counters of every due conversation in one round
	// trip (an agent may have read meanwhile, on any node).
	ids := make([]string, len(due))
	for i, c := range due {
		ids[i] = c.ID
	}
	unread, err := co.unread.UnreadMany(ctx, ids)
	for i, c := range due {
		snap := co.refreshed(ctx, c)
		if snap == nil {
			continue
		}
		if err == nil {
			snap.UnreadAgent, snap.UnreadVisit = unread[i][0], unread[i][1]
		}
		co.events.publish(ctx, AgentsTopic, protocol.EvtConversationUpdated, protocol.ConversationChanged{Conversation: snap, Change: chat.ChangeMessage})
	}
}

// refreshed returns the current conversation (cache, else store) carrying
// snap's activity when that is newer (the caller sets the current unread
// counters); nil when the conversation is gone (erased meanwhile: an update
// would bring it back into inboxes).
func (co *coalescer) refreshed(ctx context.Context, snap *chat.Conversation) *chat.Conversation {
	c, err := co.convs.get(ctx, snap.ID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return nil
	}
	if err != nil {
		return snap
	}
	if snap.LastMessage != nil && (c.LastMessage == nil || snap.LastMessage.Seq >= c.LastMessage.Seq) {
		c.LastMessage = snap.LastMessage
	}
	if snap.UpdatedAt.After(c.UpdatedAt) {
		c.UpdatedAt = snap.UpdatedAt
	}
	if c.FirstResponseAt == nil {
		c.FirstResponseAt = snap.FirstResponseAt
	}
	c.UnreadAgent, c.UnreadVisit = snap.UnreadAgent, snap.UnreadVisit
	return c
}

// stats reports inbox updates published and coalesced away.
func (co *coalescer) stats() (published, coalesced int64) {
	co.mu.Lock()
	defer co.mu.Unlock()
	return co.published, co.coalesced
}

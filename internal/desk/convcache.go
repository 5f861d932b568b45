package desk

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// convCache keeps recently read conversation documents for the hot paths
// (hello, join, sync, message send, typing), so that a reconnect storm or a
// busy conversation does not read the same document from MongoDB for every
// socket and every message.
//
// It is never the authority for a decision that must be exact: who may
// reply is decided by the Redis reply lock (ownership.owner re-reads the
// document when the lock is missing), and every locked read-modify-write
// reads the store directly. Entries live convCacheTTL at most; on this node
// every conversation write goes through cachingStore, which drops (or, for
// activity touches, patches) the entry after the write, and writes made on
// other nodes arrive as conversation.* events (observe) that drop it too. A fill that raced with a drop is not kept (epoch).
type convCache struct {
	mu      sync.Mutex
	entries map[string]convEntry
	epoch   uint64
	flight  flightGroup[*chat.Conversation]
	now     func() time.Time
}

type convEntry struct {
	c  *chat.Conversation
	at time.Time
}

const (
	convCacheTTL = 10 * time.Second
	convCacheMax = 50000
)

func newConvCache(spawn func(time.Duration, func(context.Context))) *convCache {
	cc := &convCache{entries: map[string]convEntry{}, now: time.Now}
	cc.flight.spawn = spawn
	return cc
}

// get returns a private copy of the conversation, from the cache when fresh.
func (cc *convCache) get(ctx context.Context, id string, fetch func(context.Context, string) (*chat.Conversation, error)) (*chat.Conversation, error) {
	cc.mu.Lock()
	if e, ok := cc.entries[id]; ok && cc.now().Sub(e.at) < convCacheTTL {
		cc.mu.Unlock()
		return copyConv(e.c), nil
	}
	cc.mu.Unlock()
	c, err := cc.flight.do(ctx, id, func(fctx context.Context) (*chat.Conversation, error) {
		cc.mu.Lock()
		epoch := cc.epoch
		cc.mu.Unlock()
		// Not the caller's context: others may be waiting on this read,
		// and a caller that queued long must not fail them all.
		c, err := fetch(fctx, id)
		if err != nil {
			return nil, err
		}
		cc.mu.Lock()
		if cc.epoch == epoch {
			if len(cc.entries) >= convCacheMax {
				cc.sweepLocked()
			}
			cc.entries[id] = convEntry{c: copyConv(c), at: cc.now()}
		}
		cc.mu.Unlock()
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	return copyConv(c), nil
}

func (cc *convCache) sweepLocked() {
	cc.entries = sweep(cc.entries, cc.now(), convCacheTTL, convCacheMax, func(e convEntry) time.Time { return e.at })
}

// sweep makes room in a bounded cache: it drops the entries older than
// ttl and, if the cache is still full, everything (a cache that fills with
// live entries is being flooded; starting over is cheap and safe).
func sweep[K comparable, E any](m map[K]E, now time.Time, ttl time.Duration, max int, at func(E) time.Time) map[K]E {
	for k, e := range m {
		if now.Sub(at(e)) >= ttl {
			delete(m, k)
		}
	}
	if len(m) >= max {
		return map[K]E{}
	}
	return m
}

// drop forgets a conversation after a write (here or on another node).
func (cc *convCache) drop(id string) {
	cc.mu.Lock()
	cc.epoch++
	delete(cc.entries, id)
	cc.mu.Unlock()
}

// touch applies activity fields (preview, unread counters, updatedAt,
// first response) to a cached entry: they change with every message and do
// not take part in any decision but the first-response stamp.
func (cc *convCache) touch(t chat.ConversationTouch) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	e, ok := cc.entries[t.ID]
	if !ok {
		return
	}
	c := copyConv(e.c)
	if t.LastMessage != nil && (c.LastMessage == nil || t.LastMessage.Seq >= c.LastMessage.Seq) {
		lm := *t.LastMessage
		c.LastMessage = &lm
	}
	if t.UnreadAgent != nil {
		c.UnreadAgent = *t.UnreadAgent
	}
	if t.UnreadVisit != nil {
		c.UnreadVisit = *t.UnreadVisit
	}
	if t.UpdatedAt.After(c.UpdatedAt) {
		c.UpdatedAt = t.UpdatedAt
	}
	if t.FirstResponseAt != nil && (c.FirstResponseAt == nil || t.FirstResponseAt.Before(*c.FirstResponseAt)) {
		at := *t.FirstResponseAt
		c.FirstResponseAt = &at
	}
	if t.AgentReadSeq != nil && *t.AgentReadSeq > c.AgentReadSeq {
		c.AgentReadSeq = *t.AgentReadSeq
	}
	if t.VisitorReadSeq != nil && *t.VisitorReadSeq > c.VisitorReadSeq {
		c.VisitorReadSeq = *t.VisitorReadSeq
	}
	cc.entries[t.ID] = convEntry{c: c, at: e.at}
}

// copyConv returns a shallow copy: callers mutate top-level fields of the
// conversations they get (afterStore does), never nested values.
func copyConv(c *chat.Conversation) *chat.Conversation {
	if c == nil {
		return nil
	}
	cp := *c
	return &cp
}

// cachingStore is the service's store: conversation writes drop the cached
// copy once they are done. Reads go to the store (authoritative); hot paths
// use Service.cachedConversation explicitly.
type cachingStore struct {
	Store
	convs *convCache
}

func (cs cachingStore) UpdateConversation(ctx context.Context, id string, u chat.ConversationUpdate) error {
	err := cs.Store.UpdateConversation(ctx, id, u)
	cs.convs.drop(id) // also on error: the write may have happened
	return err
}

func (cs cachingStore) TouchConversations(ctx context.Context, touches []chat.ConversationTouch) error {
	err := cs.Store.TouchConversations(ctx, touches)
	for _, t := range touches {
		cs.convs.touch(t)
	}
	return err
}

// convReader reads conversations for the hot paths through the cache. Do
// not use it for a decision that needs the current state (see convCache).
type convReader struct {
	store ConversationStore
	convs *convCache
}

func (r convReader) get(ctx context.Context, id string) (*chat.Conversation, error) {
	return r.convs.get(ctx, id, r.store.Conversation)
}

// observe keeps the cache in step with the conversation events of every
// node (a bus handler: it sees each event of the agents topic): an activity
// update patches the cached copy, any other change drops it.
func (cc *convCache) observe(topic string, payload []byte) {
	if topic != AgentsTopic || !isConversationEvent(payload) {
		return
	}
	var ev struct {
		Data protocol.ConversationChanged `json:"data"`
	}
	if json.Unmarshal(payload, &ev) != nil {
		return
	}
	c := ev.Data.Conversation
	if c == nil || c.ID == "" {
		return
	}
	if ev.Data.Change != chat.ChangeMessage {
		cc.drop(c.ID)
		return
	}
	t := chat.ConversationTouch{ID: c.ID, LastMessage: c.LastMessage, UpdatedAt: c.UpdatedAt, FirstResponseAt: c.FirstResponseAt}
	ua, uv := c.UnreadAgent, c.UnreadVisit
	t.UnreadAgent, t.UnreadVisit = &ua, &uv
	cc.touch(t)
}

// isConversationEvent looks at the type without decoding the event: the
// agents topic carries presence and other events the cache ignores.
func isConversationEvent(payload []byte) bool {
	head := payload[:min(len(payload), 64)]
	return strings.Contains(string(head), `"type":"`+protocol.EvtConversationUpdated+`"`) ||
		strings.Contains(string(head), `"type":"`+protocol.EvtConversationCreated+`"`)
}

// forgetAll drops every cached conversation: the bus reconnected and change
// events may have been missed.
func (cc *convCache) forgetAll() {
	cc.mu.Lock()
	cc.epoch++
	cc.entries = map[string]convEntry{}
	cc.mu.Unlock()
}

package desk

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// convCache keeps recently read conversation documents for the hot paths
// (hello, join, sync, message send, typing), so that a reconnect storm or a
// busy conversation does not read the same document from MongoDB for every
// socket and every message.
//
// It is never the authority for a decision that must be exact: who may
// reply is decided by the Redis reply lock (Service.owner re-reads the
// document when the lock is missing), and every locked read-modify-write
// reads the store directly. Entries live convCacheTTL at most; on this node
// every conversation write goes through cachingStore, which drops (or, for
// activity touches, patches) the entry after the write, and writes made on
// other nodes arrive as conversation.* events (Service.ObserveEvent) that
// drop it too. A fill that raced with a drop is not kept (epoch).
type convCache struct {
	mu      sync.Mutex
	entries map[string]convEntry
	epoch   uint64
	flight  flightGroup[*chat.Conversation]
	now     func() time.Time

	hits, fetches atomic.Int64
}

type convEntry struct {
	c  *chat.Conversation
	at time.Time
}

const (
	convCacheTTL = 10 * time.Second
	convCacheMax = 50000
)

func newConvCache() *convCache {
	return &convCache{entries: map[string]convEntry{}, now: time.Now}
}

// get returns a private copy of the conversation, from the cache when fresh.
func (cc *convCache) get(ctx context.Context, id string, fetch func(context.Context, string) (*chat.Conversation, error)) (*chat.Conversation, error) {
	cc.mu.Lock()
	if e, ok := cc.entries[id]; ok && cc.now().Sub(e.at) < convCacheTTL {
		cc.mu.Unlock()
		cc.hits.Add(1)
		return copyConv(e.c), nil
	}
	cc.mu.Unlock()
	c, err := cc.flight.do(ctx, id, func() (*chat.Conversation, error) {
		cc.mu.Lock()
		epoch := cc.epoch
		cc.mu.Unlock()
		cc.fetches.Add(1)
		// Not the caller's context: others may be waiting on this read,
		// and a caller that queued long must not fail them all.
		fctx, cancel := context.WithTimeout(context.Background(), flightTimeout)
		defer cancel()
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
	now := cc.now()
	for id, e := range cc.entries {
		if now.Sub(e.at) >= convCacheTTL {
			delete(cc.entries, id)
		}
	}
	if len(cc.entries) >= convCacheMax {
		cc.entries = map[string]convEntry{}
	}
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

// cachedConversation reads a conversation for a hot path. Do not use it for
// a decision that needs the current state (see convCache).
func (s *Service) cachedConversation(ctx context.Context, id string) (*chat.Conversation, error) {
	return s.convs.get(ctx, id, s.store.Conversation)
}

// ConversationForSession returns a conversation the actor may read, served
// from the short-lived cache: for hello, join and sync, where a few seconds
// of staleness of the snapshot are harmless (live events follow).
func (s *Service) ConversationForSession(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	c, err := s.cachedConversation(ctx, id)
	if err != nil {
		return nil, s.unavailable(err)
	}
	return c, nil
}

// ObserveConversationEvent keeps the cache in step with conversation events
// from any node (the hub passes every conversation.created/updated it
// receives on the agents topic): an activity update patches the cached copy,
// any other change drops it.
func (s *Service) ObserveConversationEvent(c *chat.Conversation, change string) {
	if c == nil || c.ID == "" {
		return
	}
	if change != "message" {
		s.convs.drop(c.ID)
		return
	}
	t := chat.ConversationTouch{ID: c.ID, LastMessage: c.LastMessage, UpdatedAt: c.UpdatedAt, FirstResponseAt: c.FirstResponseAt}
	ua, uv := c.UnreadAgent, c.UnreadVisit
	t.UnreadAgent, t.UnreadVisit = &ua, &uv
	s.convs.touch(t)
}

// flightGroup lets concurrent callers for the same key share one call
// (a storm of hellos for one conversation reads it once).
type flightGroup[T any] struct {
	mu    sync.Mutex
	calls map[string]*flightCall[T]
}

type flightCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// flightTimeout bounds a shared read; fn runs detached from the callers'
// contexts, each caller waits for it at most until its own context ends.
const flightTimeout = 10 * time.Second

func (g *flightGroup[T]) do(ctx context.Context, key string, fn func() (T, error)) (T, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*flightCall[T]{}
	}
	c, ok := g.calls[key]
	if !ok {
		c = &flightCall[T]{done: make(chan struct{})}
		g.calls[key] = c
		go func() {
			defer func() {
				g.mu.Lock()
				delete(g.calls, key)
				g.mu.Unlock()
				close(c.done)
			}()
			c.val, c.err = fn()
		}()
	}
	g.mu.Unlock()
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// ConversationCacheStats counts hot-path conversation reads served from the
// cache and those that went to the store.
func (s *Service) ConversationCacheStats() (hits, fetches int64) {
	return s.convs.hits.Load(), s.convs.fetches.Load()
}

// ForgetCachedConversations drops every cached conversation; the hub calls
// it when the bus reconnected (change events may have been missed).
func (s *Service) ForgetCachedConversations() {
	s.convs.mu.Lock()
	s.convs.epoch++
	s.convs.entries = map[string]convEntry{}
	s.convs.mu.Unlock()
}

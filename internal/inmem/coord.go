package inmem

import (
	"context"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Coordinator keeps the cross-node state internal/redis keeps, in memory,
// with the same semantics: every operation is atomic (one mutex stands for
// Redis' single thread), keys expire as their Redis keys do, measured in
// milliseconds on an injectable clock. Share one Coordinator between the
// simulated nodes of a test. The zero value is not usable; call
// NewCoordinator.
type Coordinator struct {
	downSwitch
	now func() time.Time

	mu    sync.Mutex
	state coordState
}

// coordState is everything Forget forgets.
type coordState struct {
	replyLocks  map[string]string             // conversation → owner; no expiry
	seqs        map[string]expiring[int64]    // conversation → last seq handed out
	clientIDs   map[[2]string]expiring[int64] // (conversation, clientId) → seq
	holes       map[string]map[int64]bool     // conversation → seqs given back; no expiry
	unread      map[string]*unreadCounts
	presence    map[string]int64 // "agent|node" → expiry, unix ms
	offline     map[string]int64 // agent → when they went offline, unix ms
	away        map[string]bool
	rotation    map[string]int64 // agent → ticket of their last turn
	ticket      int64
	mutexes     map[string]expiring[string] // name → holder
	typing      map[[2]string]int64         // (conversation, side) → expiry, unix ms
	takeovers   map[string]expiring[chat.Takeover]
	pages       map[string][]byte // conversation → encoded chat.PageView
	pageDurable map[string]int64  // conversation → end of its durable window, unix ms
}

func newCoordState() coordState {
	return coordState{
		replyLocks:  map[string]string{},
		seqs:        map[string]expiring[int64]{},
		clientIDs:   map[[2]string]expiring[int64]{},
		holes:       map[string]map[int64]bool{},
		unread:      map[string]*unreadCounts{},
		presence:    map[string]int64{},
		offline:     map[string]int64{},
		away:        map[string]bool{},
		rotation:    map[string]int64{},
		mutexes:     map[string]expiring[string]{},
		typing:      map[[2]string]int64{},
		takeovers:   map[string]expiring[chat.Takeover]{},
		pages:       map[string][]byte{},
		pageDurable: map[string]int64{},
	}
}

// expiring is a value with the expiry of its Redis key (0: none).
type expiring[T any] struct {
	v        T
	expireAt int64 // unix ms
}

// live reports whether a key expiring at expireAt exists at now: like
// Redis, a key is gone only once the clock is past its expiry.
func live(expireAt int64, now time.Time) bool { return expireAt == 0 || now.UnixMilli() <= expireAt }

// expiry returns the expiry of a key set at now for ttl (0: none), in
// whole milliseconds as Redis keeps it.
func expiry(now time.Time, ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return now.UnixMilli() + max(ttl.Milliseconds(), 1)
}

// NewCoordinator returns an empty coordinator reading time from now, or
// from time.Now when now is nil.
func NewCoordinator(now func() time.Time) *Coordinator {
	if now == nil {
		now = time.Now
	}
	return &Coordinator{now: now, state: newCoordState()}
}

// Forget drops every key, as Redis restarting without persistence does:
// locks, counters, presence, rotation, all of it.
func (c *Coordinator) Forget() {
	c.mu.Lock()
	c.state = newCoordState()
	c.mu.Unlock()
}

// Ping fails while the coordinator is down.
func (c *Coordinator) Ping(ctx context.Context) error { return c.check(ctx) }

// lock checks the switch and the context, then takes the mutex and reads
// the clock once, so one operation sees one instant, like a Lua script.
// Call the returned func to unlock.
func (c *Coordinator) lock(ctx context.Context) (st *coordState, now time.Time, unlock func(), err error) {
	if err := c.check(ctx); err != nil {
		return nil, time.Time{}, nil, err
	}
	c.mu.Lock()
	return &c.state, c.now(), c.mu.Unlock, nil
}

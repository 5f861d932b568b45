package inmem

import (
	"sync"
	"time"
)

// ManualClock is a clock that moves only when told, for tests of expiry:
// pass its Now to NewCoordinator. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock standing at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Sleep is Advance, so the clock can stand in for real waiting (the
// contract suites' Clock).
func (c *ManualClock) Sleep(d time.Duration) { c.Advance(d) }

package inmem

import (
	"context"
	"sync/atomic"
)

// downSwitch makes a fake fail every call, as a server that cannot be
// reached would.
type downSwitch struct{ down atomic.Bool }

// SetDown switches the fake down (every call fails with ErrDown) or back up.
func (s *downSwitch) SetDown(down bool) { s.down.Store(down) }

// check is called at the start of every call: a down service fails, and so
// does a call whose context already ended, as with a real client.
func (s *downSwitch) check(ctx context.Context) error {
	if s.down.Load() {
		return ErrDown
	}
	return ctx.Err()
}

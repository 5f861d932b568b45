package clienttest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// Events collects the frames a wsclient.Client pushes (Options.OnEvent =
// events.Push) for a test to wait on.
type Events struct {
	t     testing.TB
	inbox *wsclient.Inbox
}

// NewEvents returns an empty collector.
func NewEvents(t testing.TB) *Events { return &Events{t: t, inbox: wsclient.NewInbox()} }

// Push records a frame; it never blocks.
func (e *Events) Push(f Frame) { e.inbox.Push(f) }

// Wait returns the first event matching pred (which also gets the data
// decoded as an object) within the given time, and how long it took.
// Events before it are dropped: each wait sees only what came after the
// previous one's match. The failure lists the last events received.
func (e *Events) Wait(what string, within time.Duration, pred func(f Frame, data map[string]any) bool) (Frame, time.Duration) {
	e.t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	f, err := e.inbox.SkipUntil(ctx, func(f Frame) bool {
		var d map[string]any
		_ = json.Unmarshal(f.Data, &d)
		return pred(f, d)
	})
	if err != nil {
		e.t.Fatalf("after %s waiting for %s: %v", within, what, err)
	}
	return f, time.Since(start)
}

// Clear drops every event received so far.
func (e *Events) Clear() { e.inbox.Take() }

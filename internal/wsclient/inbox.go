package wsclient

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Inbox records received frames and lets a caller wait for one matching a
// predicate. When a wait fails its error lists the frames that did arrive,
// which is what a failing test needs to say. A Conn fills its own; a
// Client's pushed events can be collected in one (Options.OnEvent =
// inbox.Push).
type Inbox struct {
	mu     sync.Mutex
	frames []Frame // received and not taken
	recent []Frame // the last recentFrames received, taken or not
	notify chan struct{}
	done   chan struct{} // closed by End: nothing more will arrive
	ended  error
}

// recentFrames is how many received frames a wait's error lists.
const recentFrames = 20

// NewInbox returns an empty inbox.
func NewInbox() *Inbox {
	return &Inbox{notify: make(chan struct{}, 1), done: make(chan struct{})}
}

// Push records a frame. It never blocks.
func (b *Inbox) Push(f Frame) {
	b.mu.Lock()
	b.frames = append(b.frames, f)
	if len(b.recent) == recentFrames {
		copy(b.recent, b.recent[1:])
		b.recent = b.recent[:recentFrames-1]
	}
	b.recent = append(b.recent, f)
	b.mu.Unlock()
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// End says no frame will arrive any more, and why.
func (b *Inbox) End(why error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.done:
	default:
		b.ended = why
		close(b.done)
	}
}

// WaitFor returns the first recorded frame matching pred and removes it;
// the frames before it stay (a later wait may want them). It waits until
// one arrives, ctx ends, or the inbox ends.
func (b *Inbox) WaitFor(ctx context.Context, pred func(Frame) bool) (Frame, error) {
	return b.wait(ctx, pred, false)
}

// SkipUntil is WaitFor that also drops the frames before the match: for a
// wait that must see an event newer than those waited past already.
func (b *Inbox) SkipUntil(ctx context.Context, pred func(Frame) bool) (Frame, error) {
	return b.wait(ctx, pred, true)
}

func (b *Inbox) wait(ctx context.Context, pred func(Frame) bool, skip bool) (Frame, error) {
	for {
		if f, ok := b.take(pred, skip); ok {
			return f, nil
		}
		select {
		case <-b.notify:
			continue
		case <-b.done:
			// what arrived before the end
			if f, ok := b.take(pred, skip); ok {
				return f, nil
			}
			b.mu.Lock()
			why := b.ended
			b.mu.Unlock()
			return Frame{}, b.waitError(why)
		case <-ctx.Done():
			return Frame{}, b.waitError(ctx.Err())
		}
	}
}

func (b *Inbox) take(pred func(Frame) bool, skip bool) (Frame, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, f := range b.frames {
		if pred(f) {
			if skip {
				b.frames = b.frames[i+1:]
			} else {
				b.frames = append(b.frames[:i:i], b.frames[i+1:]...)
			}
			return f, true
		}
	}
	if skip {
		b.frames = b.frames[:0]
	}
	return Frame{}, false
}

// Take removes and returns every recorded frame.
func (b *Inbox) Take() []Frame {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.frames
	b.frames = nil
	return out
}

// Recent lists the last frames received (at most 20), oldest first.
func (b *Inbox) Recent() []Frame {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Frame(nil), b.recent...)
}

// WaitError is a wait that found no matching frame.
type WaitError struct {
	// Cause is why the wait ended: the context's error, or the end of
	// the inbox (the connection closed).
	Cause error
	// Recent are the last frames received, oldest first.
	Recent []Frame
}

func (e *WaitError) Error() string {
	var s strings.Builder
	fmt.Fprintf(&s, "no matching frame (%v); ", e.Cause)
	if len(e.Recent) == 0 {
		s.WriteString("no frame received")
		return s.String()
	}
	fmt.Fprintf(&s, "last %d received:", len(e.Recent))
	for _, f := range e.Recent {
		s.WriteString(" " + f.Type)
		if f.ID != "" {
			s.WriteString("#" + f.ID)
		}
	}
	return s.String()
}

func (e *WaitError) Unwrap() error { return e.Cause }

func (b *Inbox) waitError(cause error) error {
	return &WaitError{Cause: cause, Recent: b.Recent()}
}

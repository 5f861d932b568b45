package desk

import (
	"context"
	"sync"
	"time"
)

// tasks tracks every goroutine the core starts, so that Stop can end them:
// the background loops (told to stop, they flush and return) and one-off
// background work such as a reopen, a queue drain or a bot turn (given a
// grace period, then cancelled).
type tasks struct {
	ctx    context.Context
	cancel context.CancelFunc
	stopCh chan struct{}

	mu      sync.Mutex
	stopped bool
	loops   sync.WaitGroup
	work    sync.WaitGroup
}

func newTasks() *tasks {
	ctx, cancel := context.WithCancel(context.Background())
	return &tasks{ctx: ctx, cancel: cancel, stopCh: make(chan struct{})}
}

// loop runs fn until stop; fn returns once its channel closes.
func (t *tasks) loop(fn func(stop <-chan struct{})) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	t.loops.Add(1)
	go func() {
		defer t.loops.Done()
		fn(t.stopCh)
	}()
}

// goWithin runs fn in the background with a context that ends after
// timeout, or when Stop gives up waiting. After Stop it does nothing.
func (t *tasks) goWithin(timeout time.Duration, fn func(ctx context.Context)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	t.work.Add(1)
	go func() {
		defer t.work.Done()
		ctx, cancel := context.WithTimeout(t.ctx, timeout)
		defer cancel()
		fn(ctx)
	}()
}

// detached is goWithin for work that callers wait on (a shared read):
// after Stop it still runs, on a goroutine of its own, so a late caller is
// answered rather than left waiting.
func (t *tasks) detached(timeout time.Duration, fn func(ctx context.Context)) {
	t.mu.Lock()
	stopped := t.stopped
	if !stopped {
		t.work.Add(1)
	}
	t.mu.Unlock()
	if stopped {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			fn(ctx)
		}()
		return
	}
	go func() {
		defer t.work.Done()
		ctx, cancel := context.WithTimeout(t.ctx, timeout)
		defer cancel()
		fn(ctx)
	}()
}

// stop ends the loops (they flush what is pending), gives background work
// up to grace to finish, then cancels it and waits for it.
func (t *tasks) stop(grace time.Duration) {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	t.stopped = true
	t.mu.Unlock()
	close(t.stopCh)
	t.loops.Wait()
	done := make(chan struct{})
	go func() { t.work.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		t.cancel()
		<-done
	}
	t.cancel()
}

// tickEvery is the loop of a periodic job: f every period until stop
// closes (a run in progress finishes first).
func tickEvery(period time.Duration, stop <-chan struct{}, f func()) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			f()
		}
	}
}

// flushEvery is the loop of a write-behind buffer: flush(false) every
// period, and flush(true) — everything left — once stop closes.
func flushEvery(period time.Duration, stop <-chan struct{}, flush func(final bool)) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			flush(false)
		case <-stop:
			flush(true)
			return
		}
	}
}

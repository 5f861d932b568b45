package desk

import (
	"context"
	"sync"
	"time"
)

// flightGroup lets concurrent callers for the same key share one call
// (a storm of hellos for one conversation reads it once). The shared call
// runs on a goroutine of its own, detached from the callers (a caller that
// gives up must not fail the others), started through spawn: the core's
// tasks, so Stop waits for it.
type flightGroup[T any] struct {
	spawn func(timeout time.Duration, fn func(ctx context.Context))
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

func (g *flightGroup[T]) do(ctx context.Context, key string, fn func(ctx context.Context) (T, error)) (T, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*flightCall[T]{}
	}
	c, ok := g.calls[key]
	if !ok {
		c = &flightCall[T]{done: make(chan struct{})}
		g.calls[key] = c
		g.spawn(flightTimeout, func(fctx context.Context) {
			defer func() {
				g.mu.Lock()
				delete(g.calls, key)
				g.mu.Unlock()
				close(c.done)
			}()
			c.val, c.err = fn(fctx)
		})
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

package desk

import (
	"context"
	"sync"
	"time"
)

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

// Package desktest holds the contract suites of the core's ports: one
// function per port that any implementation must pass, run against the
// in-memory fakes (internal/inmem) and the real adapters (internal/mongo,
// internal/redis) alike, so the fakes the core's unit tests rely on cannot
// drift from what production does. Call them from a test:
//
//	func TestContract(t *testing.T) {
//		desktest.TestStore(t, func(t *testing.T) desk.Store { return open(t) })
//	}
//
// Each case takes a fresh implementation from the factory, so the factory
// must give each call its own empty state (a database, a key prefix).
package desktest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Clock lets time pass for the implementation under test: the real
// adapters run on the wall clock (RealClock); a fake with an injectable
// clock jumps (inmem.ManualClock). Cases about expiry read the time and
// wait only through it.
type Clock interface {
	Now() time.Time
	Sleep(d time.Duration)
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep sleeps.
func (RealClock) Sleep(d time.Duration) { time.Sleep(d) }

// ctxT returns a context that ends with the test, bounded so a hung call
// fails instead of blocking the run.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ptr[T any](v T) *T { return &v }

// pluck returns f of each element of xs: the ids of a list, say.
func pluck[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// oneWon checks the errors of racing creates of one unique thing: one
// succeeded, every other was refused with refused.
func oneWon(t *testing.T, errs []error, refused error, what string) {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, refused):
			t.Errorf("racing create: %v, want %v", err, refused)
		}
	}
	if won != 1 {
		t.Fatalf("%d racing creates of one %s succeeded, want 1", won, what)
	}
}

// race runs f n times at once and returns the results.
func race[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = f(i)
		}()
	}
	wg.Wait()
	return out
}

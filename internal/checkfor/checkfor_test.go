package checkfor

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeT records a failure and stops the goroutine as t.Fatalf would.
type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls Eventually with a fake t on its own goroutine, as Goexit needs.
func run(within time.Duration, cond func() (bool, string)) (failed string, took time.Duration) {
	f := &fakeT{}
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		Eventually(f, within, cond)
	}()
	<-done
	return f.failed, time.Since(start)
}

func TestEventually(t *testing.T) {
	tests := []struct {
		name       string
		within     time.Duration
		okAfter    int // calls before cond returns true; -1: never
		wantFail   string
		wantCalls  func(n int) bool
		maxElapsed time.Duration
	}{
		{"true at once", time.Second, 0, "", func(n int) bool { return n == 1 }, 100 * time.Millisecond},
		{"true after a few polls", time.Second, 3, "", func(n int) bool { return n == 4 }, 500 * time.Millisecond},
		{"never: fails with the last state", 50 * time.Millisecond, -1, "last state: frames [f1 f2 f3", func(n int) bool { return n >= 3 }, time.Second},
		{"zero within still checks once", 0, 0, "", func(n int) bool { return n == 1 }, 100 * time.Millisecond},
		{"zero within and false fails", 0, -1, "not true within 0s; last state: frames [f1]", func(n int) bool { return n == 1 }, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			failed, took := run(tt.within, func() (bool, string) {
				calls++
				if tt.okAfter >= 0 && calls > tt.okAfter {
					return true, ""
				}
				frames := make([]string, calls)
				for i := range frames {
					frames[i] = fmt.Sprint("f", i+1)
				}
				return false, fmt.Sprint("frames ", frames)
			})
			if tt.wantFail == "" && failed != "" {
				t.Fatalf("failed: %s", failed)
			}
			if tt.wantFail != "" && !strings.Contains(failed, tt.wantFail) {
				t.Fatalf("failure %q, want it to contain %q", failed, tt.wantFail)
			}
			if !tt.wantCalls(calls) {
				t.Fatalf("%d calls", calls)
			}
			if took > tt.maxElapsed {
				t.Fatalf("took %s", took)
			}
		})
	}
}

// TestEventuallyChecksAtTheDeadline: a condition that turns true only after
// the last interval still passes, since the deadline itself is checked.
func TestEventuallyChecksAtTheDeadline(t *testing.T) {
	start := time.Now()
	within := 3 * Interval / 2
	failed, _ := run(within, func() (bool, string) {
		return time.Since(start) >= within, "early"
	})
	if failed != "" {
		t.Fatalf("failed: %s", failed)
	}
}

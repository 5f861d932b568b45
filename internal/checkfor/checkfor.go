// Package checkfor waits in tests for a condition that becomes true
// asynchronously (a frame arrives, a node sees a subscription), in the
// spirit of nats-server's checkFor: poll at a short interval, and on
// timeout fail with the last state the condition reported, so the failure
// says what was there instead of only that something was not.
package checkfor

import (
	"testing"
	"time"
)

// Interval is the pause between two checks.
const Interval = 10 * time.Millisecond

// Eventually calls cond until it returns ok, for at most within, and fails
// t with cond's last state when it never does. cond runs at least once and
// once more at the deadline, on the calling goroutine.
func Eventually(t testing.TB, within time.Duration, cond func() (ok bool, state string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, state := cond()
		if ok {
			return
		}
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("not true within %s; last state: %s", within, state)
			return
		}
		time.Sleep(min(Interval, left))
	}
}

package desktest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/desk"
)

var namedLockCases = []coordCase{
	{"Exclusive", testLockExclusive},
	{"RacingTakersOneWins", testLockRace},
	{"ExpiresAfterTTL", testLockTTL},
	{"StaleUnlockKeepsTheNewHolder", testLockStaleUnlock},
	{"Many", testLockMany},
}

func tryLock(t *testing.T, c desk.Coordinator, name, holder string, ttl time.Duration) func() {
	t.Helper()
	unlock, err := c.TryLock(ctxT(t), name, holder, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}

func testLockExclusive(t *testing.T, c desk.Coordinator, _ Clock) {
	unlock := tryLock(t, c, "drain", "n1", longTTL)
	if unlock == nil {
		t.Fatal("a free lock was not taken")
	}
	if u := tryLock(t, c, "drain", "n2", longTTL); u != nil {
		t.Fatal("a held lock was taken by another holder")
	}
	if u := tryLock(t, c, "drain", "n1", longTTL); u != nil {
		t.Fatal("a held lock was taken again by its holder: locks are not reentrant")
	}
	if u := tryLock(t, c, "other", "n2", longTTL); u == nil {
		t.Fatal("another name was refused")
	}
	unlock()
	if u := tryLock(t, c, "drain", "n2", longTTL); u == nil {
		t.Fatal("an unlocked lock was refused")
	}
}

func testLockRace(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	for round := 0; round < 10; round++ {
		name := fmt.Sprint("conv:", round)
		got := race(8, func(i int) bool {
			unlock, err := c.TryLock(ctx, name, fmt.Sprint("n", i), longTTL)
			if err != nil {
				t.Error(err)
			}
			return unlock != nil
		})
		if n := len(slices.DeleteFunc(got, func(b bool) bool { return !b })); n != 1 {
			t.Fatalf("round %d: %d racing takers won, want 1", round, n)
		}
	}
}

func testLockTTL(t *testing.T, c desk.Coordinator, clock Clock) {
	if tryLock(t, c, "drain", "n1", shortTTL) == nil {
		t.Fatal("a free lock was not taken")
	}
	if tryLock(t, c, "drain", "n2", longTTL) != nil {
		t.Fatal("the lock was taken before its TTL ran out")
	}
	clock.Sleep(pastTTL)
	if tryLock(t, c, "drain", "n2", longTTL) == nil {
		t.Fatal("the lock was still held after its TTL ran out")
	}
}

// testLockStaleUnlock: a holder whose lock expired and was taken over
// cannot release the new holder's lock, one by one or many at once.
func testLockStaleUnlock(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	stale := tryLock(t, c, "conv:1", "n1", shortTTL)
	if ok, err := c.TryLockMany(ctx, []string{"conv:2"}, "n1", shortTTL); err != nil || !ok[0] {
		t.Fatalf("TryLockMany = %v, %v", ok, err)
	}
	clock.Sleep(pastTTL)
	if tryLock(t, c, "conv:1", "n2", longTTL) == nil {
		t.Fatal("expired lock not taken over")
	}
	if ok, err := c.TryLockMany(ctx, []string{"conv:2"}, "n2", longTTL); err != nil || !ok[0] {
		t.Fatalf("expired lock not taken over by TryLockMany: %v, %v", ok, err)
	}
	stale()
	must(t, c.UnlockMany(ctx, []string{"conv:2"}, "n1"))
	for _, name := range []string{"conv:1", "conv:2"} {
		if tryLock(t, c, name, "n3", longTTL) != nil {
			t.Fatalf("%s: the stale holder's unlock freed the new holder's lock", name)
		}
	}
}

func testLockMany(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	if tryLock(t, c, "y", "other", longTTL) == nil {
		t.Fatal("y not taken")
	}
	got, err := c.TryLockMany(ctx, []string{"x", "y", "z", "x"}, "me", longTTL)
	if err != nil || !slices.Equal(got, []bool{true, false, true, false}) {
		t.Fatalf("TryLockMany = %v, %v; want [true false true false]", got, err)
	}
	if got, err := c.TryLockMany(ctx, nil, "me", longTTL); err != nil || len(got) != 0 {
		t.Fatalf("TryLockMany(nil) = %v, %v", got, err)
	}
	if tryLock(t, c, "x", "third", longTTL) != nil {
		t.Fatal("x taken while held")
	}
	must(t, c.UnlockMany(ctx, []string{"x", "y"}, "third")) // holds neither
	must(t, c.UnlockMany(ctx, []string{"x", "y", "z"}, "me"))
	tests := []struct {
		name string
		free bool
	}{{"x", true}, {"y", false}, {"z", true}}
	for _, tt := range tests {
		if got := tryLock(t, c, tt.name, "third", longTTL) != nil; got != tt.free {
			t.Errorf("%s after UnlockMany: taken %v, want %v", tt.name, got, tt.free)
		}
	}
}

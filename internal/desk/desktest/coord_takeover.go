package desktest

import (
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

var takeoverCases = []coordCase{
	{"OpenPendingSettleDue", testTakeoverSteps},
	{"RacingSettlementsHaveOneWinner", testRacingSettlements},
}

func takeoverAt(clock Clock, conv, id, requester string, in time.Duration) chat.Takeover {
	now := clock.Now().UTC().Truncate(time.Millisecond)
	return chat.Takeover{ID: id, ConversationID: conv, RequesterID: requester, RequesterName: "Tên " + requester, OwnerID: "an", CreatedAt: now, Deadline: now.Add(in)}
}

// testTakeoverSteps: one pending request per conversation, read back
// whole; only its own id settles it; due lists what reached its deadline.
func testTakeoverSteps(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	first := takeoverAt(clock, "c1", "r1", "binh", time.Minute)
	if got, err := c.OpenTakeover(ctx, first); err != nil || got != first {
		t.Fatalf("open: %+v, %v", got, err)
	}
	if got, err := c.OpenTakeover(ctx, takeoverAt(clock, "c1", "r2", "chi", time.Minute)); err != nil || got != first {
		t.Fatalf("second open returns the pending one: %+v, %v", got, err)
	}
	if got, ok, err := c.PendingTakeover(ctx, "c1"); err != nil || !ok || got != first {
		t.Fatalf("pending: %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := c.PendingTakeover(ctx, "c2"); err != nil || ok {
		t.Fatalf("another conversation has a request: %v, %v", ok, err)
	}
	soon := takeoverAt(clock, "c2", "r3", "chi", -time.Second) // already due
	if _, err := c.OpenTakeover(ctx, soon); err != nil {
		t.Fatal(err)
	}
	due, err := c.DueTakeovers(ctx, clock.Now())
	if err != nil || len(due) != 1 || due[0] != "c2" {
		t.Fatalf("due: %v, %v", due, err)
	}
	for _, s := range []struct {
		conv, id string
		want     bool
	}{{"c1", "r2", false}, {"c1", "r1", true}, {"c1", "r1", false}, {"c2", "r3", true}} {
		if won, err := c.SettleTakeover(ctx, s.conv, s.id); err != nil || won != s.want {
			t.Fatalf("settle %s/%s: %v, %v; want %v", s.conv, s.id, won, err, s.want)
		}
	}
	if _, ok, _ := c.PendingTakeover(ctx, "c1"); ok {
		t.Fatal("settled request still pending")
	}
	next := takeoverAt(clock, "c1", "r4", "chi", time.Minute)
	if got, err := c.OpenTakeover(ctx, next); err != nil || got != next {
		t.Fatalf("open after settling: %+v, %v", got, err)
	}
}

// testRacingSettlements: settlements racing on one request, as an answer
// and the timeout on two nodes, have exactly one winner.
func testRacingSettlements(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	for round := 0; round < 10; round++ {
		tk := takeoverAt(clock, "race", chat.NewID(), "binh", time.Minute)
		if _, err := c.OpenTakeover(ctx, tk); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				won, err := c.SettleTakeover(ctx, "race", tk.ID)
				if err != nil {
					t.Error(err)
				}
				if won {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("round %d: %d winners", round, wins)
		}
	}
}

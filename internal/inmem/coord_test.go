package inmem

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// coordCalls calls every method of the coordinator once.
func coordCalls(c *Coordinator) map[string]func(ctx context.Context) error {
	return map[string]func(ctx context.Context) error{
		"Owner":    func(ctx context.Context) error { _, _, err := c.Owner(ctx, "c1"); return err },
		"Claim":    func(ctx context.Context) error { _, err := c.Claim(ctx, "c1", "an"); return err },
		"Transfer": func(ctx context.Context) error { _, err := c.Transfer(ctx, "c1", "an", "binh"); return err },
		"Release":  func(ctx context.Context) error { _, err := c.Release(ctx, "c1", "an"); return err },
		"Reserve": func(ctx context.Context) error {
			_, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "k"})
			return err
		},
		"InitSeq":  func(ctx context.Context) error { return c.InitSeq(ctx, "c1", 0) },
		"RaiseSeq": func(ctx context.Context) error { return c.RaiseSeq(ctx, "c1", 3) },
		"Unreserve": func(ctx context.Context) error {
			return c.Unreserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "k"}, 1)
		},
		"CurrentSeq":   func(ctx context.Context) error { _, _, err := c.CurrentSeq(ctx, "c1"); return err },
		"ResetUnread":  func(ctx context.Context) error { _, _, err := c.ResetUnread(ctx, "c1", "agent"); return err },
		"Unread":       func(ctx context.Context) error { _, _, err := c.Unread(ctx, "c1"); return err },
		"Join":         func(ctx context.Context) error { _, err := c.Join(ctx, "an", "n1", time.Minute); return err },
		"Leave":        func(ctx context.Context) error { _, err := c.Leave(ctx, "an", "n1"); return err },
		"Heartbeat":    func(ctx context.Context) error { return c.Heartbeat(ctx, "n1", []string{"an"}, time.Minute) },
		"Reap":         func(ctx context.Context) error { _, err := c.Reap(ctx); return err },
		"OnlineAgents": func(ctx context.Context) error { _, err := c.OnlineAgents(ctx); return err },
		"TakeOfflineSince": func(ctx context.Context) error {
			_, err := c.TakeOfflineSince(ctx, time.Now())
			return err
		},
		"SetAway":        func(ctx context.Context) error { return c.SetAway(ctx, "an", true) },
		"AwayAgents":     func(ctx context.Context) error { _, err := c.AwayAgents(ctx); return err },
		"NextInRotation": func(ctx context.Context) error { _, err := c.NextInRotation(ctx, []string{"an"}); return err },
		"TryLock":        func(ctx context.Context) error { _, err := c.TryLock(ctx, "m", "n1", time.Minute); return err },
		"TryLockMany": func(ctx context.Context) error {
			_, err := c.TryLockMany(ctx, []string{"m"}, "n1", time.Minute)
			return err
		},
		"UnlockMany": func(ctx context.Context) error { return c.UnlockMany(ctx, []string{"m"}, "n1") },
		"SetTyping":  func(ctx context.Context) error { return c.SetTyping(ctx, "c1", "agent", true) },
		"IsTyping":   func(ctx context.Context) error { _, err := c.IsTyping(ctx, "c1", "agent"); return err },
		"Ping":       func(ctx context.Context) error { return c.Ping(ctx) },
	}
}

func TestCoordinatorDown(t *testing.T) {
	c := NewCoordinator(nil)
	ctx := context.Background()
	if _, err := c.Claim(ctx, "c1", "an"); err != nil {
		t.Fatal(err)
	}
	unlock, err := c.TryLock(ctx, "drain", "n1", time.Minute)
	if err != nil || unlock == nil {
		t.Fatalf("TryLock: %v", err)
	}
	c.SetDown(true)
	for name, call := range coordCalls(c) {
		if err := call(ctx); !errors.Is(err, ErrDown) {
			t.Errorf("%s while down: %v, want ErrDown", name, err)
		}
	}
	unlock() // fails quietly, as against an unreachable Redis
	c.SetDown(false)
	if owner, ok, err := c.Owner(ctx, "c1"); err != nil || !ok || owner != "an" {
		t.Fatalf("after coming back: owner %q, %v, %v; want an", owner, ok, err)
	}
	if u, _ := c.TryLock(ctx, "drain", "n2", time.Minute); u != nil {
		t.Fatal("the unlock sent while down released the lock")
	}
}

// TestCoordinatorForget: after Forget nothing is left, as after a Redis
// restart without persistence; the switch and the clock stay.
func TestCoordinatorForget(t *testing.T) {
	clock := NewManualClock(t0)
	c := NewCoordinator(clock.Now)
	ctx := context.Background()
	for name, call := range coordCalls(c) {
		if err := call(ctx); err != nil && !errors.Is(err, chat.ErrSeqUnknown) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	must(t, c.InitSeq(ctx, "c1", 5))
	if _, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "k", Unread: "agent"}); err != nil {
		t.Fatal(err)
	}
	must(t, c.Unreserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "x"}, 3)) // a hole
	c.Forget()
	checks := []struct {
		name  string
		empty func() bool
	}{
		{"reply lock", func() bool { _, ok, _ := c.Owner(ctx, "c1"); return !ok }},
		{"seq counter", func() bool { _, ok, _ := c.CurrentSeq(ctx, "c1"); return !ok }},
		{"client id and hole", func() bool {
			_ = c.InitSeq(ctx, "c1", 0)
			r, _ := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "k"})
			return r.Seq == 1 && !r.Reused
		}},
		{"unread", func() bool { a, v, _ := c.Unread(ctx, "c1"); return a == 0 && v == 0 }},
		{"presence", func() bool { ids, _ := c.OnlineAgents(ctx); return len(ids) == 0 }},
		{"offline records", func() bool { ids, _ := c.TakeOfflineSince(ctx, clock.Now().Add(time.Hour)); return len(ids) == 0 }},
		{"away", func() bool { m, _ := c.AwayAgents(ctx); return len(m) == 0 }},
		{"rotation", func() bool {
			a, _ := c.NextInRotation(ctx, []string{"an", "binh"})
			return a == "an"
		}},
		{"named locks", func() bool { u, _ := c.TryLock(ctx, "m", "other", time.Minute); return u != nil }},
		{"typing", func() bool { ok, _ := c.IsTyping(ctx, "c1", "agent"); return !ok }},
	}
	for _, ch := range checks {
		if !ch.empty() {
			t.Errorf("%s survived Forget", ch.name)
		}
	}
}

// TestCoordinatorKeyExpiry: the keys internal/redis gives long TTLs expire
// here too, on the injected clock: a client id's seq after 24 h, a counter
// 7 days after its last use, unread counters 7 days after their last change.
func TestCoordinatorKeyExpiry(t *testing.T) {
	clock := NewManualClock(t0)
	c := NewCoordinator(clock.Now)
	ctx := context.Background()
	must(t, c.InitSeq(ctx, "c1", 0))
	next := func(cid string, unread ...string) (int64, bool) {
		t.Helper()
		r, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: cid, Unread: strings.Join(unread, "")})
		if err != nil {
			t.Fatal(err)
		}
		return r.Seq, r.Reused
	}
	next("a", "agent") // the unread counter's last change
	steps := []struct {
		name    string
		advance time.Duration
		check   func() error
	}{
		{"client id kept for 24 h", 24 * time.Hour, func() error {
			if seq, reused := next("a"); seq != 1 || !reused {
				return errors.New("resend within 24 h did not reuse its seq")
			}
			if a, _, _ := c.Unread(ctx, "c1"); a != 1 {
				return errors.New("unread counter gone within 7 days")
			}
			return nil
		}},
		{"client id gone after 24 h", time.Millisecond, func() error {
			if seq, reused := next("a"); seq != 2 || reused {
				return errors.New("resend after 24 h reused its seq")
			}
			return nil
		}},
		{"counter kept 7 days after its last use, unread gone 7 days after its last change", 7 * 24 * time.Hour, func() error {
			if cur, ok, _ := c.CurrentSeq(ctx, "c1"); !ok || cur != 2 {
				return errors.New("counter gone within 7 days of its last use")
			}
			if a, _, _ := c.Unread(ctx, "c1"); a != 0 {
				return errors.New("unread counter outlived 7 days without change")
			}
			return nil
		}},
		{"counter gone 7 days after last use", time.Millisecond, func() error {
			if _, ok, _ := c.CurrentSeq(ctx, "c1"); ok {
				return errors.New("counter outlived 7 days")
			}
			if _, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "b"}); !errors.Is(err, chat.ErrSeqUnknown) {
				return errors.New("Reserve on an expired counter did not ask for seeding")
			}
			return nil
		}},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		if err := s.check(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
}

// TestCoordinatorWallClock: without an injected clock, expiry follows the
// wall clock.
func TestCoordinatorWallClock(t *testing.T) {
	c := NewCoordinator(nil)
	ctx := context.Background()
	if u, err := c.TryLock(ctx, "m", "n1", 20*time.Millisecond); err != nil || u == nil {
		t.Fatalf("TryLock: %v", err)
	}
	time.Sleep(40 * time.Millisecond)
	if u, err := c.TryLock(ctx, "m", "n2", time.Minute); err != nil || u == nil {
		t.Fatalf("lock still held after its TTL: %v", err)
	}
}

func TestManualClock(t *testing.T) {
	clock := NewManualClock(t0)
	clock.Advance(time.Second)
	clock.Sleep(time.Minute)
	if got := clock.Now(); !got.Equal(t0.Add(time.Minute + time.Second)) {
		t.Fatalf("Now = %v", got)
	}
}

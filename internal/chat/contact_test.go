package chat

import (
	"testing"
	"time"
)

func TestContactIndexOrder(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	x := &ContactIndex{Key: "0912345678"}
	x.Append(ContactEntry{ID: "b", CreatedAt: t0.Add(time.Minute)})
	// Created earlier but admitted later (it waited for the lock): last.
	x.Append(ContactEntry{ID: "a", CreatedAt: t0})
	x.Append(ContactEntry{ID: "a", CreatedAt: t0})
	if x.Position("b") != 1 || x.Position("a") != 2 || len(x.Conversations) != 2 || !x.FirstSeen.Equal(t0) {
		t.Fatalf("append: %+v", x)
	}
	// Add (relink, backfill) sorts by time; equal times keep arrival order.
	x.Add(ContactEntry{ID: "c", CreatedAt: t0.Add(30 * time.Second)})
	x.Add(ContactEntry{ID: "d", CreatedAt: t0.Add(time.Minute)})
	if x.Position("a") != 1 || x.Position("c") != 2 || x.Position("b") != 3 || x.Position("d") != 4 || x.Position("zz") != 0 {
		t.Fatalf("add: %+v", x.Conversations)
	}
	x.Remove("a")
	x.Remove("a")
	if len(x.Conversations) != 3 || !x.FirstSeen.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("remove: %+v", x)
	}
}

func TestFirstLine(t *testing.T) {
	long := ""
	for range 130 {
		long += "ă"
	}
	for _, tc := range []struct {
		name string
		c    Conversation
		want string
	}{
		{"form message, first line", Conversation{Answers: []Answer{{Key: KeyMessage, Value: "  Cho em hỏi giá \nđịa chỉ"}}}, "Cho em hỏi giá"},
		{"preview when no form message", Conversation{LastMessage: &Preview{Text: "Xin chào"}}, "Xin chào"},
		{"nothing", Conversation{}, ""},
		{"long", Conversation{Answers: []Answer{{Key: KeyMessage, Value: long}}}, string([]rune(long)[:119]) + "…"},
	} {
		if got := FirstLine(&tc.c); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestContactKeys(t *testing.T) {
	if k := ContactKeyOf(&Conversation{Visitor: Visitor{Phone: "+84 912 345 678"}}); k != "0912345678" {
		t.Fatalf("key %q", k)
	}
	if k := ContactKeyOf(&Conversation{}); k != "" {
		t.Fatalf("no phone: %q", k)
	}
	if DetachedContactKey("abc") == "abc" {
		t.Fatal("detached key equals the id")
	}
}

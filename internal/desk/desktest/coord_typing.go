package desktest

import (
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/desk"
)

var typingCases = []coordCase{
	{"SetAndClear", testTypingSetClear},
	{"LastsSixSeconds", testTypingExpiry},
}

func isTyping(t *testing.T, c desk.Coordinator, conv, side string) bool {
	t.Helper()
	ok, err := c.IsTyping(ctxT(t), conv, side)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func testTypingSetClear(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	steps := []struct {
		side   string
		typing bool
		agent  bool
		vis    bool
	}{
		{"visitor", true, false, true},
		{"agent", true, true, true},
		{"visitor", false, true, false},
		{"visitor", false, true, false},
		{"agent", false, false, false},
	}
	for i, s := range steps {
		must(t, c.SetTyping(ctx, "c1", s.side, s.typing))
		if a, v := isTyping(t, c, "c1", "agent"), isTyping(t, c, "c1", "visitor"); a != s.agent || v != s.vis {
			t.Fatalf("step %d: agent %v visitor %v, want %v %v", i, a, v, s.agent, s.vis)
		}
		if isTyping(t, c, "c2", "agent") || isTyping(t, c, "c2", "visitor") {
			t.Fatalf("step %d: another conversation shows typing", i)
		}
	}
}

func testTypingExpiry(t *testing.T, c desk.Coordinator, clock Clock) {
	must(t, c.SetTyping(ctxT(t), "c1", "visitor", true))
	clock.Sleep(4 * time.Second)
	if !isTyping(t, c, "c1", "visitor") {
		t.Fatal("typing mark gone after 4 s, want 6 s")
	}
	clock.Sleep(2500 * time.Millisecond)
	if isTyping(t, c, "c1", "visitor") {
		t.Fatal("typing mark still there after 6.5 s")
	}
}

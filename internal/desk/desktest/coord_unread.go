package desktest

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

var incrSeq atomic.Int64

// incr raises side's counter the way messages do: a fresh reservation
// (seeding the conversation's counter on first use).
func incr(ctx context.Context, c desk.Coordinator, conv, side string) (int64, int64, error) {
	if err := c.InitSeq(ctx, conv, 0); err != nil {
		return 0, 0, err
	}
	r, err := c.Reserve(ctx, chat.Reservation{ConversationID: conv, ClientID: "u" + string(rune('a'+incrSeq.Add(1)%26)) + chat.NewID(), Unread: side})
	return r.UnreadAgent, r.UnreadVisit, err
}

var unreadCases = []coordCase{
	{"CountAndReset", testUnread},
}

func testUnread(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	steps := []struct {
		name       string
		do         func() (int64, int64, error)
		agent, vis int64
	}{
		{"unknown conversation", func() (int64, int64, error) { return c.Unread(ctx, "c1") }, 0, 0},
		{"agent +1", func() (int64, int64, error) { return incr(ctx, c, "c1", "agent") }, 1, 0},
		{"agent +1 again", func() (int64, int64, error) { return incr(ctx, c, "c1", "agent") }, 2, 0},
		{"visitor +1", func() (int64, int64, error) { return incr(ctx, c, "c1", "visitor") }, 2, 1},
		{"read back", func() (int64, int64, error) { return c.Unread(ctx, "c1") }, 2, 1},
		{"agent reset", func() (int64, int64, error) { return c.ResetUnread(ctx, "c1", "agent") }, 0, 1},
		{"read back after reset", func() (int64, int64, error) { return c.Unread(ctx, "c1") }, 0, 1},
		{"reset of an unknown conversation", func() (int64, int64, error) { return c.ResetUnread(ctx, "c2", "visitor") }, 0, 0},
		{"another conversation is apart", func() (int64, int64, error) { return incr(ctx, c, "c2", "visitor") }, 0, 1},
	}
	for _, s := range steps {
		a, v, err := s.do()
		if err != nil || a != s.agent || v != s.vis {
			t.Fatalf("%s: %d/%d, %v; want %d/%d", s.name, a, v, err, s.agent, s.vis)
		}
	}
	race(50, func(int) error {
		_, _, err := incr(ctx, c, "c3", "visitor")
		return err
	})
	many, err := c.UnreadMany(ctx, []string{"c1", "never", "c3"})
	if err != nil || len(many) != 3 || many[0] != [2]int64{0, 1} || many[1] != [2]int64{} || many[2] != [2]int64{0, 50} {
		t.Fatalf("UnreadMany = %v, %v; want [[0 1] [0 0] [0 50]]", many, err)
	}
	if a, v, err := c.Unread(ctx, "c3"); err != nil || a != 0 || v != 50 {
		t.Fatalf("after 50 racing increments: %d/%d, %v; want 0/50", a, v, err)
	}
}

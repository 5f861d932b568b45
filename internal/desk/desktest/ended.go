package desktest

import (
	"context"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// endedContext is a context that ended before the call.
func endedContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// testStoreEndedContext: a call whose context already ended fails, as a
// driver does, rather than answering from what it has.
func testStoreEndedContext(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	mustCreate(t, s, newConv("c1", "An", "", chat.StatusWaiting, "", t0))
	ctx := endedContext()
	calls := map[string]func() error{
		"Conversation": func() error { _, err := s.Conversation(ctx, "c1"); return err },
		"FindConversations": func() error {
			_, _, err := s.FindConversations(ctx, chat.ConversationFilter{}, chat.SortCreatedDesc)
			return err
		},
		"UpdateConversation": func() error {
			return s.UpdateConversation(ctx, "c1", chat.ConversationUpdate{UpdatedAt: t0})
		},
		"InsertMessage": func() error { return s.InsertMessage(ctx, newMsg("c1", 1, "k1")) },
		"MessagesAfter": func() error { _, err := s.MessagesAfter(ctx, "c1", 0, 0); return err },
		"Notes":         func() error { _, err := s.Notes(ctx, "c1"); return err },
		"Agents":        func() error { _, err := s.Agents(ctx); return err },
		"Settings":      func() error { _, err := s.Settings(ctx); return err },
		"Ping":          func() error { return s.Ping(ctx) },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s with an ended context succeeded", name)
		}
	}
}

func testCoordEndedContext(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := endedContext()
	calls := map[string]func() error{
		"Claim": func() error { _, err := c.Claim(ctx, "c1", "an"); return err },
		"Reserve": func() error {
			_, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "k1"})
			return err
		},
		"ResetUnread":    func() error { _, _, err := c.ResetUnread(ctx, "c1", "agent"); return err },
		"Join":           func() error { _, err := c.Join(ctx, "an", "n1", time.Minute); return err },
		"TryLock":        func() error { _, err := c.TryLock(ctx, "drain", "n1", time.Minute); return err },
		"NextInRotation": func() error { _, err := c.NextInRotation(ctx, []string{"an"}); return err },
		"SetTyping":      func() error { return c.SetTyping(ctx, "c1", "agent", true) },
		"Ping":           func() error { return c.Ping(ctx) },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s with an ended context succeeded", name)
		}
	}
	if owner, ok, err := c.Owner(ctxT(t), "c1"); err != nil || ok {
		t.Fatalf("a refused claim took the lock: %q, %v, %v", owner, ok, err)
	}
}

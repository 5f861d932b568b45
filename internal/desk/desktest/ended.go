package desktest

import (
	"context"
	"testing"

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

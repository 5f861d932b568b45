package inmem

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// storeCalls calls every method of the store once.
func storeCalls(s *Store) map[string]func(ctx context.Context) error {
	return map[string]func(ctx context.Context) error{
		"CreateConversation": func(ctx context.Context) error {
			return s.CreateConversation(ctx, &chat.Conversation{Status: chat.StatusWaiting, CreatedAt: t0, UpdatedAt: t0})
		},
		"Conversation": func(ctx context.Context) error { _, err := s.Conversation(ctx, "c1"); return err },
		"UpdateConversation": func(ctx context.Context) error {
			return s.UpdateConversation(ctx, "c1", chat.ConversationUpdate{UpdatedAt: t0})
		},
		"TouchConversations": func(ctx context.Context) error {
			return s.TouchConversations(ctx, []chat.ConversationTouch{{ID: "c1", UpdatedAt: t0}})
		},
		"FindConversations": func(ctx context.Context) error {
			_, _, err := s.FindConversations(ctx, chat.ConversationFilter{}, chat.SortCreatedDesc)
			return err
		},
		"WaitingConversations":  func(ctx context.Context) error { _, err := s.WaitingConversations(ctx, 0); return err },
		"AssignedConversations": func(ctx context.Context) error { _, err := s.AssignedConversations(ctx, "a1"); return err },
		"InsertMessage": func(ctx context.Context) error {
			return s.InsertMessage(ctx, &chat.Message{ConversationID: "c1", Seq: 9, ClientID: "k9"})
		},
		"MessageByClientID": func(ctx context.Context) error { _, err := s.MessageByClientID(ctx, "c1", "k1"); return err },
		"MessagesAfter":     func(ctx context.Context) error { _, err := s.MessagesAfter(ctx, "c1", 0, 0); return err },
		"MaxSeq":            func(ctx context.Context) error { _, err := s.MaxSeq(ctx, "c1"); return err },
		"CreateAgent":       func(ctx context.Context) error { return s.CreateAgent(ctx, &chat.Agent{Email: "x@example.com"}) },
		"Agent":             func(ctx context.Context) error { _, err := s.Agent(ctx, "a1"); return err },
		"AgentByEmail":      func(ctx context.Context) error { _, err := s.AgentByEmail(ctx, "a@example.com"); return err },
		"Agents":            func(ctx context.Context) error { _, err := s.Agents(ctx); return err },
		"UpdateAgent": func(ctx context.Context) error {
			return s.UpdateAgent(ctx, &chat.Agent{ID: "a1", Email: "a@example.com"})
		},
		"FormFields":       func(ctx context.Context) error { _, err := s.FormFields(ctx); return err },
		"EnsureFormFields": func(ctx context.Context) error { return s.EnsureFormFields(ctx, chat.DefaultFormFields()) },
		"CreateFormField":  func(ctx context.Context) error { return s.CreateFormField(ctx, chat.FormField{Key: "new"}) },
		"UpdateFormField":  func(ctx context.Context) error { return s.UpdateFormField(ctx, chat.FormField{Key: "name"}) },
		"DeleteFormField":  func(ctx context.Context) error { return s.DeleteFormField(ctx, "name") },
		"Settings":         func(ctx context.Context) error { _, err := s.Settings(ctx); return err },
		"SaveSettings":     func(ctx context.Context) error { return s.SaveSettings(ctx, chat.DefaultSettings()) },
		"BotSettings":      func(ctx context.Context) error { _, err := s.BotSettings(ctx); return err },
		"SaveBotSettings":  func(ctx context.Context) error { return s.SaveBotSettings(ctx, chat.DefaultBotSettings()) },
		"IdentitySettings": func(ctx context.Context) error { _, err := s.IdentitySettings(ctx); return err },
		"SaveIdentitySettings": func(ctx context.Context) error {
			return s.SaveIdentitySettings(ctx, chat.IdentitySettings{Secret: "s"})
		},
		"CannedReplies":     func(ctx context.Context) error { _, err := s.CannedReplies(ctx, []string{""}); return err },
		"CannedReply":       func(ctx context.Context) error { _, err := s.CannedReply(ctx, "r1"); return err },
		"CreateCannedReply": func(ctx context.Context) error { return s.CreateCannedReply(ctx, &chat.CannedReply{Shortcut: "new"}) },
		"UpdateCannedReply": func(ctx context.Context) error { return s.UpdateCannedReply(ctx, &chat.CannedReply{ID: "r1"}) },
		"DeleteCannedReply": func(ctx context.Context) error { return s.DeleteCannedReply(ctx, "r1") },
		"ConversationsCreatedBetween": func(ctx context.Context) error {
			_, err := s.ConversationsCreatedBetween(ctx, t0, t0.Add(time.Hour))
			return err
		},
		"CountWaiting": func(ctx context.Context) error { _, err := s.CountWaiting(ctx); return err },
		"SaveAttachment": func(ctx context.Context) error {
			return s.SaveAttachment(ctx, "c1", &chat.Attachment{ID: "f2"}, []byte("x"), nil, "")
		},
		"OpenAttachment":   func(ctx context.Context) error { _, err := s.OpenAttachment(ctx, "c1", "f1", false); return err },
		"DeleteAttachment": func(ctx context.Context) error { return s.DeleteAttachment(ctx, "f1") },
		"Ping":             func(ctx context.Context) error { return s.Ping(ctx) },
	}
}

// TestStoreDown: switched down, every call fails with ErrDown and changes
// nothing; switched back up, the data is all there.
func TestStoreDown(t *testing.T) {
	s := NewStore()
	ctx := context.Background()
	must(t, s.CreateConversation(ctx, &chat.Conversation{ID: "c1", Status: chat.StatusWaiting, CreatedAt: t0, UpdatedAt: t0}))
	must(t, s.InsertMessage(ctx, &chat.Message{ConversationID: "c1", Seq: 1, ClientID: "k1"}))
	must(t, s.CreateAgent(ctx, &chat.Agent{ID: "a1", Email: "a@example.com"}))
	must(t, s.EnsureFormFields(ctx, chat.DefaultFormFields()))
	must(t, s.CreateCannedReply(ctx, &chat.CannedReply{ID: "r1", Shortcut: "chao"}))
	must(t, s.SaveAttachment(ctx, "c1", &chat.Attachment{ID: "f1"}, []byte("x"), nil, ""))

	s.SetDown(true)
	for name, call := range storeCalls(s) {
		if err := call(ctx); !errors.Is(err, ErrDown) {
			t.Errorf("%s while down: %v, want ErrDown", name, err)
		}
	}
	s.SetDown(false)
	if n, err := s.CountWaiting(ctx); err != nil || n != 1 {
		t.Fatalf("after coming back: %d waiting, %v; want the one stored before", n, err)
	}
	if max, err := s.MaxSeq(ctx, "c1"); err != nil || max != 1 {
		t.Fatalf("after coming back: max seq %d, %v; want 1 (nothing written while down)", max, err)
	}
	for name, call := range storeCalls(s) {
		if err := call(ctx); errors.Is(err, ErrDown) {
			t.Errorf("%s after coming back: %v", name, err)
		}
	}
}

// TestStoreEndedContext: every call checks its context first.
func TestStoreEndedContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, call := range storeCalls(NewStore()) {
		if err := call(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", name, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package desk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// TestErasureQueuesContactErased: Privacy.Erase deletes the queued
// deliveries about the erased conversations and queues contact.erased
// (Core.ContactErased) with the phone and the conversations' ids; another
// contact's deliveries stay. Retention forgets the deliveries of what it
// deletes too.
func TestErasureQueuesContactErased(t *testing.T) {
	h := newHookDesk(t, nil)
	h.sender.answer = func(chat.WebhookCall, int) (int, error) { return 500, errors.New("HTTP 500") }
	ep := h.endpoint(chat.EventConversationCreated, chat.EventContactErased)
	gone := h.conversationWithPhone("0912345678", "cho em hỏi")
	kept := h.conversationWithPhone("0987654321", "alo")
	if n := len(h.deliveries(ep.ID)); n != 2 {
		t.Fatalf("%d deliveries before the erasure, want 2", n)
	}

	erased, err := h.core.Privacy.Erase(h.ctx, h.admin(), "0912 345 678", "0912345678")
	if err != nil || erased.Conversations != 1 {
		t.Fatalf("erase: %+v %v", erased, err)
	}
	var erasedEvents int
	for _, d := range h.deliveries(ep.ID) {
		switch {
		case d.ConversationID == gone.ID:
			t.Fatalf("a delivery about the erased conversation is kept: %+v", d)
		case d.Event == chat.EventContactErased:
			erasedEvents++
			ev, data := decodeEvent(t, d.Body)
			ids, _ := data["conversationIds"].([]any)
			if ev.Type != chat.EventContactErased || data["phone"] != "0912345678" || len(ids) != 1 || ids[0] != gone.ID || strings.Contains(d.Body, "cho em hỏi") {
				t.Fatalf("contact.erased: %s", d.Body)
			}
		case d.ConversationID != kept.ID:
			t.Fatalf("unexpected delivery %+v", d)
		}
	}
	if erasedEvents != 1 {
		t.Fatalf("%d contact.erased deliveries, want 1", erasedEvents)
	}
	// The phone's data is gone: erasing again still tells the shop's
	// systems (they may have missed the first), about no conversation.
	if _, err := h.core.Privacy.Erase(h.ctx, h.admin(), "0912345678", "0912345678"); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(h.deliveries(ep.ID), chat.EventContactErased); n != 2 {
		t.Fatalf("%d contact.erased deliveries after the second erasure, want 2", n)
	}

	// Retention deletes kept's conversation (idle for 40 days) and the
	// deliveries about it; a newer conversation's stay.
	h.clock.Advance(40 * 24 * time.Hour)
	fresh := h.conversationWithPhone("0987000111", "mới")
	if _, err := h.core.Privacy.Save(h.ctx, h.admin(), chat.PrivacySettings{RetentionMonths: 1, RetentionMode: chat.RetainDelete}); err != nil {
		t.Fatal(err)
	}
	if run, err := h.core.Privacy.RunRetention(h.ctx, h.admin()); err != nil || run.Processed != 1 {
		t.Fatalf("retention: %+v %v", run, err)
	}
	var freshSeen bool
	for _, d := range h.deliveries(ep.ID) {
		if d.ConversationID == kept.ID {
			t.Fatalf("a delivery about a conversation retention deleted is kept: %+v", d)
		}
		freshSeen = freshSeen || d.ConversationID == fresh.ID
	}
	if !freshSeen {
		t.Fatal("the recent conversation's delivery is gone")
	}
}

func countEvents(ds []*chat.WebhookDelivery, typ string) int {
	n := 0
	for _, d := range ds {
		if d.Event == typ {
			n++
		}
	}
	return n
}

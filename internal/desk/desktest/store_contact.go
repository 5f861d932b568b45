package desktest

import (
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// testContactIndex: the contact index document round-trips by key with
// its order and times, is replaced (not duplicated) by a second save and
// deleted idempotently; a conversation's contact fields are set by
// SetConversationContact and stored by CreateConversation; the backfill
// marker is remembered.
func testContactIndex(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	if x, err := s.ContactIndex(ctx, "0912345678"); err != nil || x != nil {
		t.Fatalf("no contact: %+v %v", x, err)
	}
	x := &chat.ContactIndex{Key: "0912345678"}
	x.Append(chat.ContactEntry{ID: "b", CreatedAt: t0.Add(time.Minute)})
	x.Append(chat.ContactEntry{ID: "a", CreatedAt: t0})
	must(t, s.SaveContactIndex(ctx, x))
	x.Append(chat.ContactEntry{ID: "c", CreatedAt: t0.Add(2 * time.Minute)})
	must(t, s.SaveContactIndex(ctx, x))
	got, err := s.ContactIndex(ctx, "0912345678")
	if err != nil || got == nil || got.Key != "0912345678" || !got.FirstSeen.Equal(t0) || got.FirstSeen.Location() != time.UTC {
		t.Fatalf("contact: %+v %v", got, err)
	}
	if len(got.Conversations) != 3 || got.Conversations[0].ID != "b" || got.Conversations[1].ID != "a" || got.Conversations[2].ID != "c" || !got.Conversations[1].CreatedAt.Equal(t0) {
		t.Fatalf("entries (order of the document kept): %+v", got.Conversations)
	}
	// The copy returned is the caller's.
	got.Conversations[0].ID = "x"
	if again, _ := s.ContactIndex(ctx, "0912345678"); again.Conversations[0].ID != "b" {
		t.Fatal("ContactIndex returned the stored entries, not a copy")
	}
	must(t, s.DeleteContactIndex(ctx, "0912345678"))
	must(t, s.DeleteContactIndex(ctx, "0912345678"))
	if x, err := s.ContactIndex(ctx, "0912345678"); err != nil || x != nil {
		t.Fatalf("deleted contact: %+v %v", x, err)
	}

	c := newConv("k1", "Khách", "0912345678", chat.StatusWaiting, "", t0)
	c.ContactKey, c.ContactConversations, c.Returning = "0912345678", 2, true
	mustCreate(t, s, c)
	if g := mustGet(t, s, "k1"); g.ContactKey != "0912345678" || g.ContactConversations != 2 || !g.Returning {
		t.Fatalf("created with contact fields: %+v", g)
	}
	must(t, s.SetConversationContact(ctx, "k1", chat.DetachedContactKey("k1"), 1))
	if g := mustGet(t, s, "k1"); g.ContactKey != "c:k1" || g.ContactConversations != 1 || g.Returning {
		t.Fatalf("set contact: %+v", g)
	}
	if err := s.SetConversationContact(ctx, "nope", "x", 1); !isNotFound(err) {
		t.Fatalf("unknown conversation: %v", err)
	}
	if un, err := s.UnindexedConversations(ctx, 10); err != nil || len(un) != 0 {
		t.Fatalf("a conversation created now is not unindexed: %d %v", len(un), err)
	}
	if done, err := s.ContactsBackfilled(ctx); err != nil || done {
		t.Fatalf("marker before: %v %v", done, err)
	}
	must(t, s.MarkContactsBackfilled(ctx))
	must(t, s.MarkContactsBackfilled(ctx))
	if done, err := s.ContactsBackfilled(ctx); err != nil || !done {
		t.Fatalf("marker after: %v %v", done, err)
	}
}

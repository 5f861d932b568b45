package mongo

import (
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The contact index document round-trips by _id, an emptied contact is
// deleted, and conversations stored before contacts existed (no
// contactKey field) are what the backfill finds, until indexed.
func TestContactIndexDocuments(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	if x, err := db.ContactIndex(ctx, "0912345678"); err != nil || x != nil {
		t.Fatalf("missing contact: %+v %v", x, err)
	}
	x := &chat.ContactIndex{Key: "0912345678"}
	x.Add(chat.ContactEntry{ID: "b", CreatedAt: t0.Add(time.Minute)})
	x.Add(chat.ContactEntry{ID: "a", CreatedAt: t0})
	must(t, db.SaveContactIndex(ctx, x))
	must(t, db.SaveContactIndex(ctx, x)) // a replace, not a second document
	got, err := db.ContactIndex(ctx, "0912345678")
	if err != nil || got == nil || !got.FirstSeen.Equal(t0) || len(got.Conversations) != 2 || got.Conversations[0].ID != "a" || got.Position("b") != 2 {
		t.Fatalf("contact: %+v %v", got, err)
	}
	must(t, db.DeleteContactIndex(ctx, "0912345678"))
	must(t, db.DeleteContactIndex(ctx, "0912345678"))
	if x, err := db.ContactIndex(ctx, "0912345678"); err != nil || x != nil {
		t.Fatalf("deleted contact: %+v %v", x, err)
	}

	// A legacy document without contactKey, one without a phone, and a
	// new one (always written with the field).
	legacy := bson.D{{Key: "_id", Value: "legacy1"}, {Key: "status", Value: "resolved"}, {Key: "visitor", Value: bson.D{{Key: "phone", Value: "0912345678"}}},
		{Key: "createdAt", Value: t0}, {Key: "updatedAt", Value: t0}}
	noPhone := bson.D{{Key: "_id", Value: "legacy2"}, {Key: "status", Value: "resolved"}, {Key: "visitor", Value: bson.D{{Key: "phone", Value: ""}}},
		{Key: "createdAt", Value: t0}, {Key: "updatedAt", Value: t0}}
	for _, d := range []bson.D{legacy, noPhone} {
		if _, err := db.conversations.InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	fresh := newConv("new1", "Mới", "0912345678", chat.StatusWaiting, t0.Add(time.Hour))
	fresh.ContactKey, fresh.ContactConversations, fresh.Returning = "0912345678", 2, true
	must(t, db.CreateConversation(ctx, fresh))
	un, err := db.UnindexedConversations(ctx, 10)
	if err != nil || !slices.Equal(ids(un), []string{"legacy1"}) {
		t.Fatalf("unindexed: %v %v", ids(un), err)
	}
	must(t, db.SetConversationContact(ctx, "legacy1", "0912345678", 1))
	if un, err := db.UnindexedConversations(ctx, 10); err != nil || len(un) != 0 {
		t.Fatalf("unindexed after: %v %v", ids(un), err)
	}
	if err := db.SetConversationContact(ctx, "nope", "x", 1); !isNotFound(err) {
		t.Fatalf("missing conversation: %v", err)
	}
	c, err := db.Conversation(ctx, "new1")
	if err != nil || c.ContactKey != "0912345678" || c.ContactConversations != 2 || !c.Returning {
		t.Fatalf("stored contact fields: %+v %v", c, err)
	}
	// Anonymizing drops the key (it is the phone).
	must(t, db.AnonymizeConversation(ctx, "new1", t0.Add(2*time.Hour)))
	if c, _ := db.Conversation(ctx, "new1"); c.ContactKey != "" {
		t.Fatalf("anonymized key %q", c.ContactKey)
	}

	if done, err := db.ContactsBackfilled(ctx); err != nil || done {
		t.Fatalf("marker before: %v %v", done, err)
	}
	must(t, db.MarkContactsBackfilled(ctx))
	must(t, db.MarkContactsBackfilled(ctx))
	if done, err := db.ContactsBackfilled(ctx); err != nil || !done {
		t.Fatalf("marker after: %v %v", done, err)
	}
}

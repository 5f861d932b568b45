package mongo

import (
	"errors"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// TestLegacyConversationsReadAsNormal: documents written before priorities
// existed read as normal, match priority=normal, and sort with the normal
// ones once EnsureIndexes has backfilled them.
func TestLegacyConversationsReadAsNormal(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	legacy := bson.D{{Key: "_id", Value: "legacy1"}, {Key: "status", Value: "waiting"}, {Key: "createdAt", Value: t0}, {Key: "updatedAt", Value: t0}}
	if _, err := db.conversations.InsertOne(ctx, legacy); err != nil {
		t.Fatal(err)
	}
	low := newConv("low1", "Thấp", "0912000001", chat.StatusWaiting, "", t0.Add(time.Minute))
	low.Priority = chat.PriorityLow
	mustCreate(t, db, low)

	got, err := db.Conversation(ctx, "legacy1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Priority != chat.PriorityNormal || got.Tags == nil || len(got.Tags) != 0 {
		t.Fatalf("legacy conversation: priority %q tags %#v, want normal and []", got.Priority, got.Tags)
	}
	list, _, err := db.FindConversations(ctx, chat.ConversationFilter{Priorities: []chat.Priority{chat.PriorityNormal}}, chat.SortUpdatedDesc)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(list), []string{"legacy1"}) {
		t.Fatalf("priority=normal before backfill: %v, want [legacy1]", ids(list))
	}
	if err := db.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	// low1 is newer, but normal ranks above low.
	list, _, err = db.FindConversations(ctx, chat.ConversationFilter{}, chat.SortPriority)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(list), []string{"legacy1", "low1"}) {
		t.Fatalf("sort=priority after backfill: %v, want [legacy1 low1]", ids(list))
	}
}

// TestCannedShortcutUniquePerScope covers the unique index on insert and
// on replace (FerretDB reports the latter differently).
func TestCannedShortcutUniquePerScope(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	mk := func(owner, shortcut string) *chat.CannedReply {
		return &chat.CannedReply{Shortcut: shortcut, Title: "T", Text: "x", OwnerID: owner, CreatedAt: t0, UpdatedAt: t0}
	}
	for _, r := range []*chat.CannedReply{mk("", "chao"), mk("a1", "chao"), mk("a2", "chao"), mk("a1", "gia")} {
		if err := db.CreateCannedReply(ctx, r); err != nil {
			t.Fatalf("create %s/%s: %v", r.OwnerID, r.Shortcut, err)
		}
	}
	if err := db.CreateCannedReply(ctx, mk("a1", "chao")); !errors.Is(err, chat.ErrDuplicateShortcut) {
		t.Fatalf("duplicate create: %v, want ErrDuplicateShortcut", err)
	}
	items, err := db.CannedReplies(ctx, []string{"", "a1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range items {
		got = append(got, r.OwnerID+"/"+r.Shortcut)
	}
	if !slices.Equal(got, []string{"/chao", "a1/chao", "a1/gia"}) {
		t.Fatalf("list = %v", got)
	}
	gia := items[2]
	gia.Shortcut = "chao"
	if err := db.UpdateCannedReply(ctx, gia); !errors.Is(err, chat.ErrDuplicateShortcut) {
		t.Fatalf("rename onto a taken shortcut: %v, want ErrDuplicateShortcut", err)
	}
	gia.Shortcut = "gia-moi"
	if err := db.UpdateCannedReply(ctx, gia); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if err := db.DeleteCannedReply(ctx, gia.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteCannedReply(ctx, gia.ID); !isNotFound(err) {
		t.Fatalf("second delete: %v, want not found", err)
	}
}

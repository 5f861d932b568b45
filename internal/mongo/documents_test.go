package mongo

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// What desk.Store promises is checked for this adapter by the contract
// (contract_test.go). The tests here look at what only MongoDB has: the
// documents themselves, documents older versions wrote, and GridFS.

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func newConv(id, name, phone string, status chat.Status, created time.Time) *chat.Conversation {
	return &chat.Conversation{ID: id, Status: status, Visitor: chat.Visitor{Name: name, Phone: phone}, CreatedAt: created, UpdatedAt: created}
}

func ids(cs []*chat.Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestConversationSearchKeysStored: search matches searchName and
// phoneSearch, derived once on create.
func TestConversationSearchKeysStored(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	c := newConv("", "Nguyễn Văn Bình", "0912345678", chat.StatusWaiting, t0)
	c.LastMessage = &chat.Preview{Seq: 1, Text: "xin chào", SenderType: chat.SenderVisitor, At: t0}
	must(t, db.CreateConversation(ctx, c))
	var d conversationDoc
	must(t, db.conversations.FindOne(ctx, bson.D{{Key: "_id", Value: c.ID}}).Decode(&d))
	if d.SearchName != "nguyen van binh" || d.PhoneSearch != "912345678" || d.LastMessage == nil {
		t.Fatalf("searchName=%q phoneSearch=%q lastMessage=%v", d.SearchName, d.PhoneSearch, d.LastMessage)
	}
}

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
	low := newConv("low1", "Thấp", "0912000001", chat.StatusWaiting, t0.Add(time.Minute))
	low.Priority = chat.PriorityLow
	must(t, db.CreateConversation(ctx, low))

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
	must(t, db.EnsureIndexes(ctx))
	// low1 is newer, but normal ranks above low.
	list, _, err = db.FindConversations(ctx, chat.ConversationFilter{}, chat.SortPriority)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(list), []string{"legacy1", "low1"}) {
		t.Fatalf("sort=priority after backfill: %v, want [legacy1 low1]", ids(list))
	}
}

// TestLegacyMessagesReadAsText: documents stored before kinds existed read
// as text messages without an attachment.
func TestLegacyMessagesReadAsText(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	if _, err := db.messages.InsertOne(ctx, bson.D{{Key: "_id", Value: "old"}, {Key: "conversationId", Value: "c1"}, {Key: "seq", Value: int64(2)},
		{Key: "clientId", Value: "k2"}, {Key: "senderType", Value: "visitor"}, {Key: "text", Value: "cũ"}, {Key: "createdAt", Value: t0}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.MessagesAfter(ctx, "c1", 0, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("%d messages, %v", len(got), err)
	}
	if got[0].Kind != chat.KindText || got[0].Attachment != nil || got[0].Text != "cũ" {
		t.Fatalf("old message read back as %+v", got[0])
	}
}

// TestSettingsAreOneDocument: saving again replaces the one document.
func TestSettingsAreOneDocument(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	for _, title := range []string{"Một", "Hai"} {
		must(t, db.SaveSettings(ctx, chat.Settings{AssignmentMode: chat.AssignRoundRobin, WidgetTitle: title}))
	}
	if n, err := db.settings.CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("%d settings documents (%v), want 1", n, err)
	}
}

// TestAttachmentChunksDeleted: deleting a file removes its GridFS chunks,
// its thumbnail's included.
func TestAttachmentChunksDeleted(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	data := bytes.Repeat([]byte("0123456789"), 60_000) // 600 KB: three GridFS chunks
	a := &chat.Attachment{ID: chat.NewID(), Name: "bảng giá.pdf", Size: int64(len(data)), ContentType: "application/pdf"}
	must(t, db.SaveAttachment(ctx, "c1", a, data, []byte("thumb"), "image/png"))
	chunks := db.db.Collection("attachments.chunks")
	if n, err := chunks.CountDocuments(ctx, bson.D{}); err != nil || n < 3 {
		t.Fatalf("%d chunks stored (%v), want at least 3", n, err)
	}
	must(t, db.DeleteAttachment(ctx, a.ID))
	if n, err := chunks.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Fatalf("%d chunks left after delete (%v)", n, err)
	}
}

package mongo

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// TestAttachmentStore: files are read back only through their own
// conversation, with the thumbnail beside them, and deleted together.
func TestAttachmentStore(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	data := bytes.Repeat([]byte("0123456789"), 60_000) // 600 KB: three GridFS chunks
	a := &chat.Attachment{ID: chat.NewID(), Name: "bảng giá.pdf", Size: int64(len(data)), ContentType: "application/pdf"}
	if err := db.SaveAttachment(ctx, "c1", a, data, []byte("thumb"), "image/png"); err != nil {
		t.Fatal(err)
	}
	read := func(conv string, thumb bool) (*chat.StoredFile, []byte, error) {
		f, err := db.OpenAttachment(ctx, conv, a.ID, thumb)
		if err != nil {
			return nil, nil, err
		}
		defer f.Body.Close()
		b, err := io.ReadAll(f.Body)
		return f, b, err
	}
	f, got, err := read("c1", false)
	if err != nil || !bytes.Equal(got, data) || f.Name != a.Name || f.ContentType != "application/pdf" || f.Size != a.Size {
		t.Fatalf("read back: %v, %d bytes, %+v", err, len(got), f)
	}
	if f, got, err = read("c1", true); err != nil || string(got) != "thumb" || f.ContentType != "image/png" {
		t.Fatalf("thumbnail: %v %q %+v", err, got, f)
	}
	if _, _, err := read("c2", false); !errors.Is(err, chat.ErrNotFound) {
		t.Fatalf("through another conversation: %v, want not found", err)
	}
	if err := db.DeleteAttachment(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, thumb := range []bool{false, true} {
		if _, _, err := read("c1", thumb); !errors.Is(err, chat.ErrNotFound) {
			t.Fatalf("after delete (thumb %v): %v", thumb, err)
		}
	}
	if n, err := db.db.Collection("attachments.chunks").CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Fatalf("%d chunks left after delete (%v)", n, err)
	}
	if err := db.DeleteAttachment(ctx, a.ID); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

// TestMessageWithAttachment: the attachment rides on the message document;
// documents stored before kinds existed read as text.
func TestMessageWithAttachment(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	m := newMsg("c1", 1, "k1")
	m.Text, m.Kind = "", chat.KindImage
	m.Attachment = &chat.Attachment{ID: chat.NewID(), Name: "a.png", Size: 10, ContentType: "image/png", Width: 800, Height: 600, Thumbnail: true}
	if err := db.InsertMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := db.messages.InsertOne(ctx, bson.D{{Key: "_id", Value: "old"}, {Key: "conversationId", Value: "c1"}, {Key: "seq", Value: int64(2)},
		{Key: "clientId", Value: "k2"}, {Key: "senderType", Value: "visitor"}, {Key: "text", Value: "cũ"}, {Key: "createdAt", Value: t0}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.MessagesAfter(ctx, "c1", 0, 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("%d messages, %v", len(got), err)
	}
	if got[0].Kind != chat.KindImage || got[0].Attachment == nil || *got[0].Attachment != *m.Attachment {
		t.Fatalf("attachment message read back as %+v", got[0])
	}
	if got[1].Kind != chat.KindText || got[1].Attachment != nil {
		t.Fatalf("old message read back as %+v", got[1])
	}
}

package desktest

import (
	"bytes"
	"io"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// testAttachments: files read back only through their own conversation,
// with the thumbnail beside them, and are deleted together.
func testAttachments(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	data := bytes.Repeat([]byte("0123456789"), 30_000) // 300 KB: more than one GridFS chunk
	a := &chat.Attachment{ID: chat.NewID(), Name: "bảng giá.pdf", Size: int64(len(data)), ContentType: "application/pdf"}
	must(t, s.SaveAttachment(ctx, "c1", a, data, []byte("thumb"), "image/png"))
	plain := &chat.Attachment{ID: chat.NewID(), Name: "ghi chú.txt", Size: 2, ContentType: "text/plain"}
	must(t, s.SaveAttachment(ctx, "c1", plain, []byte("hi"), nil, ""))
	data[0] = 'X' // the store keeps its own bytes

	read := func(conv, id string, thumb bool) (*chat.StoredFile, []byte, error) {
		f, err := s.OpenAttachment(ctx, conv, id, thumb)
		if err != nil {
			return nil, nil, err
		}
		defer f.Body.Close()
		b, err := io.ReadAll(f.Body)
		return f, b, err
	}
	f, got, err := read("c1", a.ID, false)
	if err != nil || !bytes.Equal(got[1:], data[1:]) || got[0] != '0' || f.Name != a.Name || f.ContentType != "application/pdf" || f.Size != a.Size || f.ConversationID != "c1" {
		t.Fatalf("read back: %v, %d bytes, %+v", err, len(got), f)
	}
	if f, got, err = read("c1", a.ID, true); err != nil || string(got) != "thumb" || f.ContentType != "image/png" || f.Size != 5 {
		t.Fatalf("thumbnail: %v %q %+v", err, got, f)
	}
	if f, got, err = read("c1", plain.ID, false); err != nil || string(got) != "hi" || f.ContentType != "text/plain" {
		t.Fatalf("file without thumbnail: %v %q %+v", err, got, f)
	}
	for _, tt := range []struct {
		name  string
		conv  string
		id    string
		thumb bool
	}{
		{"through another conversation", "c2", a.ID, false},
		{"thumbnail through another conversation", "c2", a.ID, true},
		{"thumbnail never saved", "c1", plain.ID, true},
		{"unknown id", "c1", chat.NewID(), false},
	} {
		if _, _, err := read(tt.conv, tt.id, tt.thumb); !isNotFound(err) {
			t.Errorf("%s: %v, want not found", tt.name, err)
		}
	}
	must(t, s.DeleteAttachment(ctx, a.ID))
	for _, thumb := range []bool{false, true} {
		if _, _, err := read("c1", a.ID, thumb); !isNotFound(err) {
			t.Fatalf("after delete (thumbnail %v): %v, want not found", thumb, err)
		}
	}
	if _, _, err := read("c1", plain.ID, false); err != nil {
		t.Fatalf("deleting one file removed another: %v", err)
	}
	must(t, s.DeleteAttachment(ctx, a.ID)) // missing is fine
	must(t, s.Ping(ctx))
}

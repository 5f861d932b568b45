package mongo

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func newMsg(conv string, seq int64, clientID string) *chat.Message {
	return &chat.Message{
		ConversationID: conv,
		Seq:            seq,
		ClientID:       clientID,
		SenderType:     chat.SenderVisitor,
		SenderID:       "v1",
		SenderName:     "Bình",
		Text:           fmt.Sprintf("tin nhắn %d", seq),
		Kind:           chat.KindText,
		CreatedAt:      t0.Add(time.Duration(seq) * time.Second),
	}
}

func TestMessageInsertAndRead(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	if n, err := db.MaxSeq(ctx, "c1"); err != nil || n != 0 {
		t.Fatalf("MaxSeq on empty = %d, %v; want 0", n, err)
	}
	var stored []*chat.Message
	for seq := int64(1); seq <= 7; seq++ {
		m := newMsg("c1", seq, fmt.Sprint("k", seq))
		if err := db.InsertMessage(ctx, m); err != nil {
			t.Fatalf("InsertMessage(%d): %v", seq, err)
		}
		if len(m.ID) != 24 {
			t.Fatalf("generated id %q", m.ID)
		}
		stored = append(stored, m)
	}
	other := newMsg("c2", 1, "k1") // same clientId and seq in another conversation is fine
	other.ID = "given-id"
	if err := db.InsertMessage(ctx, other); err != nil {
		t.Fatalf("insert in c2: %v", err)
	}
	if other.ID != "given-id" {
		t.Fatalf("caller's id replaced by %q", other.ID)
	}

	tests := []struct {
		name     string
		conv     string
		after    int64
		limit    int
		wantFrom int64
		wantTo   int64 // inclusive; wantTo < wantFrom means none
	}{
		{"all", "c1", 0, 100, 1, 7},
		{"after", "c1", 4, 100, 5, 7},
		{"limit", "c1", 2, 3, 3, 5},
		{"zero limit means the cap", "c1", 0, 0, 1, 7},
		{"nothing after the end", "c1", 7, 10, 1, 0},
		{"unknown conversation", "c9", 0, 10, 1, 0},
	}
	for _, tt := range tests {
		got, err := db.MessagesAfter(ctx, tt.conv, tt.after, tt.limit)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var want []*chat.Message
		for _, m := range stored {
			if m.Seq >= tt.wantFrom && m.Seq <= tt.wantTo {
				want = append(want, m)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: got %d messages, want %d", tt.name, len(got), len(want))
		}
		for i := range got {
			if *got[i] != *want[i] {
				t.Fatalf("%s: message %d = %+v, want %+v", tt.name, i, got[i], want[i])
			}
		}
	}

	if n, err := db.MaxSeq(ctx, "c1"); err != nil || n != 7 {
		t.Fatalf("MaxSeq = %d, %v; want 7", n, err)
	}
	m, err := db.MessageByClientID(ctx, "c1", "k3")
	if err != nil || *m != *stored[2] {
		t.Fatalf("MessageByClientID = %+v, %v", m, err)
	}
	if _, err := db.MessageByClientID(ctx, "c1", "nope"); !isNotFound(err) {
		t.Fatalf("MessageByClientID(missing): err = %v, want not found", err)
	}
}

func TestMessagesAfterCap(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	docs := make([]messageDoc, 0, maxReplay+20)
	for seq := int64(1); seq <= maxReplay+20; seq++ {
		m := newMsg("c1", seq, fmt.Sprint("k", seq))
		m.ID = newID()
		docs = append(docs, toMessageDoc(m))
	}
	// Seed directly: this test is about the read cap, not the batcher.
	if _, err := db.insertMessages(ctx, docs); err != nil {
		t.Fatal(err)
	}
	got, err := db.MessagesAfter(ctx, "c1", 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != maxReplay || got[0].Seq != 1 || got[maxReplay-1].Seq != maxReplay {
		t.Fatalf("got %d messages (%d..%d), want %d from 1", len(got), got[0].Seq, got[len(got)-1].Seq, maxReplay)
	}
}

func TestInsertMessageDuplicates(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	first := newMsg("c1", 1, "k1")
	first.ID = "m1"
	if err := db.InsertMessage(ctx, first); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		msg     *chat.Message
		want    error // nil: any non-sentinel error
		wantAny bool
	}{
		{"same clientId, new seq", &chat.Message{ConversationID: "c1", Seq: 2, ClientID: "k1"}, chat.ErrDuplicateClientID, false},
		{"same clientId and seq (a resend)", &chat.Message{ConversationID: "c1", Seq: 1, ClientID: "k1"}, chat.ErrDuplicateClientID, false},
		{"same seq, new clientId", &chat.Message{ConversationID: "c1", Seq: 1, ClientID: "k2"}, chat.ErrDuplicateSeq, false},
		{"same _id", &chat.Message{ID: "m1", ConversationID: "c1", Seq: 3, ClientID: "k3"}, nil, true},
	}
	for _, tt := range tests {
		err := db.InsertMessage(ctx, tt.msg)
		switch {
		case tt.wantAny:
			if err == nil || errors.Is(err, chat.ErrDuplicateClientID) || errors.Is(err, chat.ErrDuplicateSeq) {
				t.Errorf("%s: err = %v, want a plain error", tt.name, err)
			}
		case !errors.Is(err, tt.want):
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	got, err := db.MessagesAfter(ctx, "c1", 0, 10)
	if err != nil || len(got) != 1 || *got[0] != *first {
		t.Fatalf("stored %d messages (%v), want only the first", len(got), err)
	}
}

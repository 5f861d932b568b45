package desktest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

func newNote(conv string, micros int64, clientID string, afterSeq int64, mentions ...string) *chat.Message {
	m := newMsg(conv, chat.NoteSeq(micros), chat.NoteClientIDPrefix+clientID)
	m.SenderType, m.SenderID, m.SenderName = chat.SenderAgent, "a1", "An"
	m.Text = "ghi chú " + clientID
	m.CreatedAt = t0.Add(time.Duration(micros) * time.Millisecond)
	m.Note = &chat.NoteInfo{AfterSeq: afterSeq, Mentions: mentions}
	return m
}

// testNotes: notes share the messages' unique keys but stay outside every
// read of the visitor's sequence (MessagesAfter, MaxSeq); Notes lists
// them in the order they were written.
func testNotes(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	// A conversation with notes only has no message.
	first := newNote("c1", 1000, "n1", 0, "a2", "a3")
	must(t, s.InsertMessage(ctx, first))
	if max, err := s.MaxSeq(ctx, "c1"); err != nil || max != 0 {
		t.Fatalf("MaxSeq with only a note = %d, %v; want 0", max, err)
	}
	for _, seq := range []int64{1, 2, 3} {
		must(t, s.InsertMessage(ctx, newMsg("c1", seq, "k"+string(rune('0'+seq)))))
	}
	must(t, s.InsertMessage(ctx, newNote("c1", 3000, "n3", 3)))
	must(t, s.InsertMessage(ctx, newNote("c1", 2000, "n2", 2)))
	must(t, s.InsertMessage(ctx, newNote("c2", 1500, "other", 0)))

	if err := s.InsertMessage(ctx, newNote("c1", 1000, "n9", 3)); !errors.Is(err, chat.ErrDuplicateSeq) {
		t.Errorf("a note on a taken seq: %v, want ErrDuplicateSeq", err)
	}
	if err := s.InsertMessage(ctx, newNote("c1", 4000, "n1", 3)); !errors.Is(err, chat.ErrDuplicateClientID) {
		t.Errorf("a note with a taken client id: %v, want ErrDuplicateClientID", err)
	}

	list, err := s.MessagesAfter(ctx, "c1", 0, 0)
	if err != nil || !slices.Equal(seqs(list), []int64{1, 2, 3}) {
		t.Fatalf("MessagesAfter(0) = %v, %v; want the messages alone", seqs(list), err)
	}
	if max, err := s.MaxSeq(ctx, "c1"); err != nil || max != 3 {
		t.Fatalf("MaxSeq = %d, %v; want 3", max, err)
	}
	notes, err := s.Notes(ctx, "c1")
	if err != nil || !slices.Equal(seqs(notes), []int64{-1000, -2000, -3000}) {
		t.Fatalf("Notes = %v, %v; want written order", seqs(notes), err)
	}
	if !reflect.DeepEqual(notes[0], first) {
		t.Fatalf("note round trip:\n got %+v\nwant %+v", notes[0], first)
	}
	got, err := s.MessageByClientID(ctx, "c1", chat.NoteClientIDPrefix+"n2")
	if err != nil || got.Note == nil || got.Note.AfterSeq != 2 {
		t.Fatalf("MessageByClientID(note) = %+v, %v", got, err)
	}
	if none, err := s.Notes(ctx, "nobody"); err != nil || none == nil || len(none) != 0 {
		t.Fatalf("Notes(nobody) = %v (nil %v), %v; want empty", none, none == nil, err)
	}
}

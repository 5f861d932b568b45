package desktest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

func newMsg(conv string, seq int64, clientID string) *chat.Message {
	return &chat.Message{
		ID: chat.NewID(), ConversationID: conv, Seq: seq, ClientID: clientID,
		SenderType: chat.SenderVisitor, SenderID: "v1", SenderName: "Bình",
		Text: fmt.Sprint("tin ", seq), Kind: chat.KindText, CreatedAt: t0.Add(time.Duration(seq) * time.Second),
	}
}

func seqs(ms []*chat.Message) []int64 {
	return pluck(ms, func(m *chat.Message) int64 { return m.Seq })
}

func testMessageRoundTrip(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	img := newMsg("c1", 1, "k1")
	img.ID = ""
	img.Kind = chat.KindImage
	img.Attachment = &chat.Attachment{ID: chat.NewID(), Name: "ảnh.png", Size: 1234, ContentType: "image/png", Width: 640, Height: 480, Thumbnail: true}
	must(t, s.InsertMessage(ctx, img))
	if !hexID.MatchString(img.ID) {
		t.Fatalf("generated id %q, want 24 hex characters", img.ID)
	}
	got, err := s.MessageByClientID(ctx, "c1", "k1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, img) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, img)
	}
	// Changing either copy leaves the stored message alone.
	img.Attachment.Name, got.Attachment.Name, got.Text = "x", "y", "z"
	if again, _ := s.MessageByClientID(ctx, "c1", "k1"); again.Attachment.Name != "ảnh.png" || again.Text != "tin 1" {
		t.Fatalf("stored message changed through a copy: %+v", again)
	}

	plain := newMsg("c1", 2, "k2")
	plain.Kind = ""
	plain.CreatedAt = time.Date(2025, 3, 1, 16, 0, 2, 1_999_999, time.FixedZone("ICT", 7*3600))
	must(t, s.InsertMessage(ctx, plain))
	got, err = s.MessageByClientID(ctx, "c1", "k2")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != plain.ID || got.Kind != chat.KindText || got.Attachment != nil {
		t.Fatalf("a message with its own id and no kind reads back id %q kind %q attachment %v, want %q, text and none", got.ID, got.Kind, got.Attachment, plain.ID)
	}
	if want := t0.Add(2*time.Second + time.Millisecond); !got.CreatedAt.Equal(want) || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("createdAt read back as %v, want %v in UTC", got.CreatedAt, want)
	}
	if got.Notice != nil {
		t.Fatalf("a message without a notice reads back with %+v", got.Notice)
	}

	// A system notice keeps its code and what it names.
	sys := newMsg("c1", 3, "sys-1")
	sys.SenderType, sys.SenderID, sys.SenderName, sys.Text = chat.SenderSystem, "", "", "Khách đã đánh giá 4 sao."
	sys.Notice = &chat.Notice{Code: chat.NoticeRated, Name: "An", Stars: 4}
	must(t, s.InsertMessage(ctx, sys))
	sys.Notice.Stars = 1 // the store keeps its own copy
	got, err = s.MessageByClientID(ctx, "c1", "sys-1")
	if err != nil || got.Notice == nil || *got.Notice != (chat.Notice{Code: chat.NoticeRated, Name: "An", Stars: 4}) {
		t.Fatalf("notice read back as %+v, %v", got, err)
	}
	for _, tt := range []struct{ conv, client string }{{"c1", "nope"}, {"c2", "k1"}} {
		if _, err := s.MessageByClientID(ctx, tt.conv, tt.client); !isNotFound(err) {
			t.Errorf("MessageByClientID(%s, %s): %v, want not found", tt.conv, tt.client, err)
		}
	}
}

// testMessageUniqueKeys: (conversation, clientId) and (conversation, seq)
// are unique; a message colliding on both is a duplicate client id (a
// resend that reused its seq); a message reusing an id is refused too.
func testMessageUniqueKeys(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	first := newMsg("c1", 1, "k1")
	must(t, s.InsertMessage(ctx, first))
	tests := []struct {
		name string
		m    *chat.Message
		want error
	}{
		{"same client id, new seq", newMsg("c1", 2, "k1"), chat.ErrDuplicateClientID},
		{"same seq, new client id", newMsg("c1", 1, "k9"), chat.ErrDuplicateSeq},
		{"same client id and seq", newMsg("c1", 1, "k1"), chat.ErrDuplicateClientID},
		{"same keys in another conversation", newMsg("c2", 1, "k1"), nil},
		{"next message", newMsg("c1", 2, "k2"), nil},
	}
	for _, tt := range tests {
		if err := s.InsertMessage(ctx, tt.m); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	// A reused id is a caller's bug, not a resend: neither sentinel.
	reused := newMsg("c1", 3, "k3")
	reused.ID = first.ID
	if err := s.InsertMessage(ctx, reused); err == nil || errors.Is(err, chat.ErrDuplicateClientID) || errors.Is(err, chat.ErrDuplicateSeq) {
		t.Errorf("same id, new keys: err = %v, want a plain error", err)
	}
	list, err := s.MessagesAfter(ctx, "c1", 0, 0)
	if err != nil || !slices.Equal(seqs(list), []int64{1, 2}) || list[0].ClientID != "k1" {
		t.Fatalf("c1 holds %v (%v), want the two first messages", seqs(list), err)
	}
}

// testMessageRaces: racing inserts of one client id store one message, as
// do racing inserts of one seq; distinct ones all get stored.
func testMessageRaces(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	race := func(n int, mk func(i int) *chat.Message) (oks int, errs []error) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.InsertMessage(ctx, mk(i))
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					oks++
				} else {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		return oks, errs
	}
	tests := []struct {
		name    string
		n       int
		mk      func(i int) *chat.Message
		wantOK  int
		wantErr error
	}{
		{"one client id", 8, func(i int) *chat.Message { return newMsg("c1", int64(i+1), "same") }, 1, chat.ErrDuplicateClientID},
		{"one seq", 8, func(i int) *chat.Message { return newMsg("c2", 7, fmt.Sprint("k", i)) }, 1, chat.ErrDuplicateSeq},
		{"distinct", 40, func(i int) *chat.Message { return newMsg("c3", int64(i+1), fmt.Sprint("k", i)) }, 40, nil},
	}
	for _, tt := range tests {
		oks, errs := race(tt.n, tt.mk)
		if oks != tt.wantOK {
			t.Errorf("%s: %d stored, want %d (errors %v)", tt.name, oks, tt.wantOK, errs)
		}
		for _, err := range errs {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.wantErr)
			}
		}
	}
	if max, err := s.MaxSeq(ctx, "c3"); err != nil || max != 40 {
		t.Fatalf("MaxSeq after 40 racing inserts = %d, %v", max, err)
	}
}

func testMessagesAfter(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	if max, err := s.MaxSeq(ctx, "c1"); err != nil || max != 0 {
		t.Fatalf("MaxSeq of an empty conversation = %d, %v; want 0", max, err)
	}
	// Out of order and with a hole at 4, as racing writers leave them.
	for _, seq := range []int64{3, 1, 5, 2, 6} {
		must(t, s.InsertMessage(ctx, newMsg("c1", seq, fmt.Sprint("k", seq))))
	}
	must(t, s.InsertMessage(ctx, newMsg("c2", 9, "other")))
	tests := []struct {
		conv  string
		after int64
		limit int
		want  []int64
	}{
		{"c1", 0, 0, []int64{1, 2, 3, 5, 6}},
		{"c1", 2, 0, []int64{3, 5, 6}},
		{"c1", 3, 0, []int64{5, 6}},
		{"c1", 4, 1, []int64{5}},
		{"c1", 0, 2, []int64{1, 2}},
		{"c1", 6, 0, []int64{}},
		{"c1", -1, -5, []int64{1, 2, 3, 5, 6}},
		{"nobody", 0, 0, []int64{}},
	}
	for _, tt := range tests {
		list, err := s.MessagesAfter(ctx, tt.conv, tt.after, tt.limit)
		if err != nil || list == nil || !slices.Equal(seqs(list), tt.want) {
			t.Errorf("MessagesAfter(%s, %d, %d) = %v (nil %v), %v; want %v", tt.conv, tt.after, tt.limit, seqs(list), list == nil, err, tt.want)
		}
	}
	if max, err := s.MaxSeq(ctx, "c1"); err != nil || max != 6 {
		t.Fatalf("MaxSeq = %d, %v; want 6", max, err)
	}

	// One page holds at most 500 messages, whatever the limit asked.
	var wg sync.WaitGroup
	errs := make(chan error, 505)
	for i := 1; i <= 505; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.InsertMessage(ctx, newMsg("big", int64(i), fmt.Sprint("k", i)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	for _, tt := range []struct {
		after     int64
		limit     int
		wantLen   int
		wantFirst int64
	}{{0, 0, 500, 1}, {0, 1000, 500, 1}, {500, 0, 5, 501}, {100, 10, 10, 101}} {
		list, err := s.MessagesAfter(ctx, "big", tt.after, tt.limit)
		first := int64(-1)
		if len(list) > 0 {
			first = list[0].Seq
		}
		if err != nil || len(list) != tt.wantLen || first != tt.wantFirst {
			t.Errorf("MessagesAfter(big, %d, %d): %d messages from %d (%v), want %d from %d",
				tt.after, tt.limit, len(list), first, err, tt.wantLen, tt.wantFirst)
		}
	}
}

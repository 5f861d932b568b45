package mongo

import (
	"context"
	"fmt"
	"go.mongodb.org/mongo-driver/v2/bson"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

var _ desk.SearchStore = (*DB)(nil)

func drainSearch(t *testing.T, db *DB) {
	t.Helper()
	for {
		n, err := db.IndexQueued(context.Background(), 500)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// TestSearchIndex: stored messages, notes and answers are queued by the
// write that stores them and folded into term postings by IndexQueued,
// newest in the head, sealed in chunks of postingChunk; indexing twice
// adds nothing; a deleted conversation leaves no segment at once and no
// posting once the purge is indexed; a rebuild finds the same.
func TestSearchIndex(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{SearchShards: 2})
	conv := &chat.Conversation{Status: chat.StatusWaiting, CreatedAt: time.Now().UTC(),
		Visitor: chat.Visitor{Name: "Lan"},
		Answers: []chat.Answer{{Key: "name", Label: "Họ tên", Type: chat.FieldText, Value: "Lan"}, {Key: "order", Label: "Mã đơn", Type: chat.FieldText, Value: "#1234"}}}
	if err := db.CreateConversation(ctx, conv); err != nil {
		t.Fatal(err)
	}
	other := &chat.Conversation{Status: chat.StatusWaiting, CreatedAt: time.Now().UTC(), Visitor: chat.Visitor{Name: "Hoa"}}
	if err := db.CreateConversation(ctx, other); err != nil {
		t.Fatal(err)
	}
	const n = postingChunk*2 + 10
	for i := 1; i <= n; i++ {
		m := &chat.Message{ConversationID: conv.ID, Seq: int64(i), ClientID: fmt.Sprint("c", i), SenderType: chat.SenderVisitor,
			Text: fmt.Sprintf("Giày dép số %d", i), Kind: chat.KindText, CreatedAt: time.Now().UTC()}
		if err := db.InsertMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	note := &chat.Message{ConversationID: other.ID, Seq: chat.NoteSeq(1), ClientID: "note", SenderType: chat.SenderAgent,
		Text: "giày dép nội bộ", Kind: chat.KindText, Note: &chat.NoteInfo{}, CreatedAt: time.Now().UTC()}
	if err := db.InsertMessage(ctx, note); err != nil {
		t.Fatal(err)
	}
	drainSearch(t, db)

	heads, err := db.SearchHeads(ctx, []string{"giay", "#1234", "noi", "khong"})
	if err != nil {
		t.Fatal(err)
	}
	g := heads["giay"]
	if g.Count != n+1 || g.Chunks != 2 || len(g.Postings) != n+1-2*postingChunk {
		t.Fatalf("giay: count %d chunks %d head %d", g.Count, g.Chunks, len(g.Postings))
	}
	if last := g.Postings[len(g.Postings)-1]; last.Kind != chat.SegmentNote || last.ConversationID != other.ID {
		t.Fatalf("newest posting %+v", last)
	}
	if _, ok := heads["khong"]; ok {
		t.Fatal("a term never written has a head")
	}
	if h := heads["#1234"]; h.Count != 1 || h.Postings[0].Kind != chat.SegmentAnswer || h.Postings[0].Seq != 0 {
		t.Fatalf("#1234: %+v", h)
	}
	// The visitor's name is found by its start, through the answers segment.
	names, err := db.SearchHeads(ctx, []string{"^la", "^lan", "^ho"})
	if err != nil {
		t.Fatal(err)
	}
	if h := names["^la"]; h.Count != 1 || h.Postings[0].ConversationID != conv.ID || h.Postings[0].Kind != chat.SegmentAnswer {
		t.Fatalf("^la: %+v", h)
	}
	if h := names["^ho"]; h.Count != 1 || h.Postings[0].ConversationID != other.ID {
		t.Fatalf("^ho (a conversation without answers is found by name): %+v", h)
	}
	if segs, _ := db.SearchSegments(ctx, []chat.SegmentKey{{ConversationID: other.ID}}); segs[chat.SegmentKey{ConversationID: other.ID}].Name != "Hoa" {
		t.Fatalf("name segment %+v", segs)
	}
	chunk0, err := db.SearchChunk(ctx, "giay", 0)
	if err != nil || len(chunk0) != postingChunk || chunk0[0].Seq != 1 {
		t.Fatalf("chunk 0: %d postings, err %v", len(chunk0), err)
	}
	if !chat.MayHold(chunk0[0].Bloom, []string{"dep", "so", "1"}) {
		t.Fatal("bloom misses a term of its segment")
	}
	segs, err := db.SearchSegments(ctx, []chat.SegmentKey{{ConversationID: conv.ID, Seq: 7}, {ConversationID: conv.ID}, {ConversationID: other.ID, Seq: note.Seq}})
	if err != nil || len(segs) != 3 || segs[chat.SegmentKey{ConversationID: conv.ID, Seq: 7}].Text != "Giày dép số 7" {
		t.Fatalf("segments %+v, err %v", segs, err)
	}

	// Indexed twice (a rebuild racing the queue): nothing more.
	if err := db.indexSegments(ctx, []segmentDoc{{ID: segmentID(conv.ID, 7), Conv: conv.ID, Seq: 7, Kind: "message", Text: "Giày dép số 7"}}); err != nil {
		t.Fatal(err)
	}
	if h, _ := db.SearchHeads(ctx, []string{"giay"}); h["giay"].Count != n+1 {
		t.Fatalf("indexed twice: count %d", h["giay"].Count)
	}

	// Erasure: segments go at once, postings with the purge.
	if _, err := db.DeleteMessages(ctx, conv.ID); err != nil {
		t.Fatal(err)
	}
	if segs, _ := db.SearchSegments(ctx, []chat.SegmentKey{{ConversationID: conv.ID, Seq: 7}, {ConversationID: conv.ID}}); len(segs) != 0 {
		t.Fatalf("erased segments readable: %+v", segs)
	}
	drainSearch(t, db)
	heads, _ = db.SearchHeads(ctx, []string{"giay", "#1234", "^lan"})
	left := 0
	for _, p := range heads["giay"].Postings {
		if p.ConversationID == conv.ID {
			left++
		}
	}
	for i := 0; i < heads["giay"].Chunks; i++ {
		ps, _ := db.SearchChunk(ctx, "giay", i)
		for _, p := range ps {
			if p.ConversationID == conv.ID {
				left++
			}
		}
	}
	if left != 0 || len(heads["#1234"].Postings) != 0 || len(heads["^lan"].Postings) != 0 {
		t.Fatalf("postings of the erased conversation: %d, #1234 %+v, ^lan %+v", left, heads["#1234"], heads["^lan"])
	}

	// Rebuild: from what is stored: the note, the answers and name of the
	// conversation document DeleteMessages left (erasure deletes or
	// anonymizes it next), and the other conversation's name.
	if built, _ := db.SearchIndexBuilt(ctx); built {
		t.Fatal("built before any build")
	}
	got, err := db.RebuildSearch(ctx)
	if err != nil || got != 3 {
		t.Fatalf("rebuild: %d segments, err %v", got, err)
	}
	if built, _ := db.SearchIndexBuilt(ctx); !built {
		t.Fatal("not built after a rebuild")
	}
	if h, _ := db.SearchHeads(ctx, []string{"giay"}); h["giay"].Count != 1 || h["giay"].Chunks != 0 {
		t.Fatalf("after rebuild: %+v", h["giay"])
	}
}

// TestRequeueForSearch: a message stored whose queue write was lost (here:
// the queue emptied by hand) is indexed when its resend requeues it; a
// second requeue adds nothing.
func TestRequeueForSearch(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{SearchShards: 2})
	conv := &chat.Conversation{Status: chat.StatusWaiting, CreatedAt: time.Now().UTC()}
	if err := db.CreateConversation(ctx, conv); err != nil {
		t.Fatal(err)
	}
	m := &chat.Message{ConversationID: conv.ID, Seq: 1, ClientID: "c1", SenderType: chat.SenderVisitor,
		Text: "Dép tổ ong", Kind: chat.KindText, CreatedAt: time.Now().UTC()}
	if err := db.InsertMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := db.searchQueue.DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	drainSearch(t, db)
	if h, _ := db.SearchHeads(ctx, []string{"ong"}); len(h) != 0 {
		t.Fatalf("indexed without its queue job: %+v", h)
	}
	for range 2 {
		if err := db.RequeueForSearch(ctx, m); err != nil {
			t.Fatal(err)
		}
		drainSearch(t, db)
		if h, _ := db.SearchHeads(ctx, []string{"ong"}); h["ong"].Count != 1 || h["ong"].Postings[0].Seq != 1 {
			t.Fatalf("after requeue: %+v", h)
		}
	}
}

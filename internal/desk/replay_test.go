package desk

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func msg(seq int64) *chat.Message { return &chat.Message{ConversationID: "c", Seq: seq} }

func TestReplayRunOnlyAnswersWhatItCovers(t *testing.T) {
	rc := newReplayCache(nil)
	// A query result with a hole is not kept.
	rc.remember("c", 0, 3, []*chat.Message{msg(1), msg(3)})
	if _, ok := rc.lookup("c", 0, 3, MaxReplay); ok {
		t.Fatal("a run with a hole answered")
	}
	// A gap-free result up to the counter is.
	rc.remember("c", 0, 3, []*chat.Message{msg(1), msg(2), msg(3)})
	if ms, ok := rc.lookup("c", 1, 3, MaxReplay); !ok || len(ms) != 2 || ms[0].Seq != 2 {
		t.Fatalf("lookup after 1 = %v %v", ms, ok)
	}
	// Once the counter moved past the run, it answers nothing…
	if _, ok := rc.lookup("c", 1, 4, MaxReplay); ok {
		t.Fatal("a stale run answered")
	}
	// …until the node stores the next seq itself.
	rc.stored(msg(4))
	if ms, ok := rc.lookup("c", 1, 4, MaxReplay); !ok || len(ms) != 3 || ms[2].Seq != 4 {
		t.Fatalf("lookup after the stored message = %v %v", ms, ok)
	}
	// A message after a gap starts a run of its own: it cannot answer a
	// client that lacks the seqs before it.
	rc.stored(msg(6))
	if _, ok := rc.lookup("c", 4, 6, MaxReplay); ok {
		t.Fatal("run [6] answered a client at 4")
	}
	if ms, ok := rc.lookup("c", 5, 6, MaxReplay); !ok || len(ms) != 1 || ms[0].Seq != 6 {
		t.Fatalf("lookup after 5 = %v %v", ms, ok)
	}
}

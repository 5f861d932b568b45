package desk

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Every message changes the inbox (preview, unread counters), but agents
// get at most one "message" update per conversation per window: the first
// at once, the last when the window ends, refreshed so that it never undoes
// a change made meanwhile.
func TestInboxUpdatesAreCoalescedAndRefreshed(t *testing.T) {
	d := newTestDesk(t, testOptions{window: time.Hour})
	an := d.agent("An", chat.RoleAgent)
	d.online(an)
	c := d.newConversation("Gộp", "")
	d.core.updates.flush(true) // the assignment notice's update
	messageUpdates := func() []protocol.ConversationChanged {
		var out []protocol.ConversationChanged
		for _, r := range d.events.matching(protocol.EvtConversationUpdated, nil) {
			var cc protocol.ConversationChanged
			if json.Unmarshal(r.head.Data, &cc) == nil && cc.Change == chat.ChangeMessage && cc.Conversation.ID == c.ID {
				out = append(out, cc)
			}
		}
		return out
	}
	eventually(t, "the assignment's update", func() (bool, string) { return len(messageUpdates()) == 1, d.events.summary() })
	p0, c0 := d.core.updates.stats()
	var last *chat.Message
	for i := 0; i < 5; i++ {
		m, _, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, fmt.Sprint("v", i), fmt.Sprint("tin ", i))
		if err != nil {
			t.Fatal(err)
		}
		last = m
	}
	if p1, c1 := d.core.updates.stats(); p1 != p0 || c1-c0 != 5 {
		t.Fatalf("published %d→%d, coalesced %d→%d: want 5 coalesced, none published", p0, p1, c0, c1)
	}
	// The agent reads meanwhile: the delayed update must not bring the
	// unread count back.
	if err := d.core.Messages.MarkRead(d.ctx, agentActor(an), c.ID, 0); err != nil {
		t.Fatal(err)
	}
	d.core.updates.flush(true)
	if p2, _ := d.core.updates.stats(); p2 != p0+1 {
		t.Fatalf("the flush published %d updates, want 1", p2-p0)
	}
	var late protocol.ConversationChanged
	eventually(t, "the trailing update", func() (bool, string) {
		ups := messageUpdates()
		late = ups[len(ups)-1]
		return len(ups) == 2, d.events.summary()
	})
	lc := late.Conversation
	if lc.LastMessage == nil || lc.LastMessage.Seq != last.Seq || lc.LastMessage.Text != "tin 4" {
		t.Fatalf("trailing preview %+v, want seq %d", lc.LastMessage, last.Seq)
	}
	if lc.UnreadAgent != 0 || lc.Status != chat.StatusAssigned || lc.AssigneeName != "An" {
		t.Fatalf("trailing update: unread %d, status %s, assignee %q", lc.UnreadAgent, lc.Status, lc.AssigneeName)
	}
}

// A resume reads MongoDB only when it must.
func TestReplayAvoidsTheStoreWhenItCan(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	c := d.newConversation("Replay", "tin đầu")
	visitor := visitorOf(c)
	replay := func(after int64) []*chat.Message {
		t.Helper()
		ms, err := d.core.Messages.Replay(d.ctx, visitor, c.ID, after, MaxReplay)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	stats := func() (int64, int64, int64) {
		rc := d.core.Messages.replays.cache
		return rc.skipped.Load(), rc.hits.Load(), rc.queries.Load()
	}
	last := replay(0)[0].Seq

	s0, _, q0 := stats()
	if got := replay(last); len(got) != 0 {
		t.Fatalf("an up-to-date client got %d messages", len(got))
	}
	if s1, _, q1 := stats(); s1 != s0+1 || q1 != q0 {
		t.Fatal("an up-to-date resume queried the store")
	}

	var want []string
	for i := 0; i < 3; i++ {
		text := fmt.Sprint("khi vắng ", i)
		if _, _, err := d.core.Messages.SendMessage(d.ctx, visitor, c.ID, fmt.Sprint("away-", i), text); err != nil {
			t.Fatal(err)
		}
		want = append(want, text)
	}
	_, h0, q0 := stats()
	for tab := 0; tab < 4; tab++ {
		got := replay(last)
		if len(got) != 3 {
			t.Fatalf("tab %d replayed %d messages, want 3", tab, len(got))
		}
		for i, m := range got {
			if m.Seq != last+int64(i)+1 || m.Text != want[i] {
				t.Fatalf("tab %d replay[%d] = seq %d %q", tab, i, m.Seq, m.Text)
			}
		}
	}
	// This node stored the three messages, so their run is known: no query.
	if _, h1, q1 := stats(); q1 != q0 || h1-h0 != 4 {
		t.Fatalf("4 resumes: %d queries, %d cache hits; want 0 and 4", q1-q0, h1-h0)
	}
	// The whole transcript is this node's run too (it stored the form's
	// message): still no query.
	if got := replay(0); int64(len(got)) != last+3 {
		t.Fatalf("full replay: %d messages", len(got))
	}
	if _, _, q2 := stats(); q2 != q0 {
		t.Fatalf("the full replay made %d queries", q2-q0)
	}
	// A message stored by another node makes the run stale: the next
	// resume sees it.
	other := newTestDesk(t, testOptions{peer: d})
	if _, _, err := other.core.Messages.SendMessage(d.ctx, visitor, c.ID, "after", "sau cùng"); err != nil {
		t.Fatal(err)
	}
	if got := replay(last); len(got) != 4 || got[3].Text != "sau cùng" {
		t.Fatalf("resume after another node's message: %d messages", len(got))
	}
}

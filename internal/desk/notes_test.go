package desk

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// TestNotesRules: any agent may write a note, owner or not, without the
// reply lock; the visitor's sequence stays gap-free around notes and no
// visitor read returns one; unread counters do not move; mentions reach
// the named agents alone; resends store once.
func TestNotesRules(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an, binh := d.agent("An", chat.RoleAgent), d.agent("Nguyễn Văn Bình", chat.RoleAgent)
	d.online(an)
	c := d.newConversation("Khách", "Xin chào")
	if c.AssigneeID != an.ID {
		t.Fatalf("assigned to %q", c.AssigneeName)
	}
	d.followConversation(c.ID)
	visitor := visitorOf(c)
	if _, _, err := d.core.Messages.SendMessage(d.ctx, agentActor(an), c.ID, "a1", "Chào anh"); err != nil {
		t.Fatal(err)
	}
	_, unreadBefore, _ := d.coord.Unread(d.ctx, c.ID)

	// Bình does not own the conversation and writes a note mentioning An.
	n1, resent, err := d.core.Messages.AddNote(d.ctx, agentActor(binh), c.ID, "n1", "@An khách này hỏi giá sỉ")
	if err != nil || resent {
		t.Fatalf("note by a non-owner: %v (resent %v)", err, resent)
	}
	if n1.Seq >= 0 || n1.Note == nil || !slices.Equal(n1.Note.Mentions, []string{an.ID}) {
		t.Fatalf("note %+v note %+v", n1, n1.Note)
	}
	// The owner's note, then the conversation goes on.
	if _, _, err := d.core.Messages.AddNote(d.ctx, agentActor(an), c.ID, "n2", "Đã báo giá, chờ @Nguyễn Văn Bình duyệt"); err != nil {
		t.Fatal(err)
	}
	again, resent, err := d.core.Messages.AddNote(d.ctx, agentActor(binh), c.ID, "n1", "@An khách này hỏi giá sỉ")
	if err != nil || !resent || again.ID != n1.ID {
		t.Fatalf("resend: %+v resent %v %v", again, resent, err)
	}
	if _, _, err := d.core.Messages.SendMessage(d.ctx, visitor, c.ID, "v2", "Còn hàng không?"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.core.Messages.SendMessage(d.ctx, agentActor(an), c.ID, "n1", "Còn ạ"); err != nil {
		t.Fatal(err) // a message may reuse a note's client id
	}

	// The visitor's sequence: 1…n, no note, no hole.
	ms := d.transcript(c.ID)
	assertGapFree(t, ms)
	for _, m := range ms {
		if m.IsNote() {
			t.Fatalf("a note in the transcript: %+v", m)
		}
	}
	for _, after := range []int64{0, -5, 2} {
		got, err := d.core.Messages.Messages(d.ctx, visitor, c.ID, after, 0)
		if err != nil {
			t.Fatal(err)
		}
		replay, err := d.core.Messages.Replay(d.ctx, visitor, c.ID, after, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range slices.Concat(got, replay) {
			if m.IsNote() || m.Seq <= 0 {
				t.Fatalf("visitor read after %d returned %+v", after, m)
			}
		}
	}
	if _, got, _ := d.coord.Unread(d.ctx, c.ID); got != unreadBefore+1 {
		t.Fatalf("visitor's unread %d, want %d (notes do not count)", got, unreadBefore+1)
	}

	// Who may read and write notes.
	if _, err := d.core.Messages.Notes(d.ctx, visitor, c.ID); !errors.Is(err, chat.ErrNotFound) {
		t.Fatalf("visitor reading notes: %v", err)
	}
	if _, _, err := d.core.Messages.AddNote(d.ctx, visitor, c.ID, "v9", "@An"); err == nil {
		t.Fatal("a visitor wrote a note")
	}
	if _, err := d.core.Messages.Notes(d.ctx, Actor{}, c.ID); err == nil {
		t.Fatal("nobody read notes")
	}
	notes, err := d.core.Messages.Notes(d.ctx, agentActor(binh), c.ID)
	if err != nil || len(notes) != 2 || notes[0].ID != n1.ID || notes[0].Note.AfterSeq > notes[1].Note.AfterSeq {
		t.Fatalf("notes %v, %v", notes, err)
	}
	if notes[0].Note.AfterSeq != ms[len(ms)-3].Seq {
		t.Fatalf("first note after seq %d, transcript %d messages", notes[0].Note.AfterSeq, len(ms))
	}

	// Events: note.created on the agents' topic only, one per note;
	// note.mentioned once per mention, never to the author.
	eventually(t, "note events", func() (bool, string) {
		created := d.events.matching(protocol.EvtNoteCreated, nil)
		mentioned := d.events.matching(protocol.EvtNoteMentioned, nil)
		return len(created) == 2 && len(mentioned) == 2, d.events.summary()
	})
	for _, r := range d.events.matching(protocol.EvtNoteCreated, nil) {
		if r.topic != AgentsTopic {
			t.Fatalf("note.created on %s", r.topic)
		}
	}
	var to []string
	for _, r := range d.events.matching(protocol.EvtNoteMentioned, nil) {
		var m protocol.NoteMentioned
		if err := json.Unmarshal(r.head.Data, &m); err != nil {
			t.Fatal(err)
		}
		to = append(to, m.AgentID)
	}
	if !slices.Equal(to, []string{an.ID, binh.ID}) {
		t.Fatalf("mentioned %v", to)
	}
	for _, r := range d.events.matching(protocol.EvtNoteCreated, nil) {
		if r.topic == ConversationTopic(c.ID) && (r.head.Type == protocol.EvtNoteCreated || r.head.Type == protocol.EvtNoteMentioned) {
			t.Fatalf("a note event on the conversation's topic")
		}
	}
	if leaked := d.events.matching(protocol.EvtMessageCreated, func(r recorded) bool { return containsNote(r.head.Data) }); len(leaked) > 0 {
		t.Fatalf("a note as message.created")
	}
}

func containsNote(data []byte) bool {
	var mc protocol.MessageCreated
	return json.Unmarshal(data, &mc) == nil && mc.Message != nil && mc.Message.IsNote()
}

package desktest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

func newConv(id, name, phone string, status chat.Status, assignee string, created time.Time) *chat.Conversation {
	return &chat.Conversation{
		ID:         id,
		Status:     status,
		AssigneeID: assignee,
		Answers:    []chat.Answer{{Key: chat.KeyName, Label: "Họ tên", Type: chat.FieldText, Value: name}},
		Visitor:    chat.Visitor{Name: name, Phone: phone, PageURL: "https://shop.example/p", IP: "203.0.113.9"},
		CreatedAt:  created,
		UpdatedAt:  created,
	}
}

// fullConv has every field set, with times a BSON date keeps exactly.
func fullConv(id string) *chat.Conversation {
	c := newConv(id, "Nguyễn Văn Bình", "0912345678", chat.StatusAssigned, "a1", t0)
	c.AssigneeName = "Lan"
	c.Answers = append(c.Answers, chat.Answer{Key: "topic", Label: "Chủ đề", Type: chat.FieldSelect, Value: "Giá"})
	c.Visitor.Referrer, c.Visitor.UserAgent = "https://google.com", "Mozilla/5.0"
	c.LastMessage = &chat.Preview{Seq: 3, Text: "xin chào", SenderType: chat.SenderVisitor, SenderName: "Bình", At: t0.Add(3 * time.Second)}
	c.UnreadAgent, c.UnreadVisit = 2, 1
	c.UpdatedAt = t0.Add(time.Minute)
	c.AssignedAt = ptr(t0.Add(10 * time.Second))
	c.ResolvedAt = ptr(t0.Add(20 * time.Second))
	c.Priority = chat.PriorityHigh
	c.Tags = []string{"vip", "giá"}
	c.FirstResponseAt = ptr(t0.Add(30 * time.Second))
	c.FirstResolvedAt = ptr(t0.Add(40 * time.Second))
	c.Rating = &chat.Rating{Stars: 5, Comment: "tốt", At: t0.Add(50 * time.Second)}
	c.HandoffAt = ptr(t0.Add(60 * time.Second))
	c.LeftMessage = chat.LeftOutsideHours
	c.AgentReadSeq, c.VisitorReadSeq = 3, 2
	return c
}

func mustCreate(t *testing.T, s desk.Store, cs ...*chat.Conversation) {
	t.Helper()
	for _, c := range cs {
		if err := s.CreateConversation(ctxT(t), c); err != nil {
			t.Fatalf("CreateConversation(%s): %v", c.ID, err)
		}
	}
}

func mustGet(t *testing.T, s desk.Store, id string) *chat.Conversation {
	t.Helper()
	c, err := s.Conversation(ctxT(t), id)
	if err != nil {
		t.Fatalf("Conversation(%s): %v", id, err)
	}
	return c
}

func ids(cs []*chat.Conversation) []string {
	return pluck(cs, func(c *chat.Conversation) string { return c.ID })
}

// testConversationRoundTrip: what is created reads back equal; the store
// fills the id, priority and lists; times keep milliseconds, in UTC.
func testConversationRoundTrip(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	full := fullConv("")
	mustCreate(t, s, full)
	if !hexID.MatchString(full.ID) {
		t.Fatalf("generated id %q, want 24 hex characters", full.ID)
	}
	if got := mustGet(t, s, full.ID); !reflect.DeepEqual(got, full) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, full)
	}

	bare := &chat.Conversation{ID: "bare", Status: chat.StatusWaiting, CreatedAt: t0, UpdatedAt: t0}
	mustCreate(t, s, bare)
	if bare.Priority != chat.PriorityNormal || bare.Tags == nil || len(bare.Tags) != 0 {
		t.Fatalf("create left priority %q tags %#v on the caller's value, want normal and []", bare.Priority, bare.Tags)
	}
	got := mustGet(t, s, "bare")
	if got.Priority != chat.PriorityNormal || got.Tags == nil || len(got.Tags) != 0 || got.Answers == nil || len(got.Answers) != 0 {
		t.Fatalf("bare conversation read back priority %q tags %#v answers %#v, want normal, [] and []", got.Priority, got.Tags, got.Answers)
	}
	if got.LastMessage != nil || got.AssignedAt != nil || got.Rating != nil || got.HandoffAt != nil || got.LeftMessage != "" || got.AgentReadSeq != 0 || got.VisitorReadSeq != 0 {
		t.Fatalf("bare conversation grew fields: %+v", got)
	}

	vn := time.FixedZone("ICT", 7*3600)
	precise := newConv("precise", "Hoa", "", chat.StatusWaiting, "", time.Date(2025, 3, 1, 16, 0, 0, 1_999_999, vn))
	precise.AssignedAt = ptr(precise.CreatedAt)
	mustCreate(t, s, precise)
	got = mustGet(t, s, "precise")
	want := t0.Add(time.Millisecond)
	for name, at := range map[string]time.Time{"createdAt": got.CreatedAt, "updatedAt": got.UpdatedAt, "assignedAt": *got.AssignedAt} {
		if !at.Equal(want) || at.Location() != time.UTC {
			t.Errorf("%s read back as %v, want %v in UTC (milliseconds are kept)", name, at, want)
		}
	}

	if _, err := s.Conversation(ctx, "missing"); !isNotFound(err) {
		t.Fatalf("missing conversation: err = %v, want not found", err)
	}
	if err := s.CreateConversation(ctx, fullConv(full.ID)); err == nil {
		t.Fatal("second create with the same id succeeded")
	}
}

// testConversationCopies: neither the value given to Create nor a value
// read back shares memory with what is stored.
func testConversationCopies(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	c := fullConv("c1")
	mustCreate(t, s, c)
	want := fullConv("c1")
	// scribble changes what a conversation's slices and pointers hold.
	scribble := func(c *chat.Conversation) {
		c.Tags[0] = "changed"
		c.Answers[0].Value = "changed"
		c.LastMessage.Text = "changed"
		*c.AssignedAt = t0.Add(time.Hour)
		c.Rating.Stars = 1
	}
	scribble(c)
	if got := mustGet(t, s, "c1"); !reflect.DeepEqual(got, want) {
		t.Fatalf("changing the created value changed the store:\n got %+v\nwant %+v", got, want)
	}
	got := mustGet(t, s, "c1")
	scribble(got)
	if again := mustGet(t, s, "c1"); !reflect.DeepEqual(again, want) {
		t.Fatalf("changing a read value changed the store:\n got %+v\nwant %+v", again, want)
	}
}

func testUpdateConversation(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	mustCreate(t, s, newConv("c1", "An", "", chat.StatusWaiting, "", t0))
	t1, t2, t3 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute)
	steps := []struct {
		name  string
		u     chat.ConversationUpdate
		check func(*chat.Conversation) error
	}{
		{"assign", chat.ConversationUpdate{Status: ptr(chat.StatusAssigned), AssigneeID: ptr("a1"), AssigneeName: ptr("Lan"), AssigneeAvatar: ptr("/avatars/0123456789abcdef01234567"), AssignedAt: &t1, UpdatedAt: t1},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusAssigned || c.AssigneeID != "a1" || c.AssigneeName != "Lan" || c.AssigneeAvatarURL != "/avatars/0123456789abcdef01234567" || c.AssignedAt == nil || !c.AssignedAt.Equal(t1) || !c.UpdatedAt.Equal(t1) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"only updatedAt leaves the rest", chat.ConversationUpdate{UpdatedAt: t2},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusAssigned || c.AssigneeID != "a1" || c.AssignedAt == nil || !c.UpdatedAt.Equal(t2) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"triage without updatedAt keeps the order", chat.ConversationUpdate{Priority: ptr(chat.PriorityUrgent), Tags: &[]string{"vip"}},
			func(c *chat.Conversation) error {
				if c.Priority != chat.PriorityUrgent || len(c.Tags) != 1 || c.Tags[0] != "vip" || !c.UpdatedAt.Equal(t2) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"empty priority is normal, nil tags are []", chat.ConversationUpdate{Priority: ptr(chat.Priority("")), Tags: new([]string)},
			func(c *chat.Conversation) error {
				if c.Priority != chat.PriorityNormal || c.Tags == nil || len(c.Tags) != 0 {
					return fmt.Errorf("priority %q tags %#v", c.Priority, c.Tags)
				}
				return nil
			}},
		{"resolve clears assignment", chat.ConversationUpdate{Status: ptr(chat.StatusResolved), AssigneeID: ptr(""), AssigneeName: ptr(""), AssigneeAvatar: ptr(""), AssignedAt: &time.Time{}, ResolvedAt: &t3, FirstResolvedAt: &t3, UpdatedAt: t3},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusResolved || c.AssigneeID != "" || c.AssigneeAvatarURL != "" || c.AssignedAt != nil || c.ResolvedAt == nil || !c.ResolvedAt.Equal(t3) || c.FirstResolvedAt == nil || !c.FirstResolvedAt.Equal(t3) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"rate and hand off", chat.ConversationUpdate{Rating: &chat.Rating{Stars: 4, Comment: "ổn", At: t3}, HandoffAt: &t3},
			func(c *chat.Conversation) error {
				if c.Rating == nil || c.Rating.Stars != 4 || c.Rating.Comment != "ổn" || !c.Rating.At.Equal(t3) || c.HandoffAt == nil || !c.HandoffAt.Equal(t3) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"reopen clears resolvedAt, keeps firstResolvedAt", chat.ConversationUpdate{Status: ptr(chat.StatusWaiting), ResolvedAt: &time.Time{}, HandoffAt: &time.Time{}, UpdatedAt: t3},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusWaiting || c.ResolvedAt != nil || c.HandoffAt != nil || c.FirstResolvedAt == nil || c.Rating == nil {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
	}
	for _, st := range steps {
		if err := s.UpdateConversation(ctx, "c1", st.u); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if err := st.check(mustGet(t, s, "c1")); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	if err := s.UpdateConversation(ctx, "missing", chat.ConversationUpdate{UpdatedAt: t1}); !isNotFound(err) {
		t.Fatalf("update missing: err = %v, want not found", err)
	}
	// An update that sets nothing is not sent to storage at all.
	if err := s.UpdateConversation(ctx, "missing", chat.ConversationUpdate{}); err != nil {
		t.Fatalf("empty update of a missing conversation: %v, want nil", err)
	}
}

func testTouchConversations(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	mustCreate(t, s, newConv("c1", "An", "", chat.StatusWaiting, "", t0), newConv("c2", "Ba", "", chat.StatusWaiting, "", t0))
	preview := func(seq int64) *chat.Preview {
		return &chat.Preview{Seq: seq, Text: fmt.Sprint("m", seq), SenderType: chat.SenderVisitor, At: t0.Add(time.Duration(seq) * time.Second)}
	}
	steps := []struct {
		name        string
		touches     []chat.ConversationTouch
		wantSeq     map[string]int64 // 0: no preview
		wantUnread  map[string][2]int64
		wantUpdated map[string]time.Time
	}{
		{"first preview",
			[]chat.ConversationTouch{{ID: "c1", LastMessage: preview(5), UnreadAgent: ptr(int64(5)), UpdatedAt: t0.Add(5 * time.Second)}},
			map[string]int64{"c1": 5, "c2": 0}, map[string][2]int64{"c1": {5, 0}, "c2": {0, 0}},
			map[string]time.Time{"c1": t0.Add(5 * time.Second), "c2": t0}},
		{"a later touch overwrites, counters included",
			[]chat.ConversationTouch{{ID: "c1", LastMessage: preview(7), UnreadAgent: ptr(int64(0)), UpdatedAt: t0.Add(7 * time.Second)}},
			map[string]int64{"c1": 7}, map[string][2]int64{"c1": {0, 0}},
			map[string]time.Time{"c1": t0.Add(7 * time.Second)}},
		{"several conversations and an unknown id",
			[]chat.ConversationTouch{
				{ID: "c1", LastMessage: preview(9), UpdatedAt: t0.Add(9 * time.Second)},
				{ID: "c2", LastMessage: preview(2), UnreadVisit: ptr(int64(2)), UpdatedAt: t0.Add(2 * time.Second)},
				{ID: "nope", LastMessage: preview(1), UpdatedAt: t0},
			},
			map[string]int64{"c1": 9, "c2": 2}, map[string][2]int64{"c2": {0, 2}},
			map[string]time.Time{"c1": t0.Add(9 * time.Second), "c2": t0.Add(2 * time.Second)}},
		{"a read (zero updatedAt) keeps updatedAt",
			[]chat.ConversationTouch{{ID: "c2", UnreadVisit: ptr(int64(0))}},
			map[string]int64{"c2": 2}, map[string][2]int64{"c2": {0, 0}},
			map[string]time.Time{"c2": t0.Add(2 * time.Second)}},
		{"first response stamp",
			[]chat.ConversationTouch{{ID: "c2", FirstResponseAt: ptr(t0.Add(11 * time.Second)), UpdatedAt: t0.Add(11 * time.Second)}},
			map[string]int64{"c2": 2}, nil,
			map[string]time.Time{"c2": t0.Add(11 * time.Second)}},
		{"read receipts: a read keeps updatedAt",
			[]chat.ConversationTouch{{ID: "c2", AgentReadSeq: ptr(int64(2))}, {ID: "c1", VisitorReadSeq: ptr(int64(9))}},
			map[string]int64{"c1": 9, "c2": 2}, nil,
			map[string]time.Time{"c1": t0.Add(9 * time.Second), "c2": t0.Add(11 * time.Second)}},
		{"empty call", nil, map[string]int64{"c1": 9, "c2": 2}, nil, nil},
	}
	for _, st := range steps {
		if err := s.TouchConversations(ctx, st.touches); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for id, seq := range st.wantSeq {
			c := mustGet(t, s, id)
			switch {
			case seq == 0 && c.LastMessage != nil:
				t.Errorf("%s: %s preview = %+v, want none", st.name, id, c.LastMessage)
			case seq != 0 && (c.LastMessage == nil || c.LastMessage.Seq != seq || c.LastMessage.Text != fmt.Sprint("m", seq) || !c.LastMessage.At.Equal(preview(seq).At)):
				t.Errorf("%s: %s preview = %+v, want seq %d", st.name, id, c.LastMessage, seq)
			}
		}
		for id, n := range st.wantUnread {
			if c := mustGet(t, s, id); c.UnreadAgent != n[0] || c.UnreadVisit != n[1] {
				t.Errorf("%s: %s unread = %d/%d, want %d/%d", st.name, id, c.UnreadAgent, c.UnreadVisit, n[0], n[1])
			}
		}
		for id, at := range st.wantUpdated {
			if c := mustGet(t, s, id); !c.UpdatedAt.Equal(at) {
				t.Errorf("%s: %s updatedAt = %v, want %v", st.name, id, c.UpdatedAt, at)
			}
		}
	}
	if c := mustGet(t, s, "c2"); c.FirstResponseAt == nil || !c.FirstResponseAt.Equal(t0.Add(11*time.Second)) {
		t.Errorf("firstResponseAt = %v", c.FirstResponseAt)
	}
	if c1, c2 := mustGet(t, s, "c1"), mustGet(t, s, "c2"); c2.AgentReadSeq != 2 || c2.VisitorReadSeq != 0 || c1.VisitorReadSeq != 9 || c1.AgentReadSeq != 0 {
		t.Errorf("read receipts c1 %d/%d c2 %d/%d, want agent/visitor 0/9 and 2/0", c1.AgentReadSeq, c1.VisitorReadSeq, c2.AgentReadSeq, c2.VisitorReadSeq)
	}
	// More touches than one bulk chunk of the MongoDB adapter.
	var many []chat.ConversationTouch
	for i := 0; i < 45; i++ {
		id := fmt.Sprintf("bulk%02d", i)
		mustCreate(t, s, newConv(id, "Bulk", "", chat.StatusWaiting, "", t0))
		many = append(many, chat.ConversationTouch{ID: id, LastMessage: preview(int64(i + 1)), UpdatedAt: t0.Add(time.Hour)})
	}
	must(t, s.TouchConversations(ctx, many))
	for i := 0; i < 45; i++ {
		if c := mustGet(t, s, fmt.Sprintf("bulk%02d", i)); c.LastMessage == nil || c.LastMessage.Seq != int64(i+1) {
			t.Fatalf("bulk%02d preview = %+v", i, c.LastMessage)
		}
	}
}

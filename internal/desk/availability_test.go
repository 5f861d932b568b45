package desk

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Issue 14: online for visitors means an agent available to take the chat
// (online, not away, within office hours); what a visitor leaves while
// nobody can is marked and waits, oldest first; waiting visitors learn
// where they stand; read receipts; notices the widget can word.

// presenceEvents returns the onlineCount of every agent.presence event so far.
func (d *testDesk) presenceCounts() []int {
	var out []int
	for _, r := range d.events.matching(protocol.EvtAgentPresence, nil) {
		var p protocol.AgentPresence
		if json.Unmarshal(r.head.Data, &p) == nil {
			out = append(out, p.OnlineCount)
		}
	}
	return out
}

func (d *testDesk) setStatus(a *chat.Agent, status string) {
	d.t.Helper()
	if err := d.core.Presence.SetAgentStatus(d.ctx, agentActor(a), status); err != nil {
		d.t.Fatal(err)
	}
}

func (d *testDesk) widgetConfig() WidgetConfig {
	d.t.Helper()
	w, err := d.core.Admin.PublicWidgetConfig(d.ctx)
	if err != nil {
		d.t.Fatal(err)
	}
	return w
}

// saveHours stores office hours as an admin would (validated).
func (d *testDesk) saveHours(h chat.OfficeHours) {
	d.t.Helper()
	admin := d.agent(fmt.Sprintf("Quản trị %d", time.Now().UnixNano()), chat.RoleAdmin)
	if _, err := d.core.Admin.SaveOfficeHours(d.ctx, agentActor(admin), h); err != nil {
		d.t.Fatal(err)
	}
}

func TestAwayAgentsAreNotOnlineForVisitors(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an, binh, chi := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent), d.agent("Chi", chat.RoleAdmin)
	for _, a := range []*chat.Agent{an, binh, chi} {
		d.online(a)
	}
	if !d.core.Presence.SupportOnline(d.ctx) || !d.widgetConfig().SupportOnline {
		t.Fatal("three agents available: support is online")
	}
	for _, a := range []*chat.Agent{an, binh, chi} {
		d.setStatus(a, "away")
	}
	if d.core.Presence.SupportOnline(d.ctx) {
		t.Fatal("every agent away: SupportOnline says someone is there")
	}
	if d.widgetConfig().SupportOnline {
		t.Fatal("every agent away: the widget config says someone is there")
	}
	eventually(t, "presence events", func() (bool, string) {
		counts := d.presenceCounts()
		return len(counts) >= 6 && counts[len(counts)-1] == 0, fmt.Sprint(counts)
	})
	if counts := d.presenceCounts(); fmt.Sprint(counts[len(counts)-3:]) != "[2 1 0]" {
		t.Fatalf("onlineCount of the away announcements %v, want 2, 1, 0 (away agents cannot take a chat)", counts)
	}
	// A visitor arriving now is not assigned; the message is marked as left.
	c := d.newConversation("Khách", "Có ai không ạ?")
	if c.Status != chat.StatusWaiting || c.LeftMessage != chat.LeftNoAgent {
		t.Fatalf("conversation %s, leftMessage %q; want waiting, %q", c.Status, c.LeftMessage, chat.LeftNoAgent)
	}
	if stored := d.conversation(c.ID); stored.LeftMessage != chat.LeftNoAgent {
		t.Fatalf("stored leftMessage %q", stored.LeftMessage)
	}
	// One comes back: online for visitors again, and the queue drains.
	d.setStatus(binh, "online")
	if !d.core.Presence.SupportOnline(d.ctx) {
		t.Fatal("Bình back: support is online")
	}
	eventually(t, "the waiting conversation assigned to Bình", func() (bool, string) {
		got := d.conversation(c.ID)
		return got.AssigneeID == binh.ID, string(got.Status) + " " + got.AssigneeName
	})
	if counts := d.presenceCounts(); counts[len(counts)-1] != 1 {
		t.Fatalf("onlineCount after Bình's return %v, want 1", counts)
	}
}

func TestBotAnswersWhenEveryAgentIsAway(t *testing.T) {
	bot := &scriptedBot{answer: "Dạ, nhân viên sẽ liên hệ lại ạ."}
	d := newTestDesk(t, testOptions{bot: bot})
	d.enableBot(0)
	an := d.agent("An", chat.RoleAgent)
	d.online(an)
	d.setStatus(an, "away")
	c := d.newConversation("Khách", "Còn hàng không?")
	d.settle()
	if got := botMessages(d.transcript(c.ID)); got != 1 {
		t.Fatalf("%d bot answers with the only agent away, want 1 (nobody can answer)", got)
	}
}

// weekHours: Monday–Friday 08:00–17:30, Saturday 08:00–12:00, Sunday off.
func weekHours() chat.OfficeHours {
	h := chat.DefaultOfficeHours()
	h.Enabled = true
	return h
}

func TestOfficeHoursGateAssignmentAndTheQueueDrainsAtOpening(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	// Friday 4 December 2026, 18:00 in Vietnam: after closing time.
	d.clock.Advance(time.Date(2026, 12, 4, 18, 0, 0, 0, chat.Vietnam).Sub(d.clock.Now()))
	d.saveHours(weekHours())
	an := d.agent("An", chat.RoleAgent)
	d.online(an) // online, not away, but outside the hours
	if d.core.Presence.SupportOnline(d.ctx) {
		t.Fatal("outside office hours support is online")
	}
	w := d.widgetConfig()
	wantNext := time.Date(2026, 12, 5, 8, 0, 0, 0, chat.Vietnam) // Saturday morning
	if w.SupportOnline || w.Open || w.NextOpen == nil || !w.NextOpen.Equal(wantNext) {
		t.Fatalf("widget config %+v; want closed, opening %s", w, wantNext)
	}
	if w.AwayMessage == "" || w.ReplyTime == "" {
		t.Fatalf("widget config without the away message or reply time: %+v", w)
	}
	var ids []string
	for i := 0; i < 3; i++ {
		c := d.newConversation(fmt.Sprintf("Khách %d", i), "Tôi cần tư vấn.")
		if c.Status != chat.StatusWaiting || c.LeftMessage != chat.LeftOutsideHours {
			t.Fatalf("outside hours: %s, leftMessage %q", c.Status, c.LeftMessage)
		}
		ids = append(ids, c.ID)
		d.advance(time.Minute)
	}
	d.core.janitor.tick() // a drain outside the hours assigns nothing
	for _, id := range ids {
		if got := d.conversation(id); got.Status != chat.StatusWaiting {
			t.Fatalf("drained outside the hours: %s %s", got.Status, got.AssigneeName)
		}
	}
	// Saturday 08:00: the janitor's drain hands them out, oldest first.
	d.advance(wantNext.Sub(d.clock.Now()) + time.Second)
	if !d.core.Presence.SupportOnline(d.ctx) {
		t.Fatal("within the hours with An online: support is online")
	}
	d.core.janitor.tick()
	var assigned []string
	eventually(t, "assignment events", func() (bool, string) {
		assigned = nil
		for _, r := range d.events.matching(protocol.EvtConversationUpdated, nil) {
			var cc protocol.ConversationChanged
			if json.Unmarshal(r.head.Data, &cc) == nil && r.topic == AgentsTopic && cc.Change == string(chat.ChangeAssigned) {
				assigned = append(assigned, cc.Conversation.ID)
			}
		}
		return len(assigned) == 3, d.events.summary()
	})
	if fmt.Sprint(assigned) != fmt.Sprint(ids) {
		t.Fatalf("assigned %v at opening, want oldest first %v", assigned, ids)
	}
	for _, id := range ids {
		if got := d.conversation(id); got.AssigneeID != an.ID || got.LeftMessage != chat.LeftOutsideHours {
			t.Fatalf("%s: %s %q leftMessage %q; want An's, still marked as left outside hours", id, got.Status, got.AssigneeName, got.LeftMessage)
		}
	}
}

func TestOfficeHoursValidatedAndAdminOnly(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an := d.agent("An", chat.RoleAgent)
	if _, err := d.core.Admin.SaveOfficeHours(d.ctx, agentActor(an), weekHours()); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("an agent saving office hours: %v, want forbidden", err)
	}
	admin := d.agent("Quản trị", chat.RoleAdmin)
	bad := weekHours()
	bad.Week[2] = chat.DayHours{Open: true, From: "17:00", To: "09:00"}
	if _, err := d.core.Admin.SaveOfficeHours(d.ctx, agentActor(admin), bad); chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("closing before opening: %v, want invalid_input", err)
	}
	if h, err := d.core.Admin.OfficeHours(d.ctx, agentActor(admin)); err != nil || h.Enabled {
		t.Fatalf("office hours after a refused save: %+v, %v; want the defaults (off)", h, err)
	}
}

func TestQueuePositionsAndTypicalWait(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	// Yesterday's answered conversations: first answers after 1, 2, 3 and
	// 10 minutes (median 3 min), and a message left overnight (not counted).
	an := d.agent("An", chat.RoleAgent)
	d.online(an)
	for _, mins := range []int{1, 2, 3, 10} {
		c := d.newConversation("Hôm qua", "")
		d.advance(time.Duration(mins) * time.Minute)
		if _, _, err := d.core.Messages.SendMessage(d.ctx, agentActor(an), c.ID, chat.NewID(), "Dạ em chào anh."); err != nil {
			t.Fatal(err)
		}
		d.advance(time.Hour)
	}
	d.core.touches.flush(true)
	d.offline(an)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, d.newConversation(fmt.Sprintf("Khách %d", i), "").ID)
		d.clock.Advance(time.Second)
	}
	q, err := d.core.Conversations.Queue(d.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if p := q.Of(id); p == nil || p.Position != i+1 || p.WaitSeconds != 180 {
			t.Fatalf("conversation %d: %+v, want position %d, typical wait 180 s", i, p, i+1)
		}
	}
	// The visitor may ask for its own position; another visitor may not.
	c := d.conversation(ids[1])
	if p, err := d.core.Conversations.QueuePosition(d.ctx, visitorOf(c), c.ID); err != nil || p.Position != 2 {
		t.Fatalf("own position: %+v, %v", p, err)
	}
	other := d.conversation(ids[0])
	if _, err := d.core.Conversations.QueuePosition(d.ctx, visitorOf(other), c.ID); err == nil {
		t.Fatal("a visitor read another conversation's position")
	}
	// The first one is taken: the others move up.
	if _, err := d.core.Conversations.Claim(d.ctx, agentActor(an), ids[0]); err != nil {
		t.Fatal(err)
	}
	q, _ = d.core.Conversations.Queue(d.ctx)
	if q.Position(ids[0]) != 0 || q.Position(ids[1]) != 1 || q.Position(ids[2]) != 2 {
		t.Fatalf("after a claim: %v", q.Waiting)
	}
}

// followConversation makes the watching bus receive a conversation's topic.
func (d *testDesk) followConversation(id string) {
	d.t.Helper()
	if err := d.events.bus.Subscribe(d.ctx, ConversationTopic(id)); err != nil {
		d.t.Fatal(err)
	}
}

// receipts returns the read seqs of the conversation.updated "read" events
// published on the conversation's topic.
func (d *testDesk) receipts(id string) []string {
	var out []string
	for _, r := range d.events.matching(protocol.EvtConversationUpdated, func(r recorded) bool { return r.topic == ConversationTopic(id) }) {
		var cc protocol.ConversationChanged
		if json.Unmarshal(r.head.Data, &cc) == nil && cc.Change == chat.ChangeRead {
			out = append(out, fmt.Sprintf("agent %d visitor %d", cc.Conversation.AgentReadSeq, cc.Conversation.VisitorReadSeq))
		}
	}
	return out
}

func TestReadReceiptsOfTheOwnerAndTheVisitor(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an, binh := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent)
	d.online(an)
	c := d.newConversation("Khách", "Cho tôi hỏi giá.") // seq 1; assigned to An (seq 2, a notice)
	d.followConversation(c.ID)
	if c.AssigneeID != an.ID {
		t.Fatalf("assigned to %q", c.AssigneeName)
	}
	// The visitor has seen the notice (seq 2); another agent looking at
	// the conversation tells the visitor nothing.
	if err := d.core.Messages.MarkRead(d.ctx, visitorOf(c), c.ID, 2); err != nil {
		t.Fatal(err)
	}
	if err := d.core.Messages.MarkRead(d.ctx, agentActor(binh), c.ID, 1); err != nil {
		t.Fatal(err)
	}
	// The owner reads the visitor's message.
	if err := d.core.Messages.MarkRead(d.ctx, agentActor(an), c.ID, 1); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the owner's receipt on the conversation's topic", func() (bool, string) {
		r := d.receipts(c.ID)
		return len(r) == 2 && r[1] == "agent 1 visitor 2", fmt.Sprint(r)
	})
	// An answers (seq 3); the visitor reads up to a seq beyond what exists.
	if _, _, err := d.core.Messages.SendMessage(d.ctx, agentActor(an), c.ID, "a1", "Dạ, giá 5 triệu ạ."); err != nil {
		t.Fatal(err)
	}
	if err := d.core.Messages.MarkRead(d.ctx, visitorOf(c), c.ID, 99); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the visitor's receipt", func() (bool, string) {
		r := d.receipts(c.ID)
		return len(r) == 3 && r[2] == "agent 1 visitor 3", fmt.Sprint(r)
	})
	// Reading the same again publishes nothing; the receipts are stored.
	if err := d.core.Messages.MarkRead(d.ctx, visitorOf(c), c.ID, 3); err != nil {
		t.Fatal(err)
	}
	d.core.touches.flush(true)
	if got := d.conversation(c.ID); got.AgentReadSeq != 1 || got.VisitorReadSeq != 3 {
		t.Fatalf("stored receipts agent %d visitor %d, want 1 and 3", got.AgentReadSeq, got.VisitorReadSeq)
	}
	if r := d.receipts(c.ID); len(r) != 3 {
		t.Fatalf("receipts %v: a read that moves nothing published", r)
	}
}

func TestSystemNoticesCarryTheirCode(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	c := d.newConversation("Khách", "")
	if _, err := d.core.Conversations.Handoff(d.ctx, visitorOf(c), c.ID); err != nil {
		t.Fatal(err)
	}
	an := d.agent("An", chat.RoleAgent)
	if _, err := d.core.Conversations.Claim(d.ctx, agentActor(an), c.ID); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range d.transcript(c.ID) {
		if m.SenderType == chat.SenderSystem && m.Notice != nil {
			got = append(got, m.Notice.Code+":"+m.Notice.Name+":"+m.Text)
		}
	}
	want := []string{"handoff::Khách muốn gặp nhân viên hỗ trợ.", "joined:An:An đã tham gia cuộc trò chuyện."}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("notices %q, want %q", got, want)
	}
}

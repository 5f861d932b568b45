package desk

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

func TestRotationIsFairAmongAvailableAgents(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an, binh, chi := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent), d.agent("Chi", chat.RoleAgent)
	d.agent("Dũng", chat.RoleAgent) // never online: never assigned
	for _, a := range []*chat.Agent{an, binh, chi} {
		d.online(a)
	}
	if err := d.core.Presence.SetAgentStatus(d.ctx, agentActor(chi), "away"); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var order []string
	for i := 0; i < 20; i++ {
		c := d.newConversation(fmt.Sprintf("Khách %d", i), "")
		if c.Status != chat.StatusAssigned {
			t.Fatalf("conversation %d left %s with two agents available", i, c.Status)
		}
		count[c.AssigneeName]++
		order = append(order, c.AssigneeName)
	}
	if count["An"] != 10 || count["Bình"] != 10 {
		t.Fatalf("assignments %v, want 10/10 between the two available agents (away and offline get none)", count)
	}
	for i := 1; i < len(order); i++ {
		if order[i] == order[i-1] {
			t.Fatalf("rotation gave %s two in a row: %v", order[i], order)
		}
	}
}

func TestDefaultAgentWhileAvailableThenRotation(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an, binh := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent)
	d.online(an)
	d.online(binh)
	set := chat.DefaultSettings()
	set.AssignmentMode, set.DefaultAgentID = chat.AssignDefault, binh.ID
	if err := d.store.SaveSettings(d.ctx, set); err != nil {
		t.Fatal(err)
	}
	d.core.settings.invalidate()
	for i := 0; i < 3; i++ {
		if c := d.newConversation("Khách", ""); c.AssigneeID != binh.ID {
			t.Fatalf("default mode assigned %q, want Bình", c.AssigneeName)
		}
	}
	d.offline(binh)
	if c := d.newConversation("Khách", ""); c.AssigneeID != an.ID {
		t.Fatalf("default agent offline: assigned %q, want An (no chat parked on an offline agent)", c.AssigneeName)
	}
}

func TestQueueDrainsOldestFirstWhenAnAgentComesOnline(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	var ids []string
	for i := 0; i < 3; i++ {
		c := d.newConversation(fmt.Sprintf("Khách %d", i), "")
		if c.Status != chat.StatusWaiting {
			t.Fatalf("nobody online, conversation %s", c.Status)
		}
		ids = append(ids, c.ID)
		d.clock.Advance(time.Second)
	}
	an := d.agent("An", chat.RoleAgent)
	d.online(an) // drains in the background
	eventually(t, "queue drained", func() (bool, string) {
		var states []string
		for _, id := range ids {
			states = append(states, string(d.conversation(id).Status))
		}
		return fmt.Sprint(states) == "[assigned assigned assigned]", fmt.Sprint(states)
	})
	// Oldest first: the assignment events went out in creation order.
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
		t.Fatalf("drained %v, want oldest first %v", assigned, ids)
	}
	for _, id := range ids {
		ms := d.transcript(id)
		if last := ms[len(ms)-1]; last.SenderType != chat.SenderSystem || last.Text != "An đã tham gia cuộc trò chuyện." {
			t.Fatalf("no assignment notice in %s: %+v", id, last)
		}
	}
}

func TestGracePeriodReturnsAnOfflineOwnersConversations(t *testing.T) {
	d := newTestDesk(t, testOptions{grace: 2 * time.Minute})
	an, binh := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent)
	d.online(an)
	c := d.newConversation("Khách", "")
	if c.AssigneeID != an.ID {
		t.Fatalf("assigned to %q", c.AssigneeName)
	}
	d.offline(an)
	d.online(binh)

	d.advance(time.Minute)
	d.core.janitor.tick()
	if got := d.conversation(c.ID); got.AssigneeID != an.ID || got.Status != chat.StatusAssigned {
		t.Fatalf("within the grace period: %s %q", got.Status, got.AssigneeName)
	}

	d.advance(time.Minute + time.Second)
	d.core.janitor.tick()
	got := d.conversation(c.ID)
	if got.AssigneeID != binh.ID {
		t.Fatalf("past the grace period: %s %q, want reassigned to Bình", got.Status, got.AssigneeName)
	}
	if owner, _, _ := d.coord.Owner(d.ctx, c.ID); owner != binh.ID {
		t.Fatalf("reply lock %q, want Bình's", owner)
	}
	var notices []string
	for _, m := range d.transcript(c.ID) {
		if m.SenderType == chat.SenderSystem {
			notices = append(notices, m.Text)
		}
	}
	want := []string{"An đã tham gia cuộc trò chuyện.", "An hiện không trực tuyến. Cuộc trò chuyện đang chờ nhân viên khác.", "Bình đã tham gia cuộc trò chuyện."}
	if fmt.Sprint(notices) != fmt.Sprint(want) {
		t.Fatalf("notices %q, want %q", notices, want)
	}
	// The grace period is handed out once: another tick changes nothing.
	d.core.janitor.tick()
	if again := d.transcript(c.ID); len(again) != len(d.transcript(c.ID)) || d.conversation(c.ID).AssigneeID != binh.ID {
		t.Fatal("a second tick requeued again")
	}
}

func TestAnAgentBackWithinGraceKeepsTheConversation(t *testing.T) {
	d := newTestDesk(t, testOptions{grace: 2 * time.Minute})
	an, binh := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent)
	d.online(an)
	c := d.newConversation("Khách", "")
	d.offline(an)
	d.online(binh)
	d.advance(time.Minute)
	d.online(an) // a page reload, a flaky network
	d.advance(2 * time.Minute)
	d.core.janitor.tick()
	if got := d.conversation(c.ID); got.AssigneeID != an.ID {
		t.Fatalf("an owner back within the grace period lost the conversation to %q", got.AssigneeName)
	}
}

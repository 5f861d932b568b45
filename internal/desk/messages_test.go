package desk

import (
	"fmt"
	"sync"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func TestReplyLockRules(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an, binh := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent)
	admin := d.agent("Quản trị", chat.RoleAdmin)
	d.online(an)
	c := d.newConversation("Khách", "")
	if c.AssigneeID != an.ID {
		t.Fatalf("assigned to %q", c.AssigneeName)
	}
	send := func(who Actor, text string) error {
		_, _, err := d.core.Messages.SendMessage(d.ctx, who, c.ID, chat.NewID(), text)
		return err
	}
	steps := []struct {
		name string
		do   func() error
		code string
	}{
		{"the owner sends", func() error { return send(agentActor(an), "Chào anh") }, ""},
		{"another agent may not", func() error { return send(agentActor(binh), "Tôi đây") }, chat.ENOTASSIGNED},
		{"nor type", func() error { return d.core.Messages.SetTyping(d.ctx, agentActor(binh), c.ID, true) }, chat.ENOTASSIGNED},
		{"nor transfer", func() error {
			_, err := d.core.Conversations.Transfer(d.ctx, agentActor(binh), c.ID, binh.ID)
			return err
		}, chat.ENOTASSIGNED},
		{"nor resolve", func() error {
			_, err := d.core.Conversations.Resolve(d.ctx, agentActor(binh), c.ID)
			return err
		}, chat.ENOTASSIGNED},
		{"nor claim", func() error {
			_, err := d.core.Conversations.Claim(d.ctx, agentActor(binh), c.ID)
			return err
		}, chat.EASSIGNED},
		{"the visitor sends", func() error { return send(visitorOf(c), "Dạ") }, ""},
		{"another visitor gets not_found", func() error { return send(Actor{Visitor: true, ConversationID: "other"}, "x") }, chat.ENOTFOUND},
		{"an admin transfers to Bình", func() error {
			_, err := d.core.Conversations.Transfer(d.ctx, agentActor(admin), c.ID, binh.ID)
			return err
		}, ""},
		{"the old owner is refused at once", func() error { return send(agentActor(an), "Còn tôi?") }, chat.ENOTASSIGNED},
		{"the new owner sends", func() error { return send(agentActor(binh), "Tôi nhận") }, ""},
		{"Redis forgets every lock", func() error { d.coord.Forget(); return nil }, ""},
		{"the owner is restored from the mirror", func() error { return send(agentActor(binh), "Vẫn là tôi") }, ""},
		{"and nobody else", func() error { return send(agentActor(an), "Thử lại") }, chat.ENOTASSIGNED},
		{"the owner resolves", func() error {
			_, err := d.core.Conversations.Resolve(d.ctx, agentActor(binh), c.ID)
			return err
		}, ""},
		{"nobody replies in a resolved conversation", func() error { return send(agentActor(binh), "Sau khi kết thúc") }, chat.ENOTASSIGNED},
	}
	for _, s := range steps {
		if err := s.do(); chat.ErrorCode(err) != s.code {
			t.Fatalf("%s: %v, want code %q", s.name, err, s.code)
		}
	}
	assertGapFree(t, d.transcript(c.ID))
}

func TestRacingClaimsHaveOneWinner(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	c := d.newConversation("Khách", "") // nobody online: waiting
	var agents []*chat.Agent
	for i := 0; i < 8; i++ {
		agents = append(agents, d.agent(fmt.Sprintf("NV%d", i), chat.RoleAgent))
	}
	var wg sync.WaitGroup
	won := make(chan string, len(agents))
	for _, a := range agents {
		wg.Add(1)
		go func(a *chat.Agent) {
			defer wg.Done()
			if got, err := d.core.Conversations.Claim(d.ctx, agentActor(a), c.ID); err == nil && got.AssigneeID == a.ID {
				won <- a.ID
			} else if code := chat.ErrorCode(err); err != nil && code != chat.EASSIGNED && code != chat.ECONFLICT {
				t.Errorf("claim: %v", err)
			}
		}(a)
	}
	wg.Wait()
	close(won)
	var winners []string
	for id := range won {
		winners = append(winners, id)
	}
	if len(winners) != 1 {
		t.Fatalf("%d winners", len(winners))
	}
	if owner, _, _ := d.coord.Owner(d.ctx, c.ID); owner != winners[0] || d.conversation(c.ID).AssigneeID != winners[0] {
		t.Fatalf("lock %q and mirror %q disagree with the winner %q", owner, d.conversation(c.ID).AssigneeID, winners[0])
	}
}

func TestResendIsStoredOnce(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	c := d.newConversation("Khách", "")
	first, resent, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, "cid-1", "Xin chào")
	if err != nil || resent {
		t.Fatalf("first send: %v resent=%v", err, resent)
	}
	again, resent, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, "cid-1", "Xin chào")
	if err != nil || !resent || again.ID != first.ID || again.Seq != first.Seq {
		t.Fatalf("resend: %v resent=%v %+v vs %+v", err, resent, again, first)
	}
	// Also after Redis forgot the client id: the unique index decides.
	d.coord.Forget()
	again, resent, err = d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, "cid-1", "Xin chào")
	if err != nil || !resent || again.ID != first.ID {
		t.Fatalf("resend after Redis forgot: %v resent=%v %+v", err, resent, again)
	}
	if ms := d.transcript(c.ID); len(ms) != 1 {
		t.Fatalf("%d messages stored", len(ms))
	}
}

func TestAFailedWriteGivesItsSeqBack(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	c := d.newConversation("Khách", "")
	if _, _, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, "a", "một"); err != nil {
		t.Fatal(err)
	}
	d.store.SetDown(true)
	if _, _, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, "b", "hai"); chat.ErrorCode(err) != chat.EUNAVAILABLE {
		t.Fatalf("send with MongoDB down: %v, want unavailable", err)
	}
	d.store.SetDown(false)
	// The client retries with the same clientId, and another message follows.
	for _, m := range []struct{ cid, text string }{{"b", "hai"}, {"c", "ba"}} {
		if _, _, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, m.cid, m.text); err != nil {
			t.Fatal(err)
		}
	}
	ms := d.transcript(c.ID)
	assertGapFree(t, ms)
	if len(ms) != 3 || ms[1].Text != "hai" {
		t.Fatalf("transcript %+v", ms)
	}
}

// The counter can end up behind what is stored (Redis restored from an old
// snapshot, an asynchronous replica promoted): the write then meets the
// unique (conversation, seq) index, and the core moves the counter past the
// stored maximum and retries, without a gap or a duplicate.
func TestSeqConflictIsRetriedPastTheStoredMaximum(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	c := d.newConversation("Khách", "")
	for i := 0; i < 3; i++ {
		if _, _, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, fmt.Sprint("m", i), "tin"); err != nil {
			t.Fatal(err)
		}
	}
	d.coord.Forget()
	if err := d.coord.InitSeq(d.ctx, c.ID, 1); err != nil { // a stale seed
		t.Fatal(err)
	}
	m, _, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, "after", "sau")
	if err != nil {
		t.Fatal(err)
	}
	if m.Seq != 4 {
		t.Fatalf("seq %d after the conflict, want 4", m.Seq)
	}
	assertGapFree(t, d.transcript(c.ID))
}

func TestConcurrentSendersGetGapFreeSeqs(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an := d.agent("An", chat.RoleAgent)
	d.online(an)
	c := d.newConversation("Khách", "")
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			who := visitorOf(c)
			if i%2 == 1 {
				who = agentActor(an)
			}
			if _, _, err := d.core.Messages.SendMessage(d.ctx, who, c.ID, fmt.Sprint("c", i), "tin"); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	ms := d.transcript(c.ID)
	assertGapFree(t, ms)
	if len(ms) != 41 { // 40 and the assignment notice
		t.Fatalf("%d messages", len(ms))
	}
}

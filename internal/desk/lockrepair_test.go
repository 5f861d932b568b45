package desk

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// After a failover to a replica that missed the last lock changes, the
// locks say what Redis had before them; the documents say what was
// acknowledged. A re-established bus connection repairs the locks from the
// documents.
func TestLocksAreRepairedFromTheirMirrorsAfterRedisLostWrites(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an, binh := d.agent("An", chat.RoleAgent), d.agent("Bình", chat.RoleAgent)
	d.online(an)
	transferred := d.newConversation("Chuyển", "")
	resolved := d.newConversation("Kết thúc", "")
	kept := d.newConversation("Giữ", "")
	if _, err := d.core.Conversations.Transfer(d.ctx, agentActor(an), transferred.ID, binh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.core.Conversations.Resolve(d.ctx, agentActor(an), resolved.ID); err != nil {
		t.Fatal(err)
	}
	// The failover: Redis is back to before the transfer and the resolve.
	if _, err := d.coord.Transfer(d.ctx, transferred.ID, binh.ID, an.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.coord.Claim(d.ctx, resolved.ID, an.ID); err != nil {
		t.Fatal(err)
	}
	send := func(who *chat.Agent, id string) error {
		_, _, err := d.core.Messages.SendMessage(d.ctx, agentActor(who), id, chat.NewID(), "tin")
		return err
	}
	if err := send(an, transferred.ID); err != nil {
		t.Fatalf("before the repair the stale lock lets the old owner send: %v", err)
	}
	bus := d.busOf()
	if err := bus.Subscribe(d.ctx, AgentsTopic); err != nil { // as the hub does
		t.Fatal(err)
	}
	bus.Disconnect()
	bus.Reconnect()
	eventually(t, "locks repaired", func() (bool, string) {
		o1, _, _ := d.coord.Owner(d.ctx, transferred.ID)
		_, ghost, _ := d.coord.Owner(d.ctx, resolved.ID)
		o3, _, _ := d.coord.Owner(d.ctx, kept.ID)
		return o1 == binh.ID && !ghost && o3 == an.ID, "transferred " + o1 + ", kept " + o3
	})
	if err := send(an, transferred.ID); chat.ErrorCode(err) != chat.ENOTASSIGNED {
		t.Fatalf("old owner after the repair: %v, want not_assigned", err)
	}
	if err := send(binh, transferred.ID); err != nil {
		t.Fatalf("new owner after the repair: %v", err)
	}
	if _, err := d.core.Conversations.Reopen(d.ctx, agentActor(binh), resolved.ID); err != nil {
		t.Fatalf("the ghost lock still blocks a reopen: %v", err)
	}
}

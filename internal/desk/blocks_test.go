package desk

import (
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func (d *testDesk) newConversationFrom(phone, ip string) (*Created, error) {
	return d.core.Conversations.CreateConversation(d.ctx, NewConversation{
		Fields: map[string]any{chat.KeyName: "Khách", chat.KeyPhone: phone}, IP: ip,
	})
}

// A block keeps its visitor from opening conversations and from sending,
// by conversation, phone, address or network, until it expires or an
// admin lifts it.
func TestBlocks(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an := agentActor(d.agent("An", chat.RoleAgent))
	admin := agentActor(d.agent("Admin", chat.RoleAdmin))
	spam, err := d.newConversationFrom("0912000001", "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	visitor := Actor{Visitor: true, ConversationID: spam.Conversation.ID, IP: "203.0.113.7"}
	day := 24 * time.Hour

	// By visitor: that conversation cannot send; the agent still can reply.
	if _, err := d.core.Blocks.Add(d.ctx, an, BlockInput{Kind: "visitor", ConversationID: spam.Conversation.ID, Reason: "quấy rối", Duration: day}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.core.Messages.SendMessage(d.ctx, visitor, spam.Conversation.ID, "m1", "alo"); chat.ErrorCode(err) != chat.EBLOCKED {
		t.Fatalf("blocked visitor sends: %v", err)
	}
	if _, err := d.core.Conversations.Claim(d.ctx, an, spam.Conversation.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.core.Messages.SendMessage(d.ctx, an, spam.Conversation.ID, "a1", "Chào anh"); err != nil {
		t.Fatalf("the agent replies to a blocked visitor: %v", err)
	}

	// By phone, taken from the conversation: a new conversation with it is
	// refused, from any address; another phone is not.
	phone, err := d.core.Blocks.Add(d.ctx, an, BlockInput{Kind: "phone", ConversationID: spam.Conversation.ID, Duration: day})
	if err != nil || phone.Value != "0912000001" {
		t.Fatalf("phone block: %+v %v", phone, err)
	}
	if _, err := d.newConversationFrom("0912 000 001", "198.51.100.1"); chat.ErrorCode(err) != chat.EBLOCKED || chat.ErrorMessage(err) == "" {
		t.Fatalf("blocked phone opens a conversation: %v", err)
	}
	if _, err := d.newConversationFrom("0912000002", "198.51.100.1"); err != nil {
		t.Fatalf("another phone: %v", err)
	}

	// By network: the conversation's /24.
	net, err := d.core.Blocks.Add(d.ctx, an, BlockInput{Kind: "network", ConversationID: spam.Conversation.ID, Duration: time.Hour})
	if err != nil || net.Kind != chat.BlockIP || net.Value != "203.0.113.0/24" {
		t.Fatalf("network block: %+v %v", net, err)
	}
	if _, err := d.newConversationFrom("0912000003", "203.0.113.99"); chat.ErrorCode(err) != chat.EBLOCKED {
		t.Fatalf("an address of the blocked network: %v", err)
	}
	// It expires.
	d.clock.Advance(time.Hour + time.Second)
	if _, err := d.newConversationFrom("0912000003", "203.0.113.99"); err != nil {
		t.Fatalf("after the block expired: %v", err)
	}

	// Admins list and lift blocks; agents cannot.
	if _, err := d.core.Blocks.List(d.ctx, an); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("an agent lists blocks: %v", err)
	}
	if err := d.core.Blocks.Remove(d.ctx, an, phone.ID); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("an agent lifts a block: %v", err)
	}
	all, err := d.core.Blocks.List(d.ctx, admin)
	if err != nil || len(all) != 3 || (all[0].ID != net.ID && all[1].ID != net.ID && all[2].ID != net.ID) {
		t.Fatalf("list: %d blocks, %v", len(all), err)
	}
	if err := d.core.Blocks.Remove(d.ctx, admin, phone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.newConversationFrom("0912000001", "198.51.100.1"); err != nil {
		t.Fatalf("after the phone block was lifted: %v", err)
	}
	if err := d.core.Blocks.Remove(d.ctx, admin, phone.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Fatalf("lifting twice: %v", err)
	}

	// Audited, the phone masked.
	log, _, err := d.store.AuditEntries(d.ctx, chat.AuditFilter{Actions: []string{chat.AuditBlockAdded, chat.AuditBlockRemoved}})
	if err != nil || len(log) != 4 {
		t.Fatalf("audit: %d entries, %v", len(log), err)
	}
	for _, e := range log {
		if e.ActorID == "" || e.Detail == "" || strings.Contains(e.Detail, "0912000001") {
			t.Fatalf("audit entry %+v", e)
		}
	}
}

func TestBlockInputIsChecked(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	an := agentActor(d.agent("An", chat.RoleAgent))
	for _, tt := range []struct {
		name  string
		in    BlockInput
		field string
	}{
		{"no duration", BlockInput{Kind: "phone", Value: "0912000001"}, "durationHours"},
		{"over a year", BlockInput{Kind: "phone", Value: "0912000001", Duration: 400 * 24 * time.Hour}, "durationHours"},
		{"a bad phone", BlockInput{Kind: "phone", Value: "12", Duration: time.Hour}, "value"},
		{"a carrier-wide network", BlockInput{Kind: "ip", Value: "10.0.0.0/8", Duration: time.Hour}, "value"},
		{"not an address", BlockInput{Kind: "ip", Value: "example.com", Duration: time.Hour}, "value"},
		{"an unknown kind", BlockInput{Kind: "email", Value: "a@b.vn", Duration: time.Hour}, "kind"},
		{"a network without a conversation", BlockInput{Kind: "network", Duration: time.Hour}, "value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.core.Blocks.Add(d.ctx, an, tt.in)
			e, ok := chat.AsError(err)
			if !ok || e.Code != chat.EINVALID || e.Fields[tt.field] == "" {
				t.Fatalf("err = %v, want invalid_input on %s", err, tt.field)
			}
		})
	}
	if _, err := d.core.Blocks.Add(d.ctx, Actor{Visitor: true, ConversationID: chat.NewID()}, BlockInput{Kind: "phone", Value: "0912000001", Duration: time.Hour}); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("a visitor blocks: %v", err)
	}
}

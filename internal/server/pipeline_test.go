package server

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Frames sent without waiting for acks: within a conversation the messages
// are stored in the order they were sent; an agent's sends to several
// conversations all succeed.
func TestPipelinedSendsKeepOrderPerConversation(t *testing.T) {
	n := startTeam(t)
	agent, _ := n.dial(n.anTok, 0)
	var convs []clienttest.Created
	for i := 0; i < 3; i++ {
		c := n.newConversation(fmt.Sprintf("Ống %d", i), "0912001200", "")
		n.waitAssigned(n.anTok, c.Conversation.ID, "An")
		convs = append(convs, c)
	}
	visitor, _ := n.dial(convs[0].VisitorToken, 0)
	visitor.MessagesUntilReplayDone()
	const k = 25
	for i := 0; i < k; i++ {
		visitor.Send(protocol.ReqMessageSend, fmt.Sprintf("v%d", i), map[string]string{"clientId": fmt.Sprintf("v-%d", i), "text": fmt.Sprintf("khách %d", i)})
		for j, c := range convs {
			agent.Send(protocol.ReqMessageSend, fmt.Sprintf("a%d-%d", j, i), map[string]string{"conversationId": c.Conversation.ID, "clientId": fmt.Sprintf("a-%d-%d", j, i), "text": fmt.Sprintf("nv %d", i)})
		}
	}
	ackSeq := func(c *clienttest.Conn, id string) int64 {
		f := c.WaitFor(func(f clienttest.Frame) bool { return f.ID == id }, "ack "+id)
		if f.Type != protocol.EvtAck {
			t.Fatalf("%s answered %s %s", id, f.Type, f.Data)
		}
		var d struct{ Message *chat.Message }
		_ = json.Unmarshal(f.Data, &d)
		return d.Message.Seq
	}
	last := int64(0)
	for i := 0; i < k; i++ {
		seq := ackSeq(visitor, fmt.Sprintf("v%d", i))
		if seq <= last {
			t.Fatalf("visitor message %d got seq %d after %d: order not kept", i, seq, last)
		}
		last = seq
	}
	for j, c := range convs {
		prev := int64(0)
		for i := 0; i < k; i++ {
			seq := ackSeq(agent, fmt.Sprintf("a%d-%d", j, i))
			if seq <= prev {
				t.Fatalf("conversation %d: message %d got seq %d after %d", j, i, seq, prev)
			}
			prev = seq
		}
		stored := n.messages(c.VisitorToken, c.Conversation.ID, 0)
		for i, m := range stored {
			if m.Seq != int64(i+1) {
				t.Fatalf("conversation %d: gap at %d", j, i)
			}
		}
	}
}

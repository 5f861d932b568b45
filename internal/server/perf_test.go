package server

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/realtime"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// Issue 7 behaviour: the hello queue and the cached send path (ownership
// stays exact). Replays without MongoDB and coalesced inbox updates are
// unit-tested in internal/desk (activity_test.go).

func TestHelloQueueServesAStormWithoutRefusals(t *testing.T) {
	// 40 sockets of one visitor token: past the node's per-visitor cap
	// (socketcaps_test.go), which this test of the hello queue lifts.
	n := runNodeRT(t, nodeConfig(t), func(c *realtime.Config) { c.MaxHellos, c.MaxPerVisitor = 1, 0 })
	c := n.newConversation("Storm", "0912000702", "tin đầu")
	const clients = 40
	results := make(chan string, clients)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := n.dialRaw()
			ws.Send(protocol.ReqHello, "h", map[string]any{"token": c.VisitorToken, "lastSeq": 0})
			f := ws.WaitFor(func(f clienttest.Frame) bool { return f.ID == "h" }, "hello reply")
			if f.Type != protocol.EvtSessionReady {
				results <- "hello: " + f.Type + " " + string(f.Data)
				return
			}
			if ms := ws.MessagesUntilReplayDone(); len(ms) != 1 {
				results <- fmt.Sprintf("replayed %d messages", len(ms))
				return
			}
			results <- ""
		}()
	}
	wg.Wait()
	close(results)
	for r := range results {
		if r != "" {
			t.Fatal(r)
		}
	}
}

// Two nodes: the old owner's node has the conversation cached from its own
// sends; a transfer made on the other node must refuse it at once (the reply
// lock decides, not the cache).
func TestTransferOnAnotherNodeRefusesCachedOwner(t *testing.T) {
	cfgA := nodeConfig(t)
	a := runNode(t, cfgA)
	cfgB := cfgA
	cfgB.NodeID = testenv.UniqueName("n")
	b := runNode(t, cfgB)

	anTok, an := a.login("an@chatdesk.local")
	anWS, _ := a.dial(anTok, 0)
	binhTok, binh := b.login("binh@chatdesk.local")
	binhWS, _ := b.dial(binhTok, 0)
	c := a.newConversation("Hai nút", "0912000704", "")
	id := c.Conversation.ID
	// Whoever the rotation picked is the old owner (on node A), the other
	// the new one (on node B).
	var owner string
	for deadline := time.Now().Add(10 * time.Second); owner == "" && time.Now().Before(deadline); {
		var out struct{ Conversation *chat.Conversation }
		a.do("GET", "/api/conversations/"+id, anTok, nil, &out)
		if out.Conversation != nil && out.Conversation.Status == chat.StatusAssigned {
			owner = out.Conversation.AssigneeID
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if owner == binh.ID {
		anTok, binhTok = binhTok, anTok
		anWS, _ = a.dial(anTok, 0)
		binhWS, _ = b.dial(binhTok, 0)
		binh = an
	} else if owner != an.ID {
		t.Fatalf("conversation not assigned: %q", owner)
	}
	for i := 0; i < 3; i++ {
		if r := anWS.Request(protocol.ReqMessageSend, map[string]string{"conversationId": id, "clientId": fmt.Sprintf("an-%d", i), "text": "chào"}); r.Type != protocol.EvtAck {
			t.Fatalf("owner send: %s %s", r.Type, r.Data)
		}
	}
	if st := b.do("POST", "/api/conversations/"+id+"/transfer", anTok, map[string]string{"agentId": binh.ID}, nil); st != 200 {
		t.Fatalf("transfer on node B: %d", st)
	}
	r := anWS.Request(protocol.ReqMessageSend, map[string]string{"conversationId": id, "clientId": "an-late", "text": "muộn"})
	if r.Type != protocol.EvtError || clienttest.Data[map[string]any](t, r)["code"] != "not_assigned" {
		t.Fatalf("old owner after transfer on another node: %s %s", r.Type, r.Data)
	}
	if r := binhWS.Request(protocol.ReqMessageSend, map[string]string{"conversationId": id, "clientId": "binh-1", "text": "tôi đây"}); r.Type != protocol.EvtAck {
		t.Fatalf("new owner send: %s %s", r.Type, r.Data)
	}
}

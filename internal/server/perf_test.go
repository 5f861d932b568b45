package server

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/realtime"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// Issue 7 behaviour: replays that need no MongoDB query, the hello queue,
// coalesced inbox updates and the cached send path (ownership stays exact).

func TestReplaySkipsUpToDateClientsAndSharesReads(t *testing.T) {
	var svc *desk.Service
	n := runNode(t, nodeConfig(t), func(s *desk.Service) { svc = s })
	c := n.newConversation("Replay", "0912000701", "tin đầu")
	v, _ := n.dial(c.VisitorToken, 0)
	seen := v.MessagesUntilReplayDone()
	last := seen[len(seen)-1].Seq
	v.Close()

	// Up to date: replay.done with nothing and no MongoDB query.
	skipped0, _, queries0 := svc.ReplayStats()
	up, _ := n.dial(c.VisitorToken, last)
	if got := up.MessagesUntilReplayDone(); len(got) != 0 {
		t.Fatalf("up-to-date client got %d messages", len(got))
	}
	up.Close()
	skipped1, _, queries1 := svc.ReplayStats()
	if skipped1 != skipped0+1 || queries1 != queries0 {
		t.Fatalf("replay stats skipped %d→%d queries %d→%d, want one skip and no query", skipped0, skipped1, queries0, queries1)
	}

	// Messages while away: every resuming tab gets exactly them, in order,
	// without a MongoDB query each.
	var want []string
	for i := 0; i < 3; i++ {
		text := fmt.Sprintf("khi vắng %d", i)
		var out struct{ Message *chat.Message }
		if st := n.do("POST", "/api/conversations/"+c.Conversation.ID+"/messages", c.VisitorToken, map[string]string{"clientId": fmt.Sprintf("away-%d", i), "text": text}, &out); st != 201 && st != 200 {
			t.Fatalf("post: %d", st)
		}
		want = append(want, text)
	}
	_, hits0, q0 := svc.ReplayStats()
	for tab := 0; tab < 4; tab++ {
		r, _ := n.dial(c.VisitorToken, last)
		got := r.MessagesUntilReplayDone()
		if len(got) != len(want) {
			t.Fatalf("tab %d replayed %d messages, want %d", tab, len(got), len(want))
		}
		for i, m := range got {
			if m.Seq != last+int64(i)+1 || m.Text != want[i] {
				t.Fatalf("tab %d replay[%d] = seq %d %q", tab, i, m.Seq, m.Text)
			}
		}
		r.Close()
	}
	_, hits1, q1 := svc.ReplayStats()
	// The node stored the three messages itself, so their run is known
	// already (no query); at most the first resume reads MongoDB.
	if q1-q0 > 1 || hits1-hits0 < 3 {
		t.Fatalf("4 identical resumes: %d queries and %d cache hits, want ≤ 1 and ≥ 3", q1-q0, hits1-hits0)
	}

	// A resume from further back (not covered by the cached run) queries.
	r, _ := n.dial(c.VisitorToken, 0)
	if got := r.MessagesUntilReplayDone(); int64(len(got)) != last+3 {
		t.Fatalf("full replay: %d messages, want %d", len(got), last+3)
	}
	// And a new message makes the cached run stale: the next resume sees it.
	n.do("POST", "/api/conversations/"+c.Conversation.ID+"/messages", c.VisitorToken, map[string]string{"clientId": "after", "text": "sau cùng"}, nil)
	r2, _ := n.dial(c.VisitorToken, last)
	got := r2.MessagesUntilReplayDone()
	if len(got) != 4 || got[3].Text != "sau cùng" {
		t.Fatalf("resume after a new message: %d messages %+v", len(got), got)
	}
}

func TestHelloQueueServesAStormWithoutRefusals(t *testing.T) {
	n := runNodeRT(t, nodeConfig(t), func(c *realtime.Config) { c.MaxHellos = 1 })
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

func TestInboxUpdatesAreCoalescedAndRefreshed(t *testing.T) {
	var svc *desk.Service
	n := runNode(t, nodeConfig(t), func(s *desk.Service) { svc = s; s.SetUpdateWindow(time.Hour) })
	anTok, _ := n.login("an@chatdesk.local")
	anWS, _ := n.dial(anTok, 0)
	c := n.newConversation("Gộp", "0912000703", "")
	id := c.Conversation.ID
	waitAssigned(t, n, anTok, id, decodeAgentID(t, n, anTok))
	v, _ := n.dial(c.VisitorToken, 0)
	sys := false
	for _, m := range v.MessagesUntilReplayDone() {
		sys = sys || m.SenderType == chat.SenderSystem
	}
	if !sys { // the assignment notice is stored after the owner: wait for it
		v.WaitType(protocol.EvtMessageCreated)
	}

	isMsgUpdate := func(f clienttest.Frame) bool {
		if f.Type != protocol.EvtConversationUpdated {
			return false
		}
		d := clienttest.Data[protocol.ConversationChanged](t, f)
		return d.Change == "message" && d.Conversation.ID == id
	}
	// Assignment wrote a system message: its update may still be pending.
	svc.FlushUpdates()
	p0, c0 := svc.UpdateStats()
	var lastSeq int64
	for i := 0; i < 5; i++ {
		r := v.Request(protocol.ReqMessageSend, map[string]string{"clientId": fmt.Sprintf("v-%d", i), "text": fmt.Sprintf("tin %d", i)})
		if r.Type != protocol.EvtAck {
			t.Fatalf("send: %s %s", r.Type, r.Data)
		}
		lastSeq = clienttest.Data[protocol.MessageCreated](t, r).Message.Seq
	}
	// Within the window (an hour here) every message only replaces the
	// pending snapshot.
	if p1, c1 := svc.UpdateStats(); p1 != p0 || c1-c0 != 5 {
		t.Fatalf("published %d→%d, coalesced %d→%d: want 5 coalesced, none published", p0, p1, c0, c1)
	}
	// The agent reads meanwhile: the delayed update must not bring the
	// unread count back.
	if r := anWS.Request(protocol.ReqConversationRead, map[string]any{"conversationId": id}); r.Type != protocol.EvtAck {
		t.Fatalf("read: %s %s", r.Type, r.Data)
	}
	svc.FlushUpdates()
	if p2, _ := svc.UpdateStats(); p2 != p0+1 {
		t.Fatalf("flush published %d updates, want 1", p2-p0)
	}
	var late protocol.ConversationChanged
	for late.Conversation == nil || late.Conversation.LastMessage == nil || late.Conversation.LastMessage.SenderType != chat.SenderVisitor {
		late = clienttest.Data[protocol.ConversationChanged](t, anWS.WaitFor(isMsgUpdate, "trailing inbox update"))
	}
	lc := late.Conversation
	if lc.LastMessage == nil || lc.LastMessage.Seq != lastSeq || lc.LastMessage.Text != "tin 4" {
		t.Fatalf("trailing update preview %+v, want seq %d", lc.LastMessage, lastSeq)
	}
	if lc.UnreadAgent != 0 || lc.Status != chat.StatusAssigned || lc.AssigneeName != "An" {
		t.Fatalf("trailing update = unread %d status %s assignee %q", lc.UnreadAgent, lc.Status, lc.AssigneeName)
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

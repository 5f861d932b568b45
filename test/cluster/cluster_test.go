package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// TestCluster runs the multi-node scenarios against one cluster, in an order
// that lets each start from a known state.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test starts real processes")
	}
	c := startCluster(t, 3)
	t.Run("ClaimRacesAcrossNodes", func(t *testing.T) { claimRaces(t, c) })
	t.Run("EventsReachEveryNode", func(t *testing.T) { eventsAcrossNodes(t, c) })
	t.Run("RoundRobinFairThroughNginx", func(t *testing.T) { fairness(t, c) })
	t.Run("NodeKilledMidTraffic", func(t *testing.T) {
		traffic(t, c, func() {
			c.nodes[1].kill()
			t.Logf("node2 killed (SIGKILL)")
		}, func() { c.restartNode(1) })
	})
	t.Run("RedisRestartedMidTraffic", func(t *testing.T) {
		traffic(t, c, func() {
			c.restartRedis()
			t.Logf("redis-server restarted without persistence")
		}, func() {})
	})
	t.Run("GracefulShutdownDrains", func(t *testing.T) {
		reconnects := traffic(t, c, func() {
			c.nodes[0].terminate()
			t.Logf("node1 stopped with SIGTERM")
		}, func() { c.restartNode(0) })
		if reconnects == 0 {
			t.Fatal("no client was moved off the draining node")
		}
	})
	t.Run("MongoDownRefusesThenRecovers", func(t *testing.T) { mongoDown(t, c) })
	t.Run("AgentNodeKilledShowsOffline", func(t *testing.T) { agentNodeKilled(t, c) })
}

// 100 rounds of two agents on different nodes claiming the same
// conversation at once: exactly one winner, the loser cannot send.
func claimRaces(t *testing.T, c *cluster) {
	anTok, an := login(t, c.nodeURL(0), "an@chatdesk.local")
	binhTok, binh := login(t, c.nodeURL(1), "binh@chatdesk.local")
	wins := map[string]int{}
	for round := 0; round < 100; round++ {
		conv := newConversation(t, c.edge, fmt.Sprintf("Race %d", round))
		if conv.Conversation.Status != chat.StatusWaiting {
			t.Fatalf("round %d: conversation not waiting (no agent is online)", round)
		}
		id := conv.Conversation.ID
		var wg sync.WaitGroup
		status := make([]int, 2)
		start := make(chan struct{})
		for i, who := range []struct{ base, tok string }{{c.nodeURL(0), anTok}, {c.nodeURL(1), binhTok}} {
			wg.Add(1)
			go func(i int, base, tok string) {
				defer wg.Done()
				<-start
				status[i] = api(t, base).Do("POST", "/api/conversations/"+id+"/claim", tok, nil, nil)
			}(i, who.base, who.tok)
		}
		close(start)
		wg.Wait()
		var winner, loser, loserTok, winnerTok string
		switch {
		case status[0] == 200 && status[1] == 409:
			winner, loser, winnerTok, loserTok = an.ID, binh.ID, anTok, binhTok
		case status[1] == 200 && status[0] == 409:
			winner, loser, winnerTok, loserTok = binh.ID, an.ID, binhTok, anTok
		default:
			t.Fatalf("round %d: claim statuses %v, want exactly one 200 and one 409", round, status)
		}
		wins[winner]++
		_ = loser
		var e struct{ Error struct{ Code string } }
		if st := api(t, c.nodeURL(2)).Do("POST", "/api/conversations/"+id+"/messages", loserTok, map[string]string{"text": "tôi cũng muốn trả lời", "clientId": "l"}, &e); st != 403 || e.Error.Code != "not_assigned" {
			t.Fatalf("round %d: loser send answered %d %s", round, st, e.Error.Code)
		}
		if st := api(t, c.nodeURL(2)).Do("POST", "/api/conversations/"+id+"/messages", winnerTok, map[string]string{"text": "em xin trả lời", "clientId": "w"}, nil); st != 201 {
			t.Fatalf("round %d: winner send answered %d", round, st)
		}
	}
	t.Logf("claim races: An won %d, Bình won %d of 100", wins[an.ID], wins[binh.ID])
}

// Visitor on node 1, the assigned agent on node 2, the other agent on node
// 3: messages, typing, presence and assignment events all arrive.
func eventsAcrossNodes(t *testing.T, c *cluster) {
	anTok, an := login(t, c.edge, "an@chatdesk.local")
	binhTok, _ := login(t, c.edge, "binh@chatdesk.local")
	anEv, binhEv, visEv := clienttest.NewEvents(t), clienttest.NewEvents(t), clienttest.NewEvents(t)
	anWS := dial(t, c.nodeURL(1), anTok, anEv.Push)
	binhWS := dial(t, c.nodeURL(2), binhTok, binhEv.Push)
	defer anWS.Close()
	defer binhWS.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Bình pauses assignments so the conversation goes to An on node 2.
	if _, err := binhWS.Request(ctx, protocol.ReqAgentStatus, map[string]string{"status": "away"}); err != nil {
		t.Fatal(err)
	}
	anEv.Wait("Bình away (presence from node 3 to node 2)", 5*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		return f.Type == protocol.EvtAgentPresence && d["status"] == "away"
	})
	conv := newConversation(t, c.nodeURL(0), "Khách node 1")
	if conv.Conversation.AssigneeID != an.ID {
		t.Fatalf("assigned to %q", conv.Conversation.AssigneeName)
	}
	id := conv.Conversation.ID
	binhEv.Wait("assignment seen on node 3", 5*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		cv, _ := d["conversation"].(map[string]any)
		return f.Type == protocol.EvtConversationUpdated && d["change"] == "assigned" && cv["id"] == id && cv["assigneeName"] == "An"
	})
	if err := anWS.Join(ctx, id); err != nil {
		t.Fatal(err)
	}
	visitor := dial(t, c.nodeURL(0), conv.VisitorToken, visEv.Push)
	defer visitor.Close()

	if _, err := visitor.Send(ctx, "", "Chào shop, node 1 đây"); err != nil {
		t.Fatal(err)
	}
	waitMessage(t, anWS, id, "Chào shop, node 1 đây")
	binhEv.Wait("inbox preview on node 3", 5*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		cv, _ := d["conversation"].(map[string]any)
		lm, _ := cv["lastMessage"].(map[string]any)
		return f.Type == protocol.EvtConversationUpdated && d["change"] == "message" && lm["text"] == "Chào shop, node 1 đây"
	})
	if _, err := anWS.Send(ctx, id, "An ở node 2 xin chào"); err != nil {
		t.Fatal(err)
	}
	waitMessage(t, visitor, id, "An ở node 2 xin chào")
	if _, err := anWS.Request(ctx, protocol.ReqTyping, map[string]any{"conversationId": id, "typing": true}); err != nil {
		t.Fatal(err)
	}
	visEv.Wait("agent typing on node 1", 5*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		return f.Type == protocol.EvtTyping && d["senderType"] == "agent" && d["typing"] == true
	})
	if _, err := visitor.Request(ctx, protocol.ReqTyping, map[string]any{"typing": true}); err != nil {
		t.Fatal(err)
	}
	anEv.Wait("visitor typing on node 2", 5*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		return f.Type == protocol.EvtTyping && d["senderType"] == "visitor"
	})
	// Presence across nodes: Bình back online is seen by An.
	if _, err := binhWS.Request(ctx, protocol.ReqAgentStatus, map[string]string{"status": "online"}); err != nil {
		t.Fatal(err)
	}
	anEv.Wait("Bình online again", 5*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		return f.Type == protocol.EvtAgentPresence && d["status"] == "online" && d["name"] == "Bình"
	})
}

func waitMessage(t *testing.T, cl *wsclient.Client, convID, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range cl.Messages(convID) {
			if m.Text == text {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("message %q did not arrive", text)
}

// 200 conversations created through Nginx while two agents are online:
// the shared rotation keeps the counts within one of each other.
func fairness(t *testing.T, c *cluster) {
	anTok, an := login(t, c.edge, "an@chatdesk.local")
	binhTok, binh := login(t, c.edge, "binh@chatdesk.local")
	anWS := dial(t, c.edge, anTok, nil)
	binhWS := dial(t, c.edge, binhTok, nil)
	defer anWS.Close()
	defer binhWS.Close()
	counts := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			cv := newConversation(t, c.edge, fmt.Sprintf("Fair %d", i))
			mu.Lock()
			counts[cv.Conversation.AssigneeID]++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	t.Logf("assignments: An %d, Bình %d, unassigned %d", counts[an.ID], counts[binh.ID], counts[""])
	if counts[""] != 0 || math.Abs(float64(counts[an.ID]-counts[binh.ID])) > 1 {
		t.Fatalf("unfair: An %d, Bình %d, unassigned %d", counts[an.ID], counts[binh.ID], counts[""])
	}
}

// traffic runs visitors and agents through Nginx, calls disrupt while
// messages flow, then checks that every acknowledged message is stored
// exactly once, in a gap-free seq order, and that every client holds the
// same transcript after resuming.
func traffic(t *testing.T, c *cluster, disrupt, repair func()) int {
	const visitors, perVisitor, agentEvery = 12, 30, 3
	anTok, an := login(t, c.edge, "an@chatdesk.local")
	binhTok, _ := login(t, c.edge, "binh@chatdesk.local")
	agents := map[string]*wsclient.Client{an.ID: dial(t, c.edge, anTok, nil)}
	binhWS := dial(t, c.edge, binhTok, nil)
	for id, cl := range agents {
		_ = id
		defer cl.Close()
	}
	defer binhWS.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	type visitorRun struct {
		conv   clienttest.Created
		client *wsclient.Client
		agent  *wsclient.Client
		acked  map[string]*chat.Message // clientId → acked message
	}
	runs := make([]*visitorRun, visitors)
	for i := range runs {
		conv := newConversation(t, c.edge, fmt.Sprintf("Traffic %d", i))
		ag := binhWS
		if conv.Conversation.AssigneeID == an.ID {
			ag = agents[an.ID]
		}
		if conv.Conversation.AssigneeID == "" {
			t.Fatalf("conversation %d unassigned", i)
		}
		if err := ag.Join(ctx, conv.Conversation.ID); err != nil {
			t.Fatal(err)
		}
		runs[i] = &visitorRun{conv: conv, client: dial(t, c.edge, conv.VisitorToken, nil), agent: ag, acked: map[string]*chat.Message{}}
		defer runs[i].client.Close()
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := make(chan error, visitors*2)
	for _, r := range runs {
		wg.Add(1)
		go func(r *visitorRun) {
			defer wg.Done()
			for k := 0; k < perVisitor; k++ {
				cid := wsclient.NewClientID()
				m, err := r.client.SendWithID(ctx, "", cid, fmt.Sprintf("khách %d", k))
				if err != nil {
					errs <- fmt.Errorf("visitor send: %w", err)
					return
				}
				mu.Lock()
				r.acked[cid] = m
				mu.Unlock()
				if k%agentEvery == 0 {
					cid := wsclient.NewClientID()
					m, err := r.agent.SendWithID(ctx, r.conv.Conversation.ID, cid, fmt.Sprintf("nhân viên %d", k))
					if err != nil {
						errs <- fmt.Errorf("agent send: %w", err)
						return
					}
					mu.Lock()
					r.acked[cid] = m
					mu.Unlock()
				}
				time.Sleep(15 * time.Millisecond)
			}
		}(r)
	}
	time.Sleep(250 * time.Millisecond)
	disrupt()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	repair()

	reconnects := 0
	for _, r := range runs {
		reconnects += r.client.Reconnects()
		id := r.conv.Conversation.ID
		stored := api(t, c.edge).AllMessages(r.conv.VisitorToken, id)
		byClient := map[string]int{}
		for i, m := range stored {
			if m.Seq != int64(i+1) {
				t.Fatalf("%s: stored seq %d at position %d (gap or disorder)", id, m.Seq, i)
			}
			byClient[m.ClientID]++
		}
		for cid, m := range r.acked {
			if byClient[cid] != 1 {
				t.Fatalf("%s: acknowledged message %s (seq %d) stored %d times", id, cid, m.Seq, byClient[cid])
			}
		}
		// After resume, each client holds exactly the stored transcript.
		for _, cl := range []*wsclient.Client{r.client, r.agent} {
			if _, err := cl.Request(ctx, protocol.ReqSync, map[string]any{"conversationId": id, "afterSeq": cl.Contiguous(id)}); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for cl.Contiguous(id) < int64(len(stored)) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			held := cl.Messages(id)
			if len(held) != len(stored) {
				t.Fatalf("%s: client holds %d messages, %d stored", id, len(held), len(stored))
			}
			for i := range held {
				if held[i].ID != stored[i].ID {
					t.Fatalf("%s: client message %d is %s, stored %s", id, i, held[i].ID, stored[i].ID)
				}
			}
		}
	}
	t.Logf("%d visitors × %d messages (+ agent replies) verified; %d visitor reconnects", visitors, perVisitor, reconnects)
	return reconnects
}

// MongoDB unreachable: a send is refused with "unavailable" and is not
// stored later; readiness reports it; once MongoDB is back the same
// clientId is stored exactly once.
func mongoDown(t *testing.T, c *cluster) {
	conv := newConversation(t, c.edge, "Mongo down")
	visitor := dial(t, c.edge, conv.VisitorToken, nil)
	defer visitor.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := visitor.Send(ctx, "", "trước sự cố"); err != nil {
		t.Fatal(err)
	}
	c.mongo.kill()
	start := time.Now()
	_, err := visitor.Request(ctx, protocol.ReqMessageSend, map[string]any{"clientId": "during-outage", "text": "trong sự cố"})
	var se *wsclient.ServerError
	if !errors.As(err, &se) || se.Code != "unavailable" || se.Message == "" {
		t.Fatalf("send while MongoDB is down: %v", err)
	}
	t.Logf("refused with %q after %.1fs", se.Message, time.Since(start).Seconds())
	if st := api(t, c.nodeURL(0)).Do("GET", "/readyz", "", nil, nil); st != 503 {
		t.Fatalf("readyz with MongoDB down = %d", st)
	}
	c.mongo.start(t)
	for _, a := range c.nodeAddrs {
		c.waitReady("http://" + a)
	}
	m, err := visitor.SendWithID(ctx, "", "during-outage", "trong sự cố")
	if err != nil {
		t.Fatal(err)
	}
	stored := api(t, c.edge).AllMessages(conv.VisitorToken, conv.Conversation.ID)
	count := 0
	for i, sm := range stored {
		if sm.Seq != int64(i+1) {
			t.Fatalf("gap after recovery: %+v", stored)
		}
		if sm.ClientID == "during-outage" {
			count++
		}
	}
	if count != 1 || m.Seq != int64(len(stored)) {
		t.Fatalf("refused message stored %d times; seq %d of %d", count, m.Seq, len(stored))
	}
}

// An's node dies: Bình, on another node, sees An offline within the bound
// (presence TTL + one janitor tick).
func agentNodeKilled(t *testing.T, c *cluster) {
	anTok, an := login(t, c.edge, "an@chatdesk.local")
	binhTok, _ := login(t, c.edge, "binh@chatdesk.local")
	ev := clienttest.NewEvents(t)
	binhWS := dial(t, c.nodeURL(0), binhTok, ev.Push)
	defer binhWS.Close()
	// An's client points at node 3 only: after the crash it cannot
	// reconnect anywhere, so only the presence TTL can take An offline.
	anWS := dial(t, c.nodeURL(2), anTok, nil)
	defer anWS.Close()
	ev.Wait("An online", 10*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		return f.Type == protocol.EvtAgentPresence && d["agentId"] == an.ID && d["online"] == true
	})
	// Forget anything queued before the crash (earlier scenarios' agents
	// going offline) so the offline event we wait for is the crash's.
	time.Sleep(time.Second)
	ev.Clear()
	killed := time.Now()
	c.nodes[2].kill()
	bound := presenceTTL + 5*time.Second
	_, took := ev.Wait("An offline after node3 crash", bound+3*time.Second, func(f clienttest.Frame, d map[string]any) bool {
		return f.Type == protocol.EvtAgentPresence && d["agentId"] == an.ID && d["online"] == false
	})
	t.Logf("An shown offline %.1fs after the crash (bound %s)", took.Seconds(), bound)
	if took < time.Second {
		t.Fatalf("offline after %s: too fast to be the crash being detected", took)
	}
	_ = killed
}

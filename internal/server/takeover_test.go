package server

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// ownedBy makes the agent agentID the owner of a new conversation (round
// robin may pick anyone online; the admin transfers it).
func (tm *team) ownedBy(agentID, name, phone string) clienttest.Created {
	tm.t.Helper()
	conv := tm.newConversation(name, phone, "Cho em hỏi đơn hàng")
	id := conv.Conversation.ID
	checkfor.Eventually(tm.t, 10*time.Second, func() (bool, string) {
		var got struct{ Conversation *chat.Conversation }
		tm.do("GET", "/api/conversations/"+id, tm.admin, nil, &got)
		if got.Conversation.AssigneeID == agentID && got.Conversation.Status == chat.StatusAssigned {
			return true, ""
		}
		tm.do("POST", "/api/conversations/"+id+"/transfer", tm.admin, map[string]string{"agentId": agentID}, nil)
		return false, got.Conversation.AssigneeName
	})
	return conv
}

func (tm *team) assignee(id string) string {
	tm.t.Helper()
	var got struct{ Conversation *chat.Conversation }
	if st := tm.do("GET", "/api/conversations/"+id, tm.admin, nil, &got); st != 200 {
		tm.t.Fatalf("get %s: %d", id, st)
	}
	return got.Conversation.AssigneeID
}

// canReply reports whether the agent with token may send in id now.
func (tm *team) canReply(token, id, clientID string) int {
	tm.t.Helper()
	return tm.do("POST", "/api/conversations/"+id+"/messages", token, map[string]string{"clientId": clientID, "text": "Dạ em chào anh/chị"}, nil)
}

type takeoverAnswer struct {
	Conversation *chat.Conversation
	Takeover     *chat.Takeover
}

func endedOf(t *testing.T, ws *clienttest.Conn, requestID string) protocol.TakeoverEnded {
	t.Helper()
	f := ws.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtTakeoverEnded && strings.Contains(string(f.Data), requestID)
	}, "takeover.ended "+requestID)
	return clienttest.Data[protocol.TakeoverEnded](t, f)
}

// TestTakeoverSteps: over REST and WebSocket, a non-owner asks, the owner
// declines or accepts, the requester cancels, an admin takes over
// directly; each step is an event to every agent and a line in the
// agents' transcript; the reply lock follows the owner; who may do what is
// enforced; the visitor sees only the changes of owner.
func TestTakeoverSteps(t *testing.T) {
	tm := startTeam(t)
	anWS, _ := tm.dial(tm.anTok, 0)
	binhWS, _ := tm.dial(tm.binhTok, 0)
	adminWS, _ := tm.dial(tm.admin, 0)
	conv := tm.ownedBy(tm.an.ID, "Khách Nhận", "0912000151")
	id := conv.Conversation.ID
	path := "/api/conversations/" + id + "/takeover"
	visitorWS, _ := tm.dial(conv.VisitorToken, 0)
	visitorWS.MessagesUntilReplayDone()

	// Who may not: a visitor (REST and WS), anonymous, the owner asking
	// for their own conversation, nobody answers what is not pending.
	for _, p := range []string{"", "/accept", "/decline", "/cancel", "/force"} {
		if st := tm.do("POST", path+p, conv.VisitorToken, nil, nil); st != 401 && st != 403 {
			t.Fatalf("visitor POST takeover%s: %d", p, st)
		}
		if st := tm.do("POST", path+p, "", nil, nil); st != 401 {
			t.Fatalf("anonymous POST takeover%s: %d", p, st)
		}
	}
	for _, req := range []string{protocol.ReqTakeoverRequest, protocol.ReqTakeoverAccept, protocol.ReqTakeoverForce} {
		if f := visitorWS.Request(req, map[string]string{"conversationId": id}); clienttest.ErrorCode(t, f) != chat.EFORBIDDEN {
			t.Fatalf("visitor %s: %s %s", req, f.Type, f.Data)
		}
	}
	var e clienttest.ErrorAnswer
	if st := tm.do("POST", path, tm.anTok, nil, &e); st != 400 || e.Error.Code != chat.EINVALID {
		t.Fatalf("owner asks for their own: %d %+v", st, e)
	}
	if st := tm.do("POST", path+"/accept", tm.anTok, nil, &e); st != 404 || e.Error.Code != chat.ENOTFOUND {
		t.Fatalf("accept with nothing pending: %d %+v", st, e)
	}

	// Bình asks over REST; An is asked (takeover.requested), the admin
	// cannot ask meanwhile; asking again returns the same request.
	var asked takeoverAnswer
	if st := tm.do("POST", path, tm.binhTok, nil, &asked); st != 200 || asked.Takeover == nil || asked.Takeover.RequesterID != tm.binh.ID || asked.Takeover.OwnerID != tm.an.ID {
		t.Fatalf("request: %d %+v", st, asked.Takeover)
	}
	req := clienttest.Data[protocol.TakeoverRequested](t, anWS.WaitType(protocol.EvtTakeoverRequested))
	if req.Takeover.ID != asked.Takeover.ID || req.Takeover.RequesterName != tm.binh.Name || !req.Takeover.Deadline.After(req.Takeover.CreatedAt) {
		t.Fatalf("takeover.requested: %+v", req.Takeover)
	}
	if st := tm.do("POST", path, tm.admin, nil, &e); st != 409 || e.Error.Code != chat.ETAKEOVERPENDING || !strings.Contains(e.Error.Message, tm.binh.Name) {
		t.Fatalf("second requester: %d %+v", st, e)
	}
	var again takeoverAnswer
	if st := tm.do("POST", path, tm.binhTok, nil, &again); st != 200 || again.Takeover.ID != asked.Takeover.ID {
		t.Fatalf("asking again: %d %+v", st, again.Takeover)
	}
	var pending struct {
		Takeover       *chat.Takeover
		TimeoutSeconds int
	}
	if st := tm.do("GET", path, tm.admin, nil, &pending); st != 200 || pending.Takeover == nil || pending.Takeover.ID != asked.Takeover.ID || pending.TimeoutSeconds != 60 {
		t.Fatalf("pending: %d %+v", st, pending)
	}
	// Only the owner answers; only the requester cancels.
	for _, c := range []struct{ who, token, step string }{
		{"requester accepts", tm.binhTok, "/accept"}, {"admin accepts", tm.admin, "/accept"},
		{"admin declines", tm.admin, "/decline"}, {"owner cancels", tm.anTok, "/cancel"},
	} {
		if st := tm.do("POST", path+c.step, c.token, nil, &e); st != 403 || e.Error.Code != chat.EFORBIDDEN {
			t.Fatalf("%s: %d %+v", c.who, st, e)
		}
	}

	// An declines over WebSocket: the conversation stays An's.
	if f := anWS.Request(protocol.ReqTakeoverDecline, map[string]string{"conversationId": id}); f.Type != protocol.EvtAck {
		t.Fatalf("decline: %s %s", f.Type, f.Data)
	}
	if ended := endedOf(t, binhWS, asked.Takeover.ID); ended.Outcome != chat.TakeoverDeclined || ended.ByName != tm.an.Name {
		t.Fatalf("declined: %+v", ended)
	}
	if tm.assignee(id) != tm.an.ID || tm.canReply(tm.binhTok, id, "b1") != 403 {
		t.Fatal("a declined request moved the conversation")
	}

	// Bình asks over WebSocket; An accepts over REST: Bình owns it and
	// holds the reply lock, An no longer may reply.
	f := binhWS.Request(protocol.ReqTakeoverRequest, map[string]string{"conversationId": id})
	second := clienttest.Data[protocol.TakeoverResult](t, f).Takeover
	if f.Type != protocol.EvtAck || second == nil || second.ID == asked.Takeover.ID {
		t.Fatalf("request over WS: %s %s", f.Type, f.Data)
	}
	var accepted takeoverAnswer
	if st := tm.do("POST", path+"/accept", tm.anTok, nil, &accepted); st != 200 || accepted.Conversation.AssigneeID != tm.binh.ID {
		t.Fatalf("accept: %d %+v", st, accepted.Conversation)
	}
	if ended := endedOf(t, adminWS, second.ID); ended.Outcome != chat.TakeoverAccepted {
		t.Fatalf("accepted: %+v", ended)
	}
	adminWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtConversationUpdated && strings.Contains(string(f.Data), string(chat.ChangeTakenOver))
	}, "conversation.updated taken_over")
	if st := tm.canReply(tm.binhTok, id, "b2"); st != 201 {
		t.Fatalf("new owner replies: %d", st)
	}
	if st := tm.canReply(tm.anTok, id, "a1"); st != 403 {
		t.Fatalf("former owner replies: %d", st)
	}

	// An asks back and cancels (WebSocket); a cancelled request is gone.
	if f := anWS.Request(protocol.ReqTakeoverRequest, map[string]string{"conversationId": id}); f.Type != protocol.EvtAck {
		t.Fatalf("An asks: %s %s", f.Type, f.Data)
	}
	if f := anWS.Request(protocol.ReqTakeoverCancel, map[string]string{"conversationId": id}); f.Type != protocol.EvtAck {
		t.Fatalf("cancel: %s %s", f.Type, f.Data)
	}
	if st := tm.do("GET", path, tm.binhTok, nil, &pending); st != 200 || pending.Takeover != nil {
		t.Fatalf("after cancel: %d %+v", st, pending.Takeover)
	}

	// "Nhận ngay": refused to an agent, done by an admin over WebSocket,
	// ending a pending request (superseded).
	if st := tm.do("POST", path+"/force", tm.anTok, nil, &e); st != 403 || e.Error.Code != chat.EFORBIDDEN {
		t.Fatalf("agent forces: %d %+v", st, e)
	}
	tm.do("POST", path, tm.anTok, nil, &asked)
	if f := anWS.Request(protocol.ReqTakeoverForce, map[string]string{"conversationId": id}); clienttest.ErrorCode(t, f) != chat.EFORBIDDEN {
		t.Fatalf("agent forces over WS: %s %s", f.Type, f.Data)
	}
	if f := adminWS.Request(protocol.ReqTakeoverForce, map[string]string{"conversationId": id}); f.Type != protocol.EvtAck || clienttest.Data[protocol.TakeoverResult](t, f).Conversation.AssigneeID != tm.node.adminID(t) {
		t.Fatalf("admin forces: %s %s", f.Type, f.Data)
	}
	if ended := endedOf(t, anWS, asked.Takeover.ID); ended.Outcome != chat.TakeoverSuperseded {
		t.Fatalf("superseded: %+v", ended)
	}
	if st := tm.canReply(tm.admin, id, "ad1"); st != 201 {
		t.Fatalf("admin replies: %d", st)
	}
	if st := tm.canReply(tm.binhTok, id, "b3"); st != 403 {
		t.Fatalf("Bình replies after the admin took over: %d", st)
	}

	// A resolved conversation cannot be asked for.
	if st := tm.do("POST", "/api/conversations/"+id+"/resolve", tm.admin, nil, nil); st != 200 {
		t.Fatalf("resolve: %d", st)
	}
	if st := tm.do("POST", path, tm.binhTok, nil, &e); st != 409 || e.Error.Code != chat.ECONFLICT {
		t.Fatalf("request of a resolved conversation: %d %+v", st, e)
	}

	// Agents read every step; the visitor only the changes of owner, live,
	// by replay and by REST history.
	var notes struct{ Items []*chat.Message }
	tm.do("GET", "/api/conversations/"+id+"/notes", tm.anTok, nil, &notes)
	codes := map[string]int{}
	for _, n := range notes.Items {
		if n.SenderType == chat.SenderSystem && n.Notice != nil {
			codes[n.Notice.Code]++
		}
	}
	if codes[chat.NoticeTakeoverRequested] != 4 || codes[chat.NoticeTakeoverDeclined] != 1 || codes[chat.NoticeTakeoverCancelled] != 1 {
		t.Fatalf("agents' takeover notices: %v", codes)
	}
	time.Sleep(200 * time.Millisecond) // let the last live frames arrive
	for _, f := range visitorWS.Frames() {
		if strings.HasPrefix(f.Type, "takeover.") || strings.HasPrefix(f.Type, "note.") || strings.Contains(string(f.Data), "xin nhận") || strings.Contains(string(f.Data), "từ chối") {
			t.Fatalf("the visitor received %s %s", f.Type, f.Data)
		}
	}
	replay, _ := tm.dial(conv.VisitorToken, 0)
	replayed := replay.MessagesUntilReplayDone()
	history := tm.api().AllMessages(conv.VisitorToken, id)
	for name, ms := range map[string][]*chat.Message{"replay": replayed, "REST": history} {
		taken := 0
		for i, m := range ms {
			if m.Seq != int64(i+1) || m.Note != nil || (m.Notice != nil && strings.HasPrefix(m.Notice.Code, "takeover")) {
				t.Fatalf("%s: message %d is %+v", name, i, m)
			}
			if m.Notice != nil && m.Notice.Code == chat.NoticeTransferred && strings.Contains(m.Text, "tiếp nhận") {
				taken++
			}
		}
		if taken != 2 {
			t.Fatalf("%s: %d takeover notices, want 2 (accepted, admin)", name, taken)
		}
	}
}

// adminID is the admin account's id.
func (n *node) adminID(t *testing.T) string {
	t.Helper()
	var me struct{ Agent *chat.Agent }
	tok, _ := n.login("admin@chatdesk.local")
	if st := n.do("GET", "/api/auth/me", tok, nil, &me); st != 200 || me.Agent == nil {
		t.Fatalf("me: %d", st)
	}
	return me.Agent.ID
}

// TestTakeoverTimeout: with no answer in time, the request passes the
// conversation to the requester when the owner is away or offline, and
// expires (no change of owner) when the owner is online and available.
func TestTakeoverTimeout(t *testing.T) {
	tm := startTeam(t, func(c *config.Config) { c.TakeoverTimeout = 300 * time.Millisecond })
	binhWS, _ := tm.dial(tm.binhTok, 0)
	adminWS, _ := tm.dial(tm.admin, 0)
	cases := []struct {
		name    string
		owner   func() (undo func())
		outcome string
	}{
		{"owner online and available", func() func() {
			ws, _ := tm.dial(tm.anTok, 0)
			return ws.Close
		}, chat.TakeoverExpired},
		{"owner away", func() func() {
			ws, _ := tm.dial(tm.anTok, 0)
			if st := tm.do("PUT", "/api/agents/me/status", tm.anTok, map[string]string{"status": "away"}, nil); st != 204 {
				t.Fatalf("away: %d", st)
			}
			return func() {
				tm.do("PUT", "/api/agents/me/status", tm.anTok, map[string]string{"status": "online"}, nil)
				ws.Close()
			}
		}, chat.TakeoverPassed},
		{"owner offline", func() func() { return func() {} }, chat.TakeoverPassed},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			undo := c.owner()
			defer undo()
			conv := tm.ownedBy(tm.an.ID, "Khách Chờ", "091200016"+string(rune('0'+i)))
			id := conv.Conversation.ID
			var asked takeoverAnswer
			if st := tm.do("POST", "/api/conversations/"+id+"/takeover", tm.binhTok, nil, &asked); st != 200 || asked.Takeover == nil {
				t.Fatalf("request: %d", st)
			}
			ended := endedOf(t, adminWS, asked.Takeover.ID)
			if ended.Outcome != c.outcome || ended.ByName != "" {
				t.Fatalf("outcome %+v, want %s", ended, c.outcome)
			}
			binhWS.Frames()
			want := tm.an.ID
			if c.outcome == chat.TakeoverPassed {
				want = tm.binh.ID
			}
			if got := tm.assignee(id); got != want {
				t.Fatalf("owner %s, want %s", got, want)
			}
			// Settled once: nothing pending, and a late answer finds nothing.
			if st := tm.do("POST", "/api/conversations/"+id+"/takeover/accept", tm.anTok, nil, nil); st != 404 && st != 403 {
				t.Fatalf("late accept: %d", st)
			}
		})
	}
}

// TestTakeoverRaces: two agents asking at once get one request; an owner
// accepting while the timeout fires gets one outcome, and the reply lock
// has exactly the owner that outcome names.
func TestTakeoverRaces(t *testing.T) {
	tm := startTeam(t, func(c *config.Config) { c.TakeoverTimeout = 200 * time.Millisecond })
	anWS, _ := tm.dial(tm.anTok, 0)
	tm.dial(tm.binhTok, 0)
	tm.dial(tm.admin, 0)

	conv := tm.ownedBy(tm.an.ID, "Khách Đua", "0912000170")
	id := conv.Conversation.ID
	path := "/api/conversations/" + id + "/takeover"
	var wg sync.WaitGroup
	status := make([]int, 2)
	for i, tok := range []string{tm.binhTok, tm.admin} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status[i] = tm.do("POST", path, tok, nil, nil)
		}()
	}
	wg.Wait()
	if !(status[0] == 200 && status[1] == 409 || status[0] == 409 && status[1] == 200) {
		t.Fatalf("racing requests: %v, want one 200 and one 409", status)
	}

	// Accept racing the timeout (owner online: the timeout would expire
	// it): each round ends once, accepted or expired, and the owner and
	// the reply lock agree with it.
	outcomes := map[string]int{}
	for round := 0; round < 6; round++ {
		c := tm.ownedBy(tm.an.ID, "Khách Vòng", "09120001"+string(rune('8'))+string(rune('0'+round)))
		p := "/api/conversations/" + c.Conversation.ID + "/takeover"
		var asked takeoverAnswer
		if st := tm.do("POST", p, tm.binhTok, nil, &asked); st != 200 {
			t.Fatalf("round %d request: %d", round, st)
		}
		// Answer around the deadline: from just before to just after the
		// timer fires, so that either may win.
		time.Sleep(time.Until(asked.Takeover.Deadline) + time.Duration(round*4)*time.Millisecond)
		st := tm.do("POST", p+"/accept", tm.anTok, nil, nil)
		ended := endedOf(t, anWS, asked.Takeover.ID)
		outcomes[ended.Outcome]++
		owner := tm.assignee(c.Conversation.ID)
		switch ended.Outcome {
		case chat.TakeoverAccepted:
			if st != 200 || owner != tm.binh.ID || tm.canReply(tm.anTok, c.Conversation.ID, "x") != 403 || tm.canReply(tm.binhTok, c.Conversation.ID, "y") != 201 {
				t.Fatalf("round %d accepted: accept %d, owner %s", round, st, owner)
			}
		case chat.TakeoverExpired:
			if st == 200 || owner != tm.an.ID || tm.canReply(tm.binhTok, c.Conversation.ID, "x") != 403 || tm.canReply(tm.anTok, c.Conversation.ID, "y") != 201 {
				t.Fatalf("round %d expired: accept %d, owner %s", round, st, owner)
			}
		default:
			t.Fatalf("round %d: outcome %q", round, ended.Outcome)
		}
		time.Sleep(100 * time.Millisecond)
		for _, f := range anWS.Frames() {
			if f.Type == protocol.EvtTakeoverEnded && strings.Contains(string(f.Data), asked.Takeover.ID) {
				t.Fatalf("round %d ended twice: %s", round, f.Data)
			}
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

// TestTakeoverTimeoutOnAnotherNode: the node that took a request stops
// before its deadline; another node's janitor passes the conversation
// (owner away), once.
func TestTakeoverTimeoutOnAnotherNode(t *testing.T) {
	cfg := nodeConfig(t, func(c *config.Config) { c.TakeoverTimeout = 500 * time.Millisecond })
	fast := func(d *desk.Config) { d.JanitorEvery = 200 * time.Millisecond }
	a := runNodeWith(t, cfg, nil, fast)
	cfg.NodeID += "-b"
	b := runNodeWith(t, cfg, nil, fast)
	tmB := &team{node: b}
	tmB.admin, _ = b.login("admin@chatdesk.local")
	tmB.anTok, tmB.an = b.login("an@chatdesk.local")
	tmB.binhTok, tmB.binh = b.login("binh@chatdesk.local")
	anWS, _ := b.dial(tmB.anTok, 0)
	binhWS, _ := b.dial(tmB.binhTok, 0)
	defer anWS.Close()
	conv := tmB.ownedBy(tmB.an.ID, "Khách Hai Nút", "0912000190")
	id := conv.Conversation.ID
	if st := b.do("PUT", "/api/agents/me/status", tmB.anTok, map[string]string{"status": "away"}, nil); st != 204 {
		t.Fatalf("away: %d", st)
	}
	var asked takeoverAnswer
	if st := a.do("POST", "/api/conversations/"+id+"/takeover", tmB.binhTok, nil, &asked); st != 200 {
		t.Fatalf("request on node A: %d", st)
	}
	// Node A stops (its timer dies with it); the result goes back for
	// the cleanup's stop.
	a.cancel()
	a.done <- <-a.done
	if ended := endedOf(t, binhWS, asked.Takeover.ID); ended.Outcome != chat.TakeoverPassed {
		t.Fatalf("outcome on node B: %+v", ended)
	}
	if got := tmB.assignee(id); got != tmB.binh.ID {
		t.Fatalf("owner %s, want Bình", got)
	}
	time.Sleep(500 * time.Millisecond) // two more janitor ticks
	for _, f := range binhWS.Frames() {
		if f.Type == protocol.EvtTakeoverEnded && strings.Contains(string(f.Data), asked.Takeover.ID) {
			t.Fatalf("ended twice: %s", f.Data)
		}
	}
}

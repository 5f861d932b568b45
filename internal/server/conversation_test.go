package server

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

func TestLoginAndTokens(t *testing.T) {
	n := startTeam(t)
	if n.an.Name != "An" || n.an.Role != chat.RoleAgent {
		t.Fatalf("agent = %+v", n.an)
	}
	visitor := n.newConversation("Khách", "0912345678", "")
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		status int
		code   string
	}{
		{"good token", "GET", "/api/auth/me", n.anTok, nil, 200, ""},
		{"wrong password", "POST", "/api/auth/login", "", map[string]string{"email": "an@chatdesk.local", "password": "sai-mat-khau"}, 401, "unauthorized"},
		{"unknown email", "POST", "/api/auth/login", "", map[string]string{"email": "ai@chatdesk.local", "password": "matkhau123"}, 401, "unauthorized"},
		{"object as password", "POST", "/api/auth/login", "", map[string]any{"email": "an@chatdesk.local", "password": map[string]string{"$ne": ""}}, 400, "invalid_input"},
		{"no token", "GET", "/api/auth/me", "", nil, 401, "unauthorized"},
		{"garbage token", "GET", "/api/auth/me", "abc.def.ghi", nil, 401, "unauthorized"},
		{"alg none", "GET", "/api/auth/me", algNone(n.an.ID), nil, 401, "unauthorized"},
		{"foreign key", "GET", "/api/auth/me", signed(t, "another-secret-another-secret-0000", n.an.ID, time.Hour), nil, 401, "unauthorized"},
		{"expired", "GET", "/api/auth/me", signed(t, n.cfg.JWTSecret, n.an.ID, -time.Hour), nil, 401, "unauthorized"},
		{"visitor token on agent route", "GET", "/api/conversations", visitor.VisitorToken, nil, 403, "forbidden"},
		{"agent on admin route", "GET", "/api/admin/agents", n.anTok, nil, 403, "forbidden"},
		{"anonymous on admin route", "GET", "/api/admin/settings", "", nil, 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e clienttest.ErrorAnswer
			st := n.do(tt.method, tt.path, tt.token, tt.body, &e)
			if st != tt.status || e.Error.Code != tt.code {
				t.Fatalf("got %d %q, want %d %q", st, e.Error.Code, tt.status, tt.code)
			}
			if tt.code != "" && e.Error.Message == "" {
				t.Fatal("error without a message")
			}
		})
	}
}

func TestFormValidationOverREST(t *testing.T) {
	n := startTeam(t)
	if st := n.do("POST", "/api/admin/form-fields", n.admin, map[string]any{"key": "product", "label": "Sản phẩm", "type": "select", "required": true, "options": []string{"Áo", "Quần"}, "enabled": true}, nil); st != 201 {
		t.Fatalf("create select: %d", st)
	}
	if st := n.do("POST", "/api/admin/form-fields", n.admin, map[string]any{"key": "agree", "label": "Đồng ý nhận tin", "type": "checkbox", "enabled": true}, nil); st != 201 {
		t.Fatalf("create checkbox: %d", st)
	}
	tests := []struct {
		name   string
		fields map[string]any
		errs   []string // fields expected in error
	}{
		{"valid", map[string]any{"name": "Lan", "phone": "+84 912 345 678", "product": "Áo", "agree": true}, nil},
		{"missing required", map[string]any{"product": "Áo"}, []string{"name", "phone"}},
		{"bad phone", map[string]any{"name": "Lan", "phone": "12345", "product": "Áo"}, []string{"phone"}},
		{"option not in list", map[string]any{"name": "Lan", "phone": "0912345678", "product": "Giày"}, []string{"product"}},
		{"checkbox as string", map[string]any{"name": "Lan", "phone": "0912345678", "product": "Áo", "agree": "yes"}, []string{"agree"}},
		{"object as name", map[string]any{"name": map[string]any{"$gt": ""}, "phone": "0912345678", "product": "Áo"}, []string{"name"}},
		{"unknown field", map[string]any{"name": "Lan", "phone": "0912345678", "product": "Áo", "hack": "x"}, []string{"hack"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out struct {
				clienttest.Created
				clienttest.ErrorAnswer
			}
			st := n.do("POST", "/api/conversations", "", map[string]any{"fields": tt.fields}, &out)
			if len(tt.errs) == 0 {
				if st != 201 || out.Conversation.Visitor.Phone != "0912345678" {
					t.Fatalf("status %d, conversation %+v", st, out.Conversation)
				}
				return
			}
			if st != 400 || out.Error.Code != "invalid_input" {
				t.Fatalf("status %d code %q", st, out.Error.Code)
			}
			for _, f := range tt.errs {
				if out.Error.Fields[f] == "" {
					t.Errorf("no error for field %s: %v", f, out.Error.Fields)
				}
			}
		})
	}
}

func TestRoundRobinSkipsOfflineAndDrainsQueue(t *testing.T) {
	n := startTeam(t)

	// Nobody online: conversations wait.
	waiting := []clienttest.Created{n.newConversation("Một", "0912000001", ""), n.newConversation("Hai", "0912000002", "")}
	for _, w := range waiting {
		if w.Conversation.Status != chat.StatusWaiting {
			t.Fatalf("status %s with nobody online", w.Conversation.Status)
		}
	}
	// An comes online: the queue drains to An, oldest first.
	anWS, _ := n.dial(n.anTok, 0)
	for _, w := range waiting {
		waitAssigned(t, n.node, n.anTok, w.Conversation.ID, n.an.ID)
	}
	_ = anWS
	// Both online: strict alternation.
	binhWS, _ := n.dial(n.binhTok, 0)
	counts := map[string]int{}
	for i := 0; i < 6; i++ {
		c := n.newConversation(fmt.Sprintf("Khách %d", i), fmt.Sprintf("09120001%02d", i), "")
		counts[c.Conversation.AssigneeID]++
	}
	if counts[n.an.ID] != 3 || counts[n.binh.ID] != 3 {
		t.Fatalf("assignment counts = %v", counts)
	}
	// Bình goes offline: everything goes to An.
	binhWS.Close()
	time.Sleep(200 * time.Millisecond)
	for i := 0; i < 3; i++ {
		c := n.newConversation("Sau", "0912000200", "")
		if c.Conversation.AssigneeID != n.an.ID {
			t.Fatalf("assigned to %q while Bình is offline", c.Conversation.AssigneeName)
		}
	}
}

func waitAssigned(t *testing.T, n *node, token, convID, agentID string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out struct {
			Conversation *chat.Conversation `json:"conversation"`
		}
		n.do("GET", "/api/conversations/"+convID, token, nil, &out)
		if out.Conversation != nil && out.Conversation.AssigneeID == agentID && out.Conversation.Status == chat.StatusAssigned {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("conversation %s not assigned to %s: %+v", convID, agentID, out.Conversation)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDefaultAgentMode(t *testing.T) {
	n := startTeam(t)
	if st := n.do("PUT", "/api/admin/settings", n.admin, map[string]any{
		"assignmentMode": "default", "defaultAgentId": n.binh.ID, "allowedOrigins": []string{"https://shop.example.vn"},
		"widgetColor": "#16a34a", "widgetTitle": "Hỗ trợ", "widgetGreeting": "Chào bạn",
	}, nil); st != 200 {
		t.Fatalf("save settings: %d", st)
	}
	n.dial(n.anTok, 0)
	n.dial(n.binhTok, 0)
	for i := 0; i < 3; i++ {
		c := n.newConversation("Khách", "0912000300", "")
		if c.Conversation.AssigneeID != n.binh.ID {
			t.Fatalf("default mode assigned to %q", c.Conversation.AssigneeName)
		}
	}
	var bad clienttest.ErrorAnswer
	if st := n.do("PUT", "/api/admin/settings", n.admin, map[string]any{"assignmentMode": "default", "defaultAgentId": "nobody", "widgetColor": "red", "widgetTitle": "x"}, &bad); st != 400 || bad.Error.Fields["defaultAgentId"] == "" || bad.Error.Fields["widgetColor"] == "" {
		t.Fatalf("invalid settings accepted: %d %+v", st, bad)
	}
}

func TestOnlyTheAssignedAgentReplies(t *testing.T) {
	n := startTeam(t)
	c := n.newConversation("Lan", "0987654321", "Cho em hỏi giá")
	id := c.Conversation.ID

	// Claim races: An wins, Bình is told who owns it.
	if st := n.do("POST", "/api/conversations/"+id+"/claim", n.anTok, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	var e clienttest.ErrorAnswer
	if st := n.do("POST", "/api/conversations/"+id+"/claim", n.binhTok, nil, &e); st != 409 || e.Error.Code != "already_assigned" {
		t.Fatalf("second claim: %d %s", st, e.Error.Code)
	}
	// Bình may not send: REST and WebSocket.
	if st := n.do("POST", "/api/conversations/"+id+"/messages", n.binhTok, map[string]string{"text": "Chào chị", "clientId": "b1"}, &e); st != 403 || e.Error.Code != "not_assigned" {
		t.Fatalf("REST send by non-owner: %d %s", st, e.Error.Code)
	}
	binhWS, _ := n.dial(n.binhTok, 0)
	if r := binhWS.Request(protocol.ReqMessageSend, map[string]string{"conversationId": id, "clientId": "b2", "text": "Chào chị"}); r.Type != protocol.EvtError || clienttest.Data[map[string]any](t, r)["code"] != "not_assigned" {
		t.Fatalf("WS send by non-owner: %s %s", r.Type, r.Data)
	}
	// Nor can Bình transfer An's conversation to himself.
	if st := n.do("POST", "/api/conversations/"+id+"/transfer", n.binhTok, map[string]string{"agentId": n.binh.ID}, &e); st != 403 || e.Error.Code != "not_assigned" {
		t.Fatalf("transfer by non-owner: %d %s (docs/api.md: 403 not_assigned)", st, e.Error.Code)
	}
	// An sends, then transfers to Bình; now An is refused and Bình may send.
	if st := n.do("POST", "/api/conversations/"+id+"/messages", n.anTok, map[string]string{"text": "Dạ em chào chị", "clientId": "a1"}, nil); st != 201 {
		t.Fatalf("owner send: %d", st)
	}
	if st := n.do("POST", "/api/conversations/"+id+"/transfer", n.anTok, map[string]string{"agentId": n.binh.ID}, nil); st != 200 {
		t.Fatalf("transfer: %d", st)
	}
	if st := n.do("POST", "/api/conversations/"+id+"/messages", n.anTok, map[string]string{"text": "còn em", "clientId": "a2"}, &e); st != 403 || e.Error.Code != "not_assigned" {
		t.Fatalf("old owner after transfer: %d %s", st, e.Error.Code)
	}
	if r := binhWS.Request(protocol.ReqMessageSend, map[string]string{"conversationId": id, "clientId": "b3", "text": "Em Bình tiếp nhận ạ"}); r.Type != protocol.EvtAck {
		t.Fatalf("new owner WS send: %s %s", r.Type, r.Data)
	}
	// An admin may transfer anyone's conversation.
	if st := n.do("POST", "/api/conversations/"+id+"/transfer", n.admin, map[string]string{"agentId": n.an.ID}, nil); st != 200 {
		t.Fatalf("admin transfer: %d", st)
	}
	// Resolve: nobody may reply until reopened; a visitor message reopens.
	if st := n.do("POST", "/api/conversations/"+id+"/resolve", n.anTok, nil, nil); st != 200 {
		t.Fatalf("resolve: %d", st)
	}
	if st := n.do("POST", "/api/conversations/"+id+"/messages", n.anTok, map[string]string{"text": "x", "clientId": "a3"}, &e); st != 403 {
		t.Fatalf("send after resolve: %d", st)
	}
	if st := n.do("POST", "/api/conversations/"+id+"/messages", c.VisitorToken, map[string]string{"text": "Em hỏi thêm", "clientId": "v1"}, nil); st != 201 {
		t.Fatalf("visitor send after resolve: %d", st)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var out struct{ Conversation *chat.Conversation }
		n.do("GET", "/api/conversations/"+id, n.anTok, nil, &out)
		if out.Conversation.Status != chat.StatusResolved {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("visitor message did not reopen the conversation")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The transcript holds the system notices of every change, in seq order.
	ms := n.messages(c.VisitorToken, id, 0)
	for i, m := range ms {
		if m.Seq != int64(i+1) {
			t.Fatalf("seq gap: message %d has seq %d", i, m.Seq)
		}
	}
	var system int
	for _, m := range ms {
		if m.SenderType == chat.SenderSystem {
			system++
		}
	}
	if system < 4 {
		t.Fatalf("expected system notices for claim, transfers, resolve; got %d", system)
	}
}

func TestVisitorCannotReadAnotherConversation(t *testing.T) {
	n := startNode(t)
	a := n.newConversation("A", "0912000401", "bí mật của A")
	b := n.newConversation("B", "0912000402", "bí mật của B")
	paths := []struct{ method, path string }{
		{"GET", "/api/conversations/" + b.Conversation.ID},
		{"GET", "/api/conversations/" + b.Conversation.ID + "/messages"},
		{"POST", "/api/conversations/" + b.Conversation.ID + "/messages"},
		{"POST", "/api/conversations/" + b.Conversation.ID + "/typing"},
	}
	for _, p := range paths {
		var e clienttest.ErrorAnswer
		st := n.do(p.method, p.path, a.VisitorToken, map[string]any{"text": "x", "clientId": "c1", "typing": true}, &e)
		if st != 404 || e.Error.Code != "not_found" {
			t.Errorf("%s %s with A's token: %d %s", p.method, p.path, st, e.Error.Code)
		}
	}
	ws, _ := n.dial(a.VisitorToken, 0)
	if r := ws.Request(protocol.ReqSync, map[string]any{"conversationId": b.Conversation.ID, "afterSeq": 0}); r.Type != protocol.EvtError {
		t.Fatalf("WS sync of B with A's token: %s", r.Type)
	}
	if r := ws.Request(protocol.ReqMessageSend, map[string]any{"conversationId": b.Conversation.ID, "clientId": "x1", "text": "x"}); r.Type != protocol.EvtError {
		t.Fatalf("WS send into B with A's token: %s", r.Type)
	}
	for _, m := range ws.MessagesUntilReplayDone() {
		if m.ConversationID != a.Conversation.ID {
			t.Fatalf("A received a message of %s", m.ConversationID)
		}
	}
	if ms := n.messages(b.VisitorToken, b.Conversation.ID, 0); len(ms) != 1 || ms[0].Text != "bí mật của B" {
		t.Fatalf("B's transcript changed: %+v", ms)
	}
}

func TestDuplicateClientIDStoredOnce(t *testing.T) {
	n := startNode(t)
	c := n.newConversation("Dup", "0912000500", "")
	path := "/api/conversations/" + c.Conversation.ID + "/messages"
	var first, second struct{ Message *chat.Message }
	if st := n.do("POST", path, c.VisitorToken, map[string]string{"text": "một lần thôi", "clientId": "same-1"}, &first); st != 201 {
		t.Fatalf("first send: %d", st)
	}
	if st := n.do("POST", path, c.VisitorToken, map[string]string{"text": "một lần thôi", "clientId": "same-1"}, &second); st != 200 {
		t.Fatalf("resend: %d", st)
	}
	if first.Message.ID != second.Message.ID || first.Message.Seq != second.Message.Seq {
		t.Fatalf("resend stored again: %+v vs %+v", first.Message, second.Message)
	}
	ws, _ := n.dial(c.VisitorToken, 0)
	ws.MessagesUntilReplayDone()
	r := ws.Request(protocol.ReqMessageSend, map[string]string{"clientId": "same-1", "text": "một lần thôi"})
	if got := clienttest.Data[struct{ Message *chat.Message }](t, r); got.Message.ID != first.Message.ID {
		t.Fatalf("WS resend got a new message %+v", got.Message)
	}
	if ms := n.messages(c.VisitorToken, c.Conversation.ID, 0); len(ms) != 1 {
		t.Fatalf("stored %d messages, want 1", len(ms))
	}
}

func TestResumeReplaysExactlyTheMissedMessages(t *testing.T) {
	n := startTeam(t)
	anWS, _ := n.dial(n.anTok, 0)
	c := n.newConversation("Resume", "0912000600", "tin đầu")
	waitAssigned(t, n.node, n.anTok, c.Conversation.ID, decodeAgentID(t, n.node, n.anTok))
	anWS.Request(protocol.ReqConversationJoin, map[string]any{"conversationId": c.Conversation.ID, "afterSeq": 0})
	anWS.MessagesUntilReplayDone()

	visitor, _ := n.dial(c.VisitorToken, 0)
	seen := visitor.MessagesUntilReplayDone()
	last := seen[len(seen)-1].Seq
	if last < 2 {
		// The owner is mirrored before the assignment notice is stored:
		// the notice may arrive live, after the replay.
		notice := clienttest.Data[struct{ Message *chat.Message }](t, visitor.WaitType(protocol.EvtMessageCreated))
		last = notice.Message.Seq
	}
	visitor.Close()

	var sent []string
	for i := 0; i < 5; i++ {
		text := fmt.Sprintf("trả lời %d", i)
		if r := anWS.Request(protocol.ReqMessageSend, map[string]string{"conversationId": c.Conversation.ID, "clientId": fmt.Sprintf("an-%d", i), "text": text}); r.Type != protocol.EvtAck {
			t.Fatalf("agent send: %s %s", r.Type, r.Data)
		}
		sent = append(sent, text)
	}
	again, _ := n.dial(c.VisitorToken, last)
	got := again.MessagesUntilReplayDone()
	if len(got) != len(sent) {
		t.Fatalf("replayed %d messages after seq %d, want %d", len(got), last, len(sent))
	}
	for i, m := range got {
		if m.Seq != last+int64(i)+1 || m.Text != sent[i] {
			t.Fatalf("replay[%d] = seq %d %q, want seq %d %q", i, m.Seq, m.Text, last+int64(i)+1, sent[i])
		}
	}
	// Live delivery continues after the replay. An event published just
	// before the socket subscribed may still arrive live: a copy of a
	// replayed message, which clients drop by seq; nothing else may come
	// before the new message.
	replayedUpTo := got[len(got)-1].Seq
	anWS.Request(protocol.ReqMessageSend, map[string]string{"conversationId": c.Conversation.ID, "clientId": "an-live", "text": "trực tiếp"})
	live := clienttest.Data[struct{ Message *chat.Message }](t, again.WaitFor(func(f clienttest.Frame) bool {
		if f.Type != protocol.EvtMessageCreated {
			return false
		}
		m := clienttest.Data[struct{ Message *chat.Message }](t, f).Message
		return m.Seq > replayedUpTo
	}, "the live message"))
	if live.Message.Text != "trực tiếp" || live.Message.Seq != replayedUpTo+1 {
		t.Fatalf("live message = %+v", live.Message)
	}
}

func decodeAgentID(t *testing.T, n *node, token string) string {
	var out struct{ Agent *chat.Agent }
	n.do("GET", "/api/auth/me", token, nil, &out)
	return out.Agent.ID
}

func TestTypingAndPresenceEvents(t *testing.T) {
	n := startTeam(t)
	binhWS, _ := n.dial(n.binhTok, 0)
	anWS, _ := n.dial(n.anTok, 0)
	p := clienttest.Data[map[string]any](t, binhWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtAgentPresence && clienttest.Data[map[string]any](t, f)["agentId"] == n.an.ID
	}, "An online"))
	if p["online"] != true {
		t.Fatalf("presence = %v", p)
	}
	// Bình goes away: no new assignments for him.
	if r := binhWS.Request(protocol.ReqAgentStatus, map[string]string{"status": "away"}); r.Type != protocol.EvtAck {
		t.Fatalf("status: %s", r.Data)
	}
	c := n.newConversation("Typing", "0912000700", "")
	if c.Conversation.AssigneeID != n.an.ID {
		t.Fatalf("assigned to %q while Bình is away", c.Conversation.AssigneeName)
	}
	anWS.Request(protocol.ReqConversationJoin, map[string]any{"conversationId": c.Conversation.ID, "afterSeq": 0})
	visitor, _ := n.dial(c.VisitorToken, 0)
	visitor.MessagesUntilReplayDone()

	anWS.Request(protocol.ReqTyping, map[string]any{"conversationId": c.Conversation.ID, "typing": true})
	ty := clienttest.Data[map[string]any](t, visitor.WaitType(protocol.EvtTyping))
	if ty["senderType"] != "agent" || ty["senderName"] != "An" || ty["typing"] != true {
		t.Fatalf("visitor saw typing %v", ty)
	}
	visitor.Request(protocol.ReqTyping, map[string]any{"typing": true})
	ty = clienttest.Data[map[string]any](t, anWS.WaitType(protocol.EvtTyping))
	if ty["senderType"] != "visitor" {
		t.Fatalf("agent saw typing %v", ty)
	}
	// An leaves: Bình sees An offline.
	anWS.Close()
	p = clienttest.Data[map[string]any](t, binhWS.WaitFor(func(f clienttest.Frame) bool {
		d := clienttest.Data[map[string]any](t, f)
		return f.Type == protocol.EvtAgentPresence && d["agentId"] == n.an.ID && d["online"] == false
	}, "An offline"))
	if p["status"] != "offline" {
		t.Fatalf("presence = %v", p)
	}
}

func TestSearchByNamePhoneAndDate(t *testing.T) {
	n := startTeam(t)
	n.newConversation("Nguyễn Văn Bình", "0912 345 678", "")
	n.newConversation("Trần Thị Lan", "0987654321", "")
	n.newConversation("Lê Đức", "+84 355 123 456", "")
	search := func(q string, extra string) []string {
		var out struct{ Items []*chat.Conversation }
		if st := n.do("GET", "/api/conversations?q="+url.QueryEscape(q)+extra, n.anTok, nil, &out); st != 200 {
			t.Fatalf("search %q: %d", q, st)
		}
		var names []string
		for _, c := range out.Items {
			names = append(names, c.Visitor.Name)
		}
		return names
	}
	// Names are found through the search index, which the indexer brings
	// up to date about a second after a conversation is created.
	checkfor.Eventually(t, 20*time.Second, func() (bool, string) {
		got := fmt.Sprint(search("binh", ""), search("Lan", ""), search("duc", ""))
		return got == "[Nguyễn Văn Bình] [Trần Thị Lan] [Lê Đức]", got
	})
	tests := []struct {
		q, extra string
		want     []string
	}{
		{"binh", "", []string{"Nguyễn Văn Bình"}},
		{"Lan", "", []string{"Trần Thị Lan"}},
		{"duc", "", []string{"Lê Đức"}},
		{"0912 345", "", []string{"Nguyễn Văn Bình"}},
		{"+84912345", "", []string{"Nguyễn Văn Bình"}},
		{"912345678", "", []string{"Nguyễn Văn Bình"}},
		{"0355", "", []string{"Lê Đức"}},
		// a date alone is a day in Vietnam (UTC+7), whatever the machine's zone
		{"", "&from=" + time.Now().In(chat.Vietnam).AddDate(0, 0, 1).Format("2006-01-02"), nil},
		{"lan", "&from=" + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + "&to=" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339), []string{"Trần Thị Lan"}},
		{"", "&status=resolved", nil},
	}
	for _, tt := range tests {
		got := search(tt.q, tt.extra)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("search %q%s = %v, want %v", tt.q, tt.extra, got, tt.want)
		}
	}
	var e clienttest.ErrorAnswer
	if st := n.do("GET", "/api/conversations?from=yesterday", n.anTok, nil, &e); st != 400 || e.Error.Fields["from"] == "" {
		t.Fatalf("bad date: %d %+v", st, e)
	}
}

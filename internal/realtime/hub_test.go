package realtime

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// The protocol's promises, checked against a hub whose service is a fake:
// no Redis, no MongoDB.

// fakeDesk serves every interface the hub consumes. The token "visitor"
// is the visitor of conversation c1, "agent" an agent.
type fakeDesk struct {
	mu  sync.Mutex
	seq int64
}

var testAgent = &chat.Agent{ID: "a1", Name: "An", Role: chat.RoleAgent}

func (f *fakeDesk) Authenticate(_ context.Context, token string) (desk.Actor, error) {
	switch token {
	case "visitor":
		return desk.Actor{Visitor: true, ConversationID: "c1"}, nil
	case "agent":
		return desk.Actor{Agent: testAgent}, nil
	}
	return desk.Actor{}, chat.ErrUnauthorized
}

func (f *fakeDesk) ConversationForSession(_ context.Context, actor desk.Actor, id string) (*chat.Conversation, error) {
	if actor.Visitor && id != actor.ConversationID {
		return nil, chat.ErrNotFound
	}
	return &chat.Conversation{ID: id, Status: chat.StatusWaiting}, nil
}

func (f *fakeDesk) SendMessage(_ context.Context, _ desk.Actor, conversationID, clientID, text string) (*chat.Message, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return &chat.Message{ID: chat.NewID(), ConversationID: conversationID, Seq: f.seq, ClientID: clientID, Text: text}, false, nil
}

func (f *fakeDesk) SetTyping(context.Context, desk.Actor, string, bool) error { return nil }
func (f *fakeDesk) MarkRead(context.Context, desk.Actor, string) error        { return nil }
func (f *fakeDesk) Replay(context.Context, desk.Actor, string, int64, int) ([]*chat.Message, error) {
	return nil, nil
}
func (f *fakeDesk) AgentOnline(context.Context, *chat.Agent) func()          { return func() {} }
func (f *fakeDesk) AgentOffline(context.Context, *chat.Agent)                {}
func (f *fakeDesk) Heartbeat(context.Context, []string) error                { return nil }
func (f *fakeDesk) HeartbeatEvery() time.Duration                            { return time.Hour }
func (f *fakeDesk) SetAgentStatus(context.Context, desk.Actor, string) error { return nil }
func (f *fakeDesk) Agents(context.Context, desk.Actor) ([]chat.AgentView, error) {
	return nil, nil
}
func (f *fakeDesk) SupportOnline(context.Context) bool                  { return false }
func (f *fakeDesk) OriginAllowed(context.Context, string, string) bool  { return true }
func (f *fakeDesk) ObserveConversationEvent(*chat.Conversation, string) {}
func (f *fakeDesk) ForgetCachedConversations()                          {}
func (f *fakeDesk) Subscribe(context.Context, string) error             { return nil }
func (f *fakeDesk) Unsubscribe(context.Context, ...string) error        { return nil }

// startHub serves a hub on a fake service; it returns the hub and its
// WebSocket URL. The hub is drained when the test ends.
func startHub(t *testing.T) (*Hub, string) {
	t.Helper()
	f := &fakeDesk{}
	h := New(Deps{
		Auth: f, Sessions: f, Messages: f, Presence: f, Origins: f, Cache: f, Bus: f,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, Config{NodeID: "test"})
	if err := h.Start(context.Background()); err != nil {
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
	return h, clienttest.WSURL(srv.URL)
}

func dialVisitor(t *testing.T, url string) *clienttest.Conn {
	t.Helper()
	c, _ := clienttest.DialHello(t, url, "visitor", 0)
	c.WaitType(protocol.EvtReplayDone)
	return c
}

// Each request that carries an id gets exactly one reply, whatever is
// wrong with it: the id is answered even when the type is missing, empty
// or not a string.
func TestEveryRequestWithAnIDGetsExactlyOneReply(t *testing.T) {
	_, url := startHub(t)
	c := dialVisitor(t, url)
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
		{"m8", `{"id":"m8","type":"` + protocol.ReqHello + `","data":{"token":"visitor"}}`, chat.EINVALID},
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
	_, url := startHub(t)
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
	_, url := startHub(t)
	t.Run("valid JSON before hello", func(t *testing.T) {
		c := clienttest.Dial(t, url, wsclient.ConnOptions{})
		c.WriteBinary([]byte(`{"type":"` + protocol.ReqHello + `","id":"h","data":{"token":"visitor"}}`))
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
		c := dialVisitor(t, url)
		c.WriteBinary([]byte{0x00, 0xff, 0x13, 0x37})
		if code := c.WaitClosed(5 * time.Second); code != protocol.CloseUnsupportedData {
			t.Fatalf("closed with %d, want %d", code, protocol.CloseUnsupportedData)
		}
	})
}

// A text frame that is not UTF-8 closes the socket with 1007 (RFC 6455
// §8.1), even when it would otherwise be a valid request.
func TestInvalidUTF8ClosesWith1007(t *testing.T) {
	_, url := startHub(t)
	c := dialVisitor(t, url)
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
	h, url := startHub(t)
	ready := dialVisitor(t, url)
	fresh := clienttest.Dial(t, url, wsclient.ConnOptions{})
	agent, _ := clienttest.DialHello(t, url, "agent", 0)
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

package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/realtime"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// node is one chatdesk node running in-process against real Redis and a
// real MongoDB-wire server, with its own database and key prefix.
type node struct {
	t      *testing.T
	base   string
	cancel context.CancelFunc
	done   chan error
	cfg    config.Config
}

var testAccounts = []desk.AgentInput{
	{Email: "an@chatdesk.local", Name: "An", Role: chat.RoleAgent, Password: "matkhau123"},
	{Email: "binh@chatdesk.local", Name: "Bình", Role: chat.RoleAgent, Password: "matkhau123"},
	{Email: "admin@chatdesk.local", Name: "Quản trị", Role: chat.RoleAdmin, Password: "matkhau123"},
}

func startNode(t *testing.T, tweak ...func(*config.Config)) *node {
	t.Helper()
	return runNode(t, nodeConfig(t, tweak...))
}

// startNodeWithClock starts a node whose service reads time from clock
// (installed before the node serves), to write data at chosen times.
func startNodeWithClock(t *testing.T, clock desk.Clock) *node {
	t.Helper()
	return runNodeWith(t, nodeConfig(t), nil, func(c *desk.Config) { c.Clock = clock })
}

// startTwoNodes starts two nodes sharing one MongoDB database and one Redis
// key prefix: a cluster in one process.
func startTwoNodes(t *testing.T) (*node, *node) {
	t.Helper()
	cfg := nodeConfig(t)
	a := runNode(t, cfg)
	cfg.NodeID += "-b"
	return a, runNode(t, cfg)
}

func nodeConfig(t *testing.T, tweak ...func(*config.Config)) config.Config {
	t.Helper()
	env := map[string]string{
		"CHATDESK_ENV":          "development",
		"CHATDESK_ADDR":         "127.0.0.1:0",
		"CHATDESK_NODE_ID":      testenv.UniqueName("n"),
		"CHATDESK_MONGO_URI":    testenv.MongoURI(t),
		"CHATDESK_MONGO_DB":     testenv.DBName(t),
		"CHATDESK_REDIS_URL":    "redis://" + testenv.RedisAddr(t) + "/0",
		"CHATDESK_REDIS_PREFIX": testenv.UniqueName("t"),
		"CHATDESK_LOG_FORMAT":   "text",
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tweak {
		f(&cfg)
	}
	return cfg
}

func runNode(t *testing.T, cfg config.Config) *node {
	t.Helper()
	return runNodeWith(t, cfg, nil, nil)
}

// runNodeRT is runNode with the WebSocket hub's settings adjusted by rt.
func runNodeRT(t *testing.T, cfg config.Config, rt func(*realtime.Config)) *node {
	t.Helper()
	return runNodeWith(t, cfg, rt, nil)
}

// runNodeWith is runNode with the hub's and the core's settings adjusted.
func runNodeWith(t *testing.T, cfg config.Config, rt func(*realtime.Config), dk func(*desk.Config)) *node {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{t: t, cancel: cancel, done: make(chan error, 1), cfg: cfg}
	addr := make(chan string, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		n.done <- Run(ctx, cfg, log, Hooks{
			AfterSetup: func(ctx context.Context, core *desk.Core) error {
				for _, a := range testAccounts {
					if _, err := core.Admin.CreateAgentUnchecked(ctx, a); err != nil && chat.ErrorCode(err) != chat.ECONFLICT {
						return err
					}
				}
				return nil
			},
			Listening: func(a string) { addr <- a },
			Realtime:  rt,
			Desk:      dk,
		})
	}()
	select {
	case a := <-addr:
		n.base = "http://" + a
	case err := <-n.done:
		t.Fatalf("node failed to start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("node did not start")
	}
	t.Cleanup(n.stop)
	return n
}

func (n *node) stop() {
	n.cancel()
	select {
	case <-n.done:
	case <-time.After(20 * time.Second):
		n.t.Error("node did not stop")
	}
}

// do sends a JSON request and decodes the JSON answer into out (if non-nil).
func (n *node) do(method, path, token string, body any, out any) int {
	n.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			n.t.Fatalf("%s %s: decoding %q: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode
}

type errorAnswer struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func (n *node) login(email string) (string, *chat.Agent) {
	n.t.Helper()
	var out struct {
		Token string      `json:"token"`
		Agent *chat.Agent `json:"agent"`
	}
	if st := n.do("POST", "/api/auth/login", "", map[string]string{"email": email, "password": "matkhau123"}, &out); st != 200 {
		n.t.Fatalf("login %s: %d", email, st)
	}
	return out.Token, out.Agent
}

type created struct {
	Conversation *chat.Conversation `json:"conversation"`
	VisitorToken string             `json:"visitorToken"`
}

func (n *node) newConversation(name, phone, message string) created {
	n.t.Helper()
	fields := map[string]any{"name": name, "phone": phone}
	if message != "" {
		fields["message"] = message
	}
	var out created
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": fields, "pageUrl": "https://shop.example.vn/sp/1"}, &out); st != 201 {
		n.t.Fatalf("create conversation: %d", st)
	}
	return out
}

// waitAssigned waits until conversation id is assigned to the agent named
// name. The create request's own answer may still say waiting: a queue
// drain (janitor, or an agent coming online) that locked the conversation
// first assigns it instead, a moment later.
func (n *node) waitAssigned(token, id, name string) {
	n.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got struct{ Conversation *chat.Conversation }
		n.do("GET", "/api/conversations/"+id, token, nil, &got)
		if got.Conversation != nil && got.Conversation.AssigneeName == name {
			return
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("conversation %s not assigned to %s: %+v", id, name, got.Conversation)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (n *node) messages(token, convID string, after int64) []*chat.Message {
	n.t.Helper()
	var out struct {
		Items []*chat.Message `json:"items"`
	}
	if st := n.do("GET", fmt.Sprintf("/api/conversations/%s/messages?after=%d", convID, after), token, nil, &out); st != 200 {
		n.t.Fatalf("messages: %d", st)
	}
	return out.Items
}

// wsClient is a protocol client that records every frame it receives.
type wsClient struct {
	t         *testing.T
	conn      *websocket.Conn
	mu        sync.Mutex
	frames    []frame
	notify    chan struct{}
	closed    chan struct{}
	closeCode int
	seq       int
}

type frame struct {
	Type string          `json:"type"`
	ID   string          `json:"id"`
	Data json.RawMessage `json:"data"`
}

func (n *node) dial(token string, lastSeq int64) (*wsClient, frame) {
	n.t.Helper()
	c := n.dialRaw()
	ready := c.request("hello", map[string]any{"token": token, "lastSeq": lastSeq})
	if ready.Type != "session.ready" {
		n.t.Fatalf("hello answered %s %s", ready.Type, ready.Data)
	}
	return c, ready
}

// wsURL is the node's WebSocket endpoint.
func (n *node) wsURL() string { return "ws" + strings.TrimPrefix(n.base, "http") + "/ws" }

func (n *node) dialRaw() *wsClient {
	n.t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial(n.wsURL(), nil)
	if err != nil {
		n.t.Fatalf("dial: %v", err)
	}
	c := &wsClient{t: n.t, conn: conn, notify: make(chan struct{}, 1), closed: make(chan struct{})}
	go c.read()
	n.t.Cleanup(func() { conn.Close() })
	return c
}

func (c *wsClient) read() {
	defer close(c.closed)
	for {
		_, raw, err := c.conn.ReadMessage()
		if err != nil {
			if ce, ok := err.(*websocket.CloseError); ok {
				c.mu.Lock()
				c.closeCode = ce.Code
				c.mu.Unlock()
			}
			return
		}
		var f frame
		if json.Unmarshal(raw, &f) != nil {
			continue
		}
		c.mu.Lock()
		c.frames = append(c.frames, f)
		c.mu.Unlock()
		select {
		case c.notify <- struct{}{}:
		default:
		}
	}
}

// request sends a frame with a fresh id and waits for the reply with that id.
func (c *wsClient) request(typ string, data any) frame {
	c.t.Helper()
	c.seq++
	id := fmt.Sprintf("r%d", c.seq)
	c.sendFrame(typ, id, data)
	return c.waitFor(func(f frame) bool { return f.ID == id }, typ+" reply")
}

func (c *wsClient) sendFrame(typ, id string, data any) {
	c.t.Helper()
	if err := c.trySendFrame(typ, id, data); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// trySendFrame writes one frame and returns the write error, for tests in
// which the server may legitimately close the connection mid-write.
func (c *wsClient) trySendFrame(typ, id string, data any) error {
	b, _ := json.Marshal(map[string]any{"type": typ, "id": id, "data": data})
	return c.conn.WriteMessage(websocket.TextMessage, b)
}

// waitFor returns the first recorded frame matching pred (and consumes it).
func (c *wsClient) waitFor(pred func(frame) bool, what string) frame {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		for i, f := range c.frames {
			if pred(f) {
				c.frames = append(c.frames[:i:i], c.frames[i+1:]...)
				c.mu.Unlock()
				return f
			}
		}
		c.mu.Unlock()
		select {
		case <-c.notify:
		case <-c.closed:
			// drain what arrived before the close
			c.mu.Lock()
			for i, f := range c.frames {
				if pred(f) {
					c.frames = append(c.frames[:i:i], c.frames[i+1:]...)
					c.mu.Unlock()
					return f
				}
			}
			c.mu.Unlock()
			c.t.Fatalf("connection closed while waiting for %s", what)
		case <-deadline:
			c.t.Fatalf("timeout waiting for %s", what)
		}
	}
}

func (c *wsClient) waitType(typ string) frame {
	c.t.Helper()
	return c.waitFor(func(f frame) bool { return f.Type == typ }, typ)
}

// messagesUntilReplayDone collects message.created frames up to replay.done.
func (c *wsClient) messagesUntilReplayDone() []*chat.Message {
	c.t.Helper()
	var out []*chat.Message
	for {
		f := c.waitFor(func(f frame) bool { return f.Type == "message.created" || f.Type == "replay.done" }, "replay")
		if f.Type == "replay.done" {
			return out
		}
		var d struct {
			Message *chat.Message `json:"message"`
		}
		_ = json.Unmarshal(f.Data, &d)
		out = append(out, d.Message)
	}
}

func decodeData[T any](t *testing.T, f frame) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(f.Data, &v); err != nil {
		t.Fatalf("decode %s: %v", f.Type, err)
	}
	return v
}

func (c *wsClient) close() {
	_ = c.conn.Close()
	<-c.closed
}

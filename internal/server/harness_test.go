package server

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/realtime"
	"github.com/chatdesk/chatdesk/internal/testenv"
	"github.com/chatdesk/chatdesk/internal/wsclient"
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

// team is a node with the three test accounts logged in, as most tests
// begin.
type team struct {
	*node
	admin          string // the admin's token
	anTok, binhTok string
	an, binh       *chat.Agent
}

// startTeam starts a node (see startNode) and logs its accounts in.
func startTeam(t *testing.T, tweak ...func(*config.Config)) *team {
	t.Helper()
	tm := &team{node: startNode(t, tweak...)}
	tm.admin, _ = tm.login("admin@chatdesk.local")
	tm.anTok, tm.an = tm.login("an@chatdesk.local")
	tm.binhTok, tm.binh = tm.login("binh@chatdesk.local")
	return tm
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
		// Tests poll transcripts (waitMessage) many times a second; the
		// per-reader read limit is tested on its own (readlimit_test.go).
		"CHATDESK_RATE_LIMITS": "read-sender=1000000/1m",
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

// api is the node's REST API, bound to the test that started the node.
func (n *node) api() *clienttest.API { return clienttest.NewAPI(n.t, n.base) }

// do sends a JSON request and decodes the JSON answer into out (if non-nil).
func (n *node) do(method, path, token string, body any, out any) int {
	n.t.Helper()
	return n.api().Do(method, path, token, body, out)
}

func (n *node) login(email string) (string, *chat.Agent) {
	n.t.Helper()
	return n.api().Login(email, "matkhau123")
}

func (n *node) newConversation(name, phone, message string) clienttest.Created {
	n.t.Helper()
	fields := map[string]any{"name": name, "phone": phone}
	if message != "" {
		fields["message"] = message
	}
	return n.api().NewConversation(fields, "https://shop.example.vn/sp/1")
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
	return n.api().Messages(token, convID, after)
}

// dial opens a socket and completes its hello; it returns the
// session.ready.
func (n *node) dial(token string, lastSeq int64) (*clienttest.Conn, clienttest.Frame) {
	n.t.Helper()
	return clienttest.DialHello(n.t, n.wsURL(), token, lastSeq)
}

// wsURL is the node's WebSocket endpoint.
func (n *node) wsURL() string { return clienttest.WSURL(n.base) }

// dialRaw opens a socket and sends nothing.
func (n *node) dialRaw() *clienttest.Conn {
	n.t.Helper()
	return clienttest.Dial(n.t, n.wsURL(), wsclient.ConnOptions{})
}

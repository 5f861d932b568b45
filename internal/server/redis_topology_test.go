package server

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// Redis deployments beyond one server (issue #13): a node on Sentinel and
// on a Redis Cluster, and the script cache emptied under a running node.

// TestRedisRestartLeavesNoConversationStuck (issue #13, item 5): Redis
// restarted without persistence has no script cached. The first message
// into a conversation after it makes the activity flush take and release
// the conversation's lock by script; were the release lost (EVALSHA
// answered NOSCRIPT), the lock would stay 10 s and a claim would wait 5 s
// and answer 409. A claim and a transfer answer within a second.
func TestRedisRestartLeavesNoConversationStuck(t *testing.T) {
	r := testenv.StartRedis(t)
	n := startNode(t, func(c *config.Config) { c.RedisURL = "redis://" + r.Addr + "/0" })
	noStuckConversation(t, n, func() {
		r.Restart()
		waitReady(t, n)
	})
}

// TestRedisClusterFailoverLeavesNoConversationStuck: the same on a Redis
// Cluster after every shard failed over to its replica (a promoted replica
// has no script cached either: scripts replicate as their effects).
func TestRedisClusterFailoverLeavesNoConversationStuck(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Redis Cluster")
	}
	rc := testenv.StartRedisCluster(t, 3, 1)
	n := startNode(t, func(c *config.Config) { c.RedisMode, c.RedisURL = "cluster", rc.URL() })
	noStuckConversation(t, n, func() {
		for _, m := range rc.Masters() {
			rc.Failover(m)
		}
		waitReady(t, n)
	})
}

func waitReady(t *testing.T, n *node) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(n.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node not ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func noStuckConversation(t *testing.T, n *node, disrupt func()) {
	anTok, _ := n.login("an@chatdesk.local")
	_, binh := n.login("binh@chatdesk.local")
	// Nobody is online: the conversation waits, to be claimed.
	c := n.newConversation("Khởi động lại", "0912000901", "trước sự cố")
	id := c.Conversation.ID
	disrupt()
	if st := n.do("POST", "/api/conversations/"+id+"/messages", c.VisitorToken, map[string]string{"text": "sau sự cố", "clientId": "after"}, nil); st != 201 {
		t.Fatalf("visitor send after the disruption: %d", st)
	}
	// The activity flush (every 200 ms) took and released the lock.
	time.Sleep(500 * time.Millisecond)
	for _, step := range []struct {
		what string
		path string
		body any
	}{
		{"claim", "/claim", nil},
		{"transfer", "/transfer", map[string]string{"agentId": binh.ID}},
	} {
		start := time.Now()
		var e clienttest.ErrorAnswer
		st := n.do("POST", "/api/conversations/"+id+step.path, anTok, step.body, &e)
		took := time.Since(start)
		t.Logf("%s after the disruption: %d in %s", step.what, st, took.Round(time.Millisecond))
		if st != 200 || took > time.Second {
			t.Fatalf("%s answered %d %s after %s: the conversation's lock was left behind", step.what, st, e.Error.Code, took)
		}
	}
}

// twoNodesOn starts two nodes sharing a Redis topology (and a database).
func twoNodesOn(t *testing.T, mode, url string) (*node, *node) {
	t.Helper()
	cfg := nodeConfig(t, func(c *config.Config) { c.RedisMode, c.RedisURL = mode, url })
	a := runNode(t, cfg)
	cfg.NodeID += "-b"
	return a, runNode(t, cfg)
}

// crossNode: visitors on node a, their agent on node b, for conversations
// spread over every bus partition: each side sees the other's messages.
func crossNode(t *testing.T, a, b *node, conversations int, tag string) {
	t.Helper()
	anTok, _ := b.login("an@chatdesk.local")
	agent, _ := b.dial(anTok, 0) // An online on node b: conversations go to An
	defer agent.Close()
	type conv struct {
		id      string
		visitor *clienttest.Conn
	}
	convs := make([]conv, conversations)
	for i := range convs {
		c := a.newConversation(fmt.Sprintf("Khách %s %d", tag, i), fmt.Sprintf("09120%05d", i), "")
		a.waitAssigned(anTok, c.Conversation.ID, "An")
		agent.Request(protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: c.Conversation.ID})
		v, _ := a.dial(c.VisitorToken, 0)
		defer v.Close()
		convs[i] = conv{c.Conversation.ID, v}
	}
	isMessage := func(id, text string) func(clienttest.Frame) bool {
		return func(f clienttest.Frame) bool {
			if f.Type != protocol.EvtMessageCreated {
				return false
			}
			m := clienttest.Data[protocol.MessageCreated](t, f).Message
			return m != nil && m.ConversationID == id && m.Text == text
		}
	}
	for i, c := range convs {
		text := fmt.Sprintf("khách %s %d hỏi", tag, i)
		if r := c.visitor.Request(protocol.ReqMessageSend, protocol.MessageSend{ClientID: "v" + tag, Text: text}); r.Type != protocol.EvtAck {
			t.Fatalf("visitor send: %s %s", r.Type, r.Data)
		}
		agent.WaitFor(isMessage(c.id, text), "visitor message on node b")
		reply := fmt.Sprintf("An %s trả lời %d", tag, i)
		if r := agent.Request(protocol.ReqMessageSend, protocol.MessageSend{ConversationID: c.id, ClientID: "a" + tag, Text: reply}); r.Type != protocol.EvtAck {
			t.Fatalf("agent send: %s %s", r.Type, r.Data)
		}
		c.visitor.WaitFor(isMessage(c.id, reply), "agent reply on node a")
	}
}

func TestTwoNodesOnSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Sentinel deployment")
	}
	s := testenv.StartSentinel(t)
	a, b := twoNodesOn(t, "sentinel", s.URL())
	crossNode(t, a, b, 4, "s")
}

func TestTwoNodesOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Redis Cluster")
	}
	rc := testenv.StartRedisCluster(t, 3, 1)
	a, b := twoNodesOn(t, "cluster", rc.URL())
	// 30 conversations: most of the 24 bus partitions, every shard.
	crossNode(t, a, b, 30, "c")
}

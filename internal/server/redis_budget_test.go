package server

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// monitor counts the commands a redis-server receives from its clients
// (MONITOR tags each command with its client's address, or "lua" for the
// calls a script makes: those are not counted).
type monitor struct {
	conn net.Conn
	mu   sync.Mutex
	cmds map[string]int
	n    int
}

func startMonitor(t *testing.T, addr string) *monitor {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	m := &monitor{conn: conn, cmds: map[string]int{}}
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		t.Fatalf("MONITOR: %q %v", line, err)
	}
	go func() {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			// +1733300000.123456 [0 127.0.0.1:50000] "EVALSHA" "…" …
			i, j := strings.IndexByte(line, '['), strings.IndexByte(line, ']')
			if i < 0 || j < i || strings.Contains(line[i:j], "lua") {
				continue
			}
			cmd := line[j+1:]
			if k := strings.IndexByte(cmd[2:], '"'); k >= 0 {
				cmd = strings.ToLower(cmd[2 : 2+k])
			}
			m.mu.Lock()
			m.cmds[cmd]++
			m.n++
			m.mu.Unlock()
		}
	}()
	return m
}

// take returns what was counted since the last take.
func (m *monitor) take() (int, map[string]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, cmds := m.n, m.cmds
	m.n, m.cmds = 0, map[string]int{}
	return n, cmds
}

// TestAMessageCostsAtMostThreeRedisCommands holds the send path to its
// Redis budget (issue #13): one script before the write, the publish
// after it (with the inbox update in the same pipeline), for a visitor's
// and for an agent's message. Commands are counted by the server, without
// what scripts call inside; the node's background work (heartbeats,
// janitor) over the same time is measured apart and taken off.
func TestAMessageCostsAtMostThreeRedisCommands(t *testing.T) {
	redis := testenv.StartRedis(t)
	n := startNode(t, func(c *config.Config) { c.RedisURL = "redis://" + redis.Addr + "/0" })
	anTok, _ := n.login("an@chatdesk.local")
	agent, _ := n.dial(anTok, 0) // online: the conversation is An's
	c := n.newConversation("Ngân sách", "0912000801", "tin đầu")
	n.waitAssigned(anTok, c.Conversation.ID, "An")
	agent.Request(protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: c.Conversation.ID})
	visitor, _ := n.dial(c.VisitorToken, 0)
	visitor.WaitType(protocol.EvtReplayDone)

	send := func(ws *clienttest.Conn, who string, i int) {
		r := ws.Request(protocol.ReqMessageSend, protocol.MessageSend{ConversationID: c.Conversation.ID, ClientID: fmt.Sprintf("%s-%d", who, i), Text: "xin chào"})
		if r.Type != protocol.EvtAck {
			t.Fatalf("%s send: %s %s", who, r.Type, r.Data)
		}
	}
	for i := 0; i < 3; i++ { // warm: counters seeded, caches filled
		send(visitor, "warm-v", i)
		send(agent, "warm-a", i)
	}
	time.Sleep(1500 * time.Millisecond) // trailing inbox updates, touches

	m := startMonitor(t, redis.Addr)
	const window = 3 * time.Second
	time.Sleep(window)
	idle, idleCmds := m.take()

	const messages = 40
	start := time.Now()
	for i := 0; i < messages/2; i++ {
		send(visitor, "v", i)
		send(agent, "a", i)
	}
	time.Sleep(window - time.Since(start))
	busy, busyCmds := m.take()
	perMessage := float64(busy-idle) / messages
	t.Logf("%d commands for %d messages, %d idle over %s: %.2f a message; busy %v, idle %v", busy, messages, idle, window, perMessage, busyCmds, idleCmds)
	if perMessage > 3 {
		t.Fatalf("%.2f Redis commands a message, want at most 3 (busy %v, idle %v)", perMessage, busyCmds, idleCmds)
	}
}

// TestAConversationStartCostsItsRedisBudget holds the creation of a
// conversation (form checks, blocks, the contact lock, routing, the reply
// lock, the first message, the events) to a measured budget, so that a
// feature adding round trips to it does so knowingly. Counted as above;
// every creation here is routed to an online agent.
func TestAConversationStartCostsItsRedisBudget(t *testing.T) {
	// Measured 2026-12-05: 23.2 a conversation (evalsha 9, publish 7, set
	// 3, smembers 2, zrange 2, get 1, hmget 1); a little headroom for the
	// background work the idle window does not quite cancel.
	const budget = 26
	redis := testenv.StartRedis(t)
	n := startNode(t, func(c *config.Config) { c.RedisURL = "redis://" + redis.Addr + "/0" })
	anTok, _ := n.login("an@chatdesk.local")
	n.dial(anTok, 0)
	n.newConversation("Khởi động", "0912000810", "tin đầu") // warm
	time.Sleep(1500 * time.Millisecond)

	m := startMonitor(t, redis.Addr)
	const window = 4 * time.Second
	time.Sleep(window)
	idle, idleCmds := m.take()

	const conversations = 10
	start := time.Now()
	for i := 0; i < conversations; i++ {
		n.newConversation(fmt.Sprintf("Khách %d", i), fmt.Sprintf("09120008%02d", 20+i), "xin chào")
	}
	if d := time.Since(start); d < window {
		time.Sleep(window - d)
	}
	busy, busyCmds := m.take()
	perConversation := float64(busy-idle) / conversations
	t.Logf("%d commands for %d conversations, %d idle over %s: %.1f a conversation; busy %v, idle %v", busy, conversations, idle, window, perConversation, busyCmds, idleCmds)
	if perConversation > budget {
		t.Fatalf("%.1f Redis commands a conversation, want at most %d (busy %v, idle %v)", perConversation, budget, busyCmds, idleCmds)
	}
}

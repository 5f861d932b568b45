package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// TestWebhookCostOnTheMessagePath measures what webhooks add to a
// message: with endpoints that do not take message.created, nothing (the
// Redis budget of TestAMessageCostsAtMostThreeRedisCommands holds); with
// one that does, the delivery's insert (batched, run while the event is
// published) on the send path, and the claim and its release (one script
// each per batch of deliveries) in the background. Acknowledgement times
// are logged for both (docs/architecture.md "Webhooks" quotes them).
func TestWebhookCostOnTheMessagePath(t *testing.T) {
	redis := testenv.StartRedis(t)
	tm := startTeam(t, func(c *config.Config) {
		c.RedisURL = "redis://" + redis.Addr + "/0"
		c.RateLimits = map[string]config.RateLimit{"msg-visitor": {Limit: 100000, Period: time.Minute}}
	})
	var got atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { got.Add(1); w.WriteHeader(204) }))
	defer rcv.Close()
	ep := tm.createWebhook(map[string]any{"url": rcv.URL, "events": []string{"conversation.created"}, "allowPrivate": true, "enabled": true})

	agent, _ := tm.dial(tm.anTok, 0)
	c := tm.newConversation("Chi phí", "0912000961", "tin đầu")
	tm.waitAssigned(tm.anTok, c.Conversation.ID, "An")
	agent.Request(protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: c.Conversation.ID})
	visitor, _ := tm.dial(c.VisitorToken, 0)
	visitor.WaitType(protocol.EvtReplayDone)
	var acks []time.Duration
	send := func(ws *clienttest.Conn, id string) {
		start := time.Now()
		if r := ws.Request(protocol.ReqMessageSend, protocol.MessageSend{ConversationID: c.Conversation.ID, ClientID: id, Text: "xin chào"}); r.Type != protocol.EvtAck {
			t.Fatalf("send: %s %s", r.Type, r.Data)
		}
		acks = append(acks, time.Since(start))
	}
	measure := func(phase string) (perMessage float64) {
		for i := 0; i < 4; i++ { // warm
			send(visitor, fmt.Sprintf("%s-warm-v%d", phase, i))
			send(agent, fmt.Sprintf("%s-warm-a%d", phase, i))
		}
		time.Sleep(1500 * time.Millisecond)
		m := startMonitor(t, redis.Addr)
		const window = 4 * time.Second
		time.Sleep(window)
		idle, _ := m.take()
		acks = acks[:0]
		const messages = 60
		start := time.Now()
		for i := 0; i < messages/2; i++ {
			send(visitor, fmt.Sprintf("%s-v%d", phase, i))
			send(agent, fmt.Sprintf("%s-a%d", phase, i))
		}
		time.Sleep(window - time.Since(start))
		busy, cmds := m.take()
		slices.Sort(acks)
		perMessage = float64(busy-idle) / messages
		t.Logf("%s: %.2f Redis commands a message (%v); ack p50 %s, p95 %s", phase, perMessage, cmds,
			acks[len(acks)/2].Round(10*time.Microsecond), acks[len(acks)*95/100].Round(10*time.Microsecond))
		return perMessage
	}

	without := measure("none")
	if without > 3 {
		t.Fatalf("%.2f Redis commands a message without a subscriber, want at most 3", without)
	}
	if st := tm.do("PUT", "/api/admin/webhooks/"+ep.ID, tm.admin, map[string]any{"url": rcv.URL, "events": []string{"conversation.created", "message.created"}, "allowPrivate": true, "enabled": true}, nil); st != 200 {
		t.Fatalf("update: %d", st)
	}
	before := got.Load()
	with := measure("subscribed")
	if with-without > 2.5 {
		t.Fatalf("a subscriber adds %.2f Redis commands a message, want at most 2 (claim, release)", with-without)
	}
	if n := got.Load() - before; n < 60 {
		t.Fatalf("the endpoint got %d deliveries for 68 messages", n)
	}
}

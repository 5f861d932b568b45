package cluster

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/webhook"
)

// TestWebhookDeliveryNodeKilled: a delivery's first attempt gets a 500;
// its retry is in flight when the node making it is killed (SIGKILL, the
// endpoint never answered); the other node takes the delivery once the
// dead node's claim expires, and the endpoint acknowledges it exactly once,
// every attempt under the same delivery id.
func TestWebhookDeliveryNodeKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test starts real processes")
	}
	// The nodes inherit the test's environment: quick retries, and a
	// timeout (so a claim lease of 2·5+10 = 20 s) long enough for the kill
	// to land while the retry waits for its answer.
	t.Setenv("CHATDESK_WEBHOOK_RETRY_BASE", "1s")
	t.Setenv("CHATDESK_WEBHOOK_TIMEOUT", "5s")
	c := startCluster(t, 2)

	type hit struct {
		delivery, attempt string
		status            int
		verified          error
	}
	var (
		mu     sync.Mutex
		hits   []hit
		secret string
	)
	hung := make(chan string, 1)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		h := hit{delivery: r.Header.Get(webhook.HeaderDelivery), attempt: r.Header.Get(webhook.HeaderAttempt), status: 204,
			verified: webhook.Verify(r.Header.Get(webhook.HeaderSignature), secret, body, time.Now(), 5*time.Minute)}
		n := len(hits)
		switch n {
		case 0:
			h.status = 500
		case 1:
			h.status = 0 // never answered: the node dies first
		}
		hits = append(hits, h)
		mu.Unlock()
		if h.status == 0 {
			hung <- h.delivery
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
			return
		}
		w.WriteHeader(h.status)
	}))
	defer rcv.Close()
	snapshot := func() []hit {
		mu.Lock()
		defer mu.Unlock()
		return append([]hit(nil), hits...)
	}

	adminTok, _ := login(t, c.edge, "admin@chatdesk.local")
	var created struct{ Webhook chat.WebhookEndpoint }
	if st := api(t, c.edge).Do("POST", "/api/admin/webhooks", adminTok, map[string]any{
		"url": rcv.URL + "/hook", "events": []string{"conversation.created"}, "allowPrivate": true, "enabled": true,
	}, &created); st != 201 {
		t.Fatalf("create webhook: %d", st)
	}
	mu.Lock()
	secret = created.Webhook.Secret
	mu.Unlock()
	// Every node reads the endpoint list through a cache of 3 s.
	time.Sleep(3500 * time.Millisecond)
	newConversation(t, c.edge, "Khách webhook")

	var id string
	select {
	case id = <-hung:
	case <-time.After(30 * time.Second):
		t.Fatalf("the retry never came: %+v", snapshot())
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: c.redisAddr})
	defer rdb.Close()
	holder, err := rdb.Get(context.Background(), "cl:mutex:webhook:"+id).Result()
	if err != nil {
		t.Fatalf("the claim of %s: %v", id, err)
	}
	node := -1
	for i := range c.nodes {
		if holder == fmt.Sprintf("node%d/webhooks", i+1) {
			node = i
		}
	}
	if node < 0 {
		t.Fatalf("claim held by %q", holder)
	}
	c.nodes[node].kill()
	killedAt := time.Now()
	t.Logf("node%d killed (SIGKILL) during attempt 2 of delivery %s", node+1, id)

	checkfor.Eventually(t, 60*time.Second, func() (bool, string) {
		hs := snapshot()
		return len(hs) >= 3 && hs[len(hs)-1].status == 204, fmt.Sprintf("%+v", hs)
	})
	t.Logf("delivered by the other node %s after the kill", time.Since(killedAt).Round(100*time.Millisecond))
	// Nothing more arrives: the outcome is stored, the claim released.
	time.Sleep(8 * time.Second)
	hs := snapshot()
	acks := 0
	var attempts []string
	for _, h := range hs {
		if h.delivery != id {
			t.Fatalf("a request under another delivery id: %+v", hs)
		}
		if h.verified != nil {
			t.Fatalf("signature: %v", h.verified)
		}
		if h.status == 204 {
			acks++
		}
		attempts = append(attempts, h.attempt)
	}
	if acks != 1 || len(hs) != 3 {
		t.Fatalf("the endpoint acknowledged the delivery %d times in %d requests, want once in 3: %+v", acks, len(hs), hs)
	}
	t.Logf("attempts as numbered by the senders: %s (the killed node's attempt was never recorded)", strings.Join(attempts, ", "))
	var list struct{ Items []*chat.WebhookDelivery }
	other := 1 - node
	api(t, c.nodeURL(other)).Do("GET", "/api/admin/webhooks/"+created.Webhook.ID+"/deliveries", adminTok, nil, &list)
	if len(list.Items) != 1 || list.Items[0].Status != chat.DeliveryDelivered {
		t.Fatalf("stored deliveries: %+v", list.Items)
	}
}

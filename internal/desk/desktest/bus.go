package desktest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// Bus is the pub/sub between nodes, as a node uses it: publish to a topic,
// subscribe to the topics its sockets need, and handlers for what arrives
// and for a connection that came back (events may have been lost).
type Bus interface {
	desk.Publisher
	// Subscribe returns once delivery of topic is live: an event published
	// after it returns is delivered.
	Subscribe(ctx context.Context, topic string) error
	Unsubscribe(ctx context.Context, topics ...string) error
	// Handle registers a handler of every event of the subscribed topics;
	// handlers run in registration order, on one goroutine per bus, in
	// publish order.
	Handle(h func(topic string, payload []byte))
	// OnResubscribe registers a handler called after the connection was
	// re-established.
	OnResubscribe(h func())
}

// Buses are two nodes' buses on one pub/sub server.
type Buses struct {
	A, B Bus
	// Reconnect, when set, breaks A's connection and lets it recover; the
	// suite then checks OnResubscribe. Nil skips that case.
	Reconnect func()
}

// within bounds every wait for a delivery.
const within = 5 * time.Second

// TestBus runs the contract of the pub/sub bus. newBuses must return two
// fresh buses sharing one server, with no subscription and no handler.
func TestBus(t *testing.T, newBuses func(t *testing.T) Buses) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, bs Buses)
	}{
		{"DeliversOnlySubscribedTopics", testBusTopics},
		{"FanOutAndSelfDelivery", testBusFanOut},
		{"PublishOrderPerTopic", testBusOrder},
		{"PublishBatchInOrder", testBusBatch},
		{"HandlersInRegistrationOrder", testBusHandlers},
		{"SubscribeTwiceDeliversOnce", testBusSubscribeTwice},
		{"UnsubscribeStopsDelivery", testBusUnsubscribe},
		{"PayloadIsCopied", testBusPayloadCopy},
		{"OnResubscribeAfterReconnect", testBusResubscribe},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newBuses(t))
		})
	}
}

// recorder keeps what a bus delivered, as "topic=payload".
type recorder struct {
	mu  sync.Mutex
	got []string
}

func record(b Bus) *recorder {
	r := &recorder{}
	b.Handle(func(topic string, payload []byte) {
		r.mu.Lock()
		r.got = append(r.got, topic+"="+string(payload))
		r.mu.Unlock()
	})
	return r
}

func (r *recorder) events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// waitFor waits until the last event recorded is want and returns them all.
func (r *recorder) waitFor(t *testing.T, want string) []string {
	t.Helper()
	var got []string
	checkfor.Eventually(t, within, func() (bool, string) {
		got = r.events()
		return slices.Contains(got, want), fmt.Sprintf("waiting for %q, got %q", want, got)
	})
	return got
}

func subscribe(t *testing.T, b Bus, topics ...string) {
	t.Helper()
	for _, topic := range topics {
		must(t, b.Subscribe(ctxT(t), topic))
	}
}

func publish(t *testing.T, b Bus, topic, payload string) {
	t.Helper()
	must(t, b.Publish(ctxT(t), topic, []byte(payload)))
}

func testBusTopics(t *testing.T, bs Buses) {
	got := record(bs.B)
	subscribe(t, bs.B, "conv:1")
	publish(t, bs.A, "conv:2", "not subscribed")
	publish(t, bs.A, "conv:1", "hi")
	publish(t, bs.A, "agents", "not subscribed either")
	publish(t, bs.A, "conv:1", "end")
	if events := got.waitFor(t, "conv:1=end"); !slices.Equal(events, []string{"conv:1=hi", "conv:1=end"}) {
		t.Fatalf("delivered %q, want only conv:1's two events", events)
	}
}

// testBusFanOut: every subscribed node gets an event, the publisher too.
func testBusFanOut(t *testing.T, bs Buses) {
	ga, gb := record(bs.A), record(bs.B)
	subscribe(t, bs.A, "agents")
	subscribe(t, bs.B, "agents")
	publish(t, bs.A, "agents", "from a")
	publish(t, bs.B, "agents", "from b")
	for name, r := range map[string]*recorder{"A": ga, "B": gb} {
		r.waitFor(t, "agents=from b")
		if events := r.events(); !slices.Equal(events, []string{"agents=from a", "agents=from b"}) {
			t.Fatalf("%s got %q", name, events)
		}
	}
}

func testBusOrder(t *testing.T, bs Buses) {
	got := record(bs.B)
	subscribe(t, bs.B, "conv:1", "conv:2")
	var want1, want2 []string
	for i := 0; i < 200; i++ {
		topic := fmt.Sprint("conv:", 1+i%2)
		publish(t, bs.A, topic, fmt.Sprint(i))
		if i%2 == 0 {
			want1 = append(want1, fmt.Sprint("conv:1=", i))
		} else {
			want2 = append(want2, fmt.Sprint("conv:2=", i))
		}
	}
	// Topics on different shards of a Redis Cluster arrive on different
	// connections: wait for the last event of each.
	got.waitFor(t, "conv:1=198")
	events := got.waitFor(t, "conv:2=199")
	var got1, got2 []string
	for _, e := range events {
		if strings.HasPrefix(e, "conv:1=") {
			got1 = append(got1, e)
		} else {
			got2 = append(got2, e)
		}
	}
	if !slices.Equal(got1, want1) || !slices.Equal(got2, want2) {
		t.Fatalf("per-topic order broken:\nconv:1 %q\nconv:2 %q", got1, got2)
	}
}

// testBusBatch: a batch is delivered as its events one by one, each topic
// in publish order with the single publishes around it. Across topics no
// order is promised: with a sharded bus, topics travel on different shards.
func testBusBatch(t *testing.T, bs Buses) {
	got := record(bs.B)
	subscribe(t, bs.B, "conv:1", "agents")
	publish(t, bs.A, "conv:1", "before")
	must(t, bs.A.PublishBatch(ctxT(t), []chat.Published{
		{Topic: "conv:1", Payload: []byte("m1")},
		{Topic: "agents", Payload: []byte("u1")},
		{Topic: "conv:2", Payload: []byte("nobody")},
		{Topic: "conv:1", Payload: []byte("m2")},
		{Topic: "agents", Payload: []byte("u2")},
	}))
	publish(t, bs.A, "conv:1", "after")
	publish(t, bs.A, "agents", "after")
	got.waitFor(t, "conv:1=after")
	events := got.waitFor(t, "agents=after")
	perTopic := map[string][]string{}
	for _, e := range events {
		topic, _, _ := strings.Cut(e, "=")
		perTopic[topic] = append(perTopic[topic], e)
	}
	want := map[string][]string{
		"conv:1": {"conv:1=before", "conv:1=m1", "conv:1=m2", "conv:1=after"},
		"agents": {"agents=u1", "agents=u2", "agents=after"},
	}
	for topic, w := range want {
		if !slices.Equal(perTopic[topic], w) {
			t.Fatalf("%s delivered %q, want %q (all: %q)", topic, perTopic[topic], w, events)
		}
	}
	if len(events) != 7 {
		t.Fatalf("delivered %q: an unsubscribed topic's event or a repeat", events)
	}
	must(t, bs.A.PublishBatch(ctxT(t), nil))
}

// testBusHandlers: every handler sees every event, in registration order,
// one event after the other.
func testBusHandlers(t *testing.T, bs Buses) {
	var mu sync.Mutex
	var log []string
	for _, name := range []string{"h1", "h2", "h3"} {
		bs.B.Handle(func(topic string, payload []byte) {
			mu.Lock()
			log = append(log, name+":"+string(payload))
			mu.Unlock()
		})
	}
	subscribe(t, bs.B, "conv:1")
	publish(t, bs.A, "conv:1", "x")
	publish(t, bs.A, "conv:1", "y")
	want := []string{"h1:x", "h2:x", "h3:x", "h1:y", "h2:y", "h3:y"}
	checkfor.Eventually(t, within, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(log) >= len(want), fmt.Sprintf("handler calls %q", log)
	})
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(log, want) {
		t.Fatalf("handler calls %q, want %q", log, want)
	}
}

// testBusSubscribeTwice: subscriptions are a set; callers count references.
func testBusSubscribeTwice(t *testing.T, bs Buses) {
	got := record(bs.B)
	subscribe(t, bs.B, "conv:1", "conv:1")
	publish(t, bs.A, "conv:1", "once")
	publish(t, bs.A, "conv:1", "end")
	if events := got.waitFor(t, "conv:1=end"); !slices.Equal(events, []string{"conv:1=once", "conv:1=end"}) {
		t.Fatalf("delivered %q, want each event once", events)
	}
	must(t, bs.B.Unsubscribe(ctxT(t), "conv:1"))
	subscribe(t, bs.B, "agents")
	unsubscribed(t, bs, got, "conv:1")
}

func testBusUnsubscribe(t *testing.T, bs Buses) {
	got := record(bs.B)
	subscribe(t, bs.B, "conv:1", "conv:2", "conv:3", "agents")
	must(t, bs.B.Unsubscribe(ctxT(t), "conv:1", "conv:2"))
	must(t, bs.B.Unsubscribe(ctxT(t), "never-subscribed"))
	unsubscribed(t, bs, got, "conv:1", "conv:2")
	publish(t, bs.A, "conv:3", "still")
	got.waitFor(t, "conv:3=still")
}

// unsubscribed checks that events of topics no longer reach B. A Redis
// unsubscribe returns once sent, not once applied, so an event published
// at once may still arrive: the check passes once one round delivers the
// marker on agents (still subscribed) without the others.
func unsubscribed(t *testing.T, bs Buses, got *recorder, topics ...string) {
	t.Helper()
	round := 0
	checkfor.Eventually(t, within, func() (bool, string) {
		round++
		before := len(got.events())
		for _, topic := range topics {
			publish(t, bs.A, topic, fmt.Sprint("after unsubscribe ", round))
		}
		marker := fmt.Sprint("marker ", round)
		publish(t, bs.A, "agents", marker)
		events := got.waitFor(t, "agents="+marker)[before:]
		for _, e := range events {
			if strings.Contains(e, "after unsubscribe") {
				return false, fmt.Sprintf("round %d delivered %q", round, events)
			}
		}
		return true, ""
	})
}

func testBusPayloadCopy(t *testing.T, bs Buses) {
	var mu sync.Mutex
	var kept [][]byte
	bs.B.Handle(func(_ string, payload []byte) {
		mu.Lock()
		kept = append(kept, payload)
		mu.Unlock()
	})
	got := record(bs.B)
	subscribe(t, bs.B, "conv:1")
	buf := []byte("first")
	must(t, bs.A.Publish(ctxT(t), "conv:1", buf))
	copy(buf, "XXXXX") // the publisher reuses its buffer
	must(t, bs.A.Publish(ctxT(t), "conv:1", buf))
	got.waitFor(t, "conv:1=XXXXX")
	mu.Lock()
	defer mu.Unlock()
	if string(kept[0]) != "first" {
		t.Fatalf("the first event reads %q after the publisher reused its buffer", kept[0])
	}
}

// testBusResubscribe: after a reconnection every OnResubscribe handler
// runs, and the topics subscribed before are delivered again.
func testBusResubscribe(t *testing.T, bs Buses) {
	if bs.Reconnect == nil {
		t.Skip("no way to break this bus's connection")
	}
	var mu sync.Mutex
	var calls []string
	for _, name := range []string{"r1", "r2"} {
		bs.A.OnResubscribe(func() {
			mu.Lock()
			calls = append(calls, name)
			mu.Unlock()
		})
	}
	got := record(bs.A)
	subscribe(t, bs.A, "conv:1")
	publish(t, bs.B, "conv:1", "before")
	got.waitFor(t, "conv:1=before")
	bs.Reconnect()
	checkfor.Eventually(t, within, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(calls) >= 2, fmt.Sprintf("OnResubscribe calls %q", calls)
	})
	mu.Lock()
	if !slices.Equal(calls, []string{"r1", "r2"}) {
		t.Fatalf("OnResubscribe calls %q, want [r1 r2]", calls)
	}
	mu.Unlock()
	// Live again: some event published from now on arrives.
	n := 0
	checkfor.Eventually(t, within, func() (bool, string) {
		n++
		publish(t, bs.B, "conv:1", fmt.Sprint("after ", n))
		time.Sleep(20 * time.Millisecond)
		events := got.events()
		return strings.HasPrefix(events[len(events)-1], "conv:1=after "), fmt.Sprintf("events %q", events)
	})
}

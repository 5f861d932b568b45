package redis

import (
	"context"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Bus delivers events between nodes over Redis pub/sub: at most once, in
// publish order per channel. Durability comes from MongoDB; a subscriber
// that may have missed events (Redis restarted, connection dropped) is told
// through OnResubscribe and repairs by replay.
//
// A node holds one pub/sub connection and subscribes only to the topics its
// local sockets need; the caller reference-counts topics.
type Bus struct {
	c  *Client
	ps *goredis.PubSub

	mu        sync.Mutex
	handlers  []func(topic string, payload []byte)
	resubs    []func()
	confirmed map[string]bool
	waiters   map[string][]chan struct{}
	resubAt   time.Time
	done      chan struct{}
}

// NewBus starts the node's pub/sub connection. Register handlers with
// Handle and OnResubscribe before subscribing to topics.
func (c *Client) NewBus() *Bus {
	b := &Bus{
		c:         c,
		ps:        c.rdb.Subscribe(context.Background()),
		confirmed: map[string]bool{},
		waiters:   map[string][]chan struct{}{},
		done:      make(chan struct{}),
	}
	ch := b.ps.ChannelWithSubscriptions(
		goredis.WithChannelSize(4096),
		goredis.WithChannelHealthCheckInterval(3*time.Second),
	)
	go b.run(ch)
	return b
}

// Handle registers a handler for every message of the subscribed topics.
// Handlers run in registration order on the bus's one goroutine, in
// publish order per topic: a handler must not block.
func (b *Bus) Handle(h func(topic string, payload []byte)) {
	b.mu.Lock()
	b.handlers = append(b.handlers, h)
	b.mu.Unlock()
}

// OnResubscribe registers a handler called (at most once per reconnection)
// when the connection was re-established and live events may have been
// lost.
func (b *Bus) OnResubscribe(f func()) {
	b.mu.Lock()
	b.resubs = append(b.resubs, f)
	b.mu.Unlock()
}

func (b *Bus) topicKey(topic string) string { return b.c.key("bus", topic) }

func (b *Bus) run(ch <-chan any) {
	defer close(b.done)
	prefix := b.c.key("bus") + ":"
	for msg := range ch {
		switch m := msg.(type) {
		case *goredis.Message:
			b.mu.Lock()
			hs := b.handlers
			b.mu.Unlock()
			topic, payload := strings.TrimPrefix(m.Channel, prefix), []byte(m.Payload)
			for _, h := range hs {
				h(topic, payload)
			}
		case *goredis.Subscription:
			if m.Kind != "subscribe" {
				continue
			}
			b.confirm(m.Channel)
		}
	}
}

func (b *Bus) confirm(channel string) {
	b.mu.Lock()
	ws := b.waiters[channel]
	delete(b.waiters, channel)
	again := b.confirmed[channel] && len(ws) == 0
	b.confirmed[channel] = true
	fire := again && time.Since(b.resubAt) > time.Second
	if fire {
		b.resubAt = time.Now()
	}
	resubs := b.resubs
	b.mu.Unlock()
	for _, w := range ws {
		close(w)
	}
	if fire {
		// Off the delivery goroutine (a handler may publish or subscribe),
		// in registration order.
		go func() {
			for _, f := range resubs {
				f()
			}
		}()
	}
}

// Subscribe starts delivery of topic and returns once Redis confirmed it,
// so an event published after Subscribe returns is delivered. On error the
// topic stays registered and is subscribed when the connection recovers.
func (b *Bus) Subscribe(ctx context.Context, topic string) error {
	k := b.topicKey(topic)
	w := make(chan struct{})
	b.mu.Lock()
	b.waiters[k] = append(b.waiters[k], w)
	b.mu.Unlock()
	if err := b.ps.Subscribe(ctx, k); err != nil {
		return err
	}
	select {
	case <-w:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Unsubscribe stops delivery of topics.
func (b *Bus) Unsubscribe(ctx context.Context, topics ...string) error {
	keys := make([]string, len(topics))
	b.mu.Lock()
	for i, t := range topics {
		keys[i] = b.topicKey(t)
		delete(b.confirmed, keys[i])
	}
	b.mu.Unlock()
	return b.ps.Unsubscribe(ctx, keys...)
}

// Publish sends payload to every node subscribed to topic.
func (b *Bus) Publish(ctx context.Context, topic string, payload []byte) error {
	return b.c.rdb.Publish(ctx, b.topicKey(topic), payload).Err()
}

// PublishBatch sends events in order, pipelined: one round trip.
func (b *Bus) PublishBatch(ctx context.Context, events []chat.Published) error {
	if len(events) == 0 {
		return nil
	}
	if len(events) == 1 {
		return b.Publish(ctx, events[0].Topic, events[0].Payload)
	}
	pipe := b.c.rdb.Pipeline()
	for _, e := range events {
		pipe.Publish(ctx, b.topicKey(e.Topic), e.Payload)
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Close ends the pub/sub connection.
func (b *Bus) Close() error {
	err := b.ps.Close()
	<-b.done
	return err
}

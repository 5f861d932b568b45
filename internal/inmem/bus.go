package inmem

import (
	"context"
	"errors"
	"github.com/chatdesk/chatdesk/internal/chat"
	"slices"
	"sync"
)

// Broker is the pub/sub server that simulated nodes share, as they share
// Redis: each node takes its own Bus from it. Delivery is at most once, in
// publish order: an event reaches the buses subscribed to its topic when it
// is published and connected, and no other.
type Broker struct {
	mu    sync.Mutex
	down  bool
	buses map[*Bus]bool
}

// NewBroker returns a broker with no bus.
func NewBroker() *Broker { return &Broker{buses: map[*Bus]bool{}} }

// ErrClosed is returned by a closed bus.
var ErrClosed = errors.New("inmem: bus closed")

// ErrDisconnected is returned by Subscribe while the bus is disconnected;
// the topic stays registered and becomes live when it reconnects.
var ErrDisconnected = errors.New("inmem: bus disconnected")

// Bus is one node's connection to the broker, with the methods of
// internal/redis's Bus. Handlers run on one goroutine per bus, in
// registration order, event after event in the order they were published.
type Bus struct {
	broker *Broker
	wake   chan struct{} // has a token while queue may hold events
	done   chan struct{} // closed when the delivery goroutine ended

	mu           sync.Mutex
	topics       map[string]bool
	handlers     []func(topic string, payload []byte)
	resubs       []func()
	queue        []event
	disconnected bool // this bus's connection dropped (Disconnect)
	brokerDown   bool // the whole broker is down (Broker.SetDown)
	closed       bool
}

type event struct {
	topic   string
	payload []byte
}

// Bus connects a new node to the broker.
func (br *Broker) Bus() *Bus {
	b := &Bus{
		broker: br,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		topics: map[string]bool{},
	}
	br.mu.Lock()
	br.buses[b] = true
	b.brokerDown = br.down
	br.mu.Unlock()
	go b.run()
	return b
}

// SetDown takes the whole broker down, as Redis stopping: publishes fail
// with ErrDown and events are lost. Bringing it back up reconnects every
// bus, which resubscribes and calls its OnResubscribe handlers.
func (br *Broker) SetDown(down bool) {
	br.mu.Lock()
	br.down = down
	var back []*Bus
	for b := range br.buses {
		b.mu.Lock()
		wasLive := b.live()
		b.brokerDown = down
		if !wasLive && b.live() {
			back = append(back, b)
		}
		b.mu.Unlock()
	}
	br.mu.Unlock()
	for _, b := range back {
		b.resubscribed()
	}
}

// Publish delivers payload to every bus subscribed to topic. It works
// after Close, as the Redis bus publishes through the node's client, not
// its subscription.
func (b *Bus) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	br := b.broker
	br.mu.Lock()
	defer br.mu.Unlock()
	if br.down {
		return ErrDown
	}
	for s := range br.buses {
		s.mu.Lock()
		if s.live() && s.topics[topic] {
			// A copy per node, as each Redis connection reads its own:
			// the publisher may reuse its buffer, a receiver change its.
			s.queue = append(s.queue, event{topic, slices.Clone(payload)})
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
		s.mu.Unlock()
	}
	return nil
}

// PublishBatch publishes events in order, as one pipeline would.
func (b *Bus) PublishBatch(ctx context.Context, events []chat.Published) error {
	for _, e := range events {
		if err := b.Publish(ctx, e.Topic, e.Payload); err != nil {
			return err
		}
	}
	return nil
}

// live reports whether events reach the bus. b.mu must be held.
func (b *Bus) live() bool { return !b.disconnected && !b.brokerDown && !b.closed }

// Subscribe starts delivery of topic; an event published after it returns
// is delivered. While disconnected it returns ErrDisconnected and the topic
// becomes live on reconnection.
func (b *Bus) Subscribe(ctx context.Context, topic string) error {
	return b.subscriptions(ctx, func() error {
		b.topics[topic] = true
		if !b.live() {
			return ErrDisconnected
		}
		return nil
	})
}

// Unsubscribe stops delivery of topics (events already queued for the bus
// are still delivered, as from a Redis connection's buffer).
func (b *Bus) Unsubscribe(ctx context.Context, topics ...string) error {
	return b.subscriptions(ctx, func() error {
		for _, t := range topics {
			delete(b.topics, t)
		}
		return nil
	})
}

// subscriptions runs f, a change of the subscribed topics, holding b.mu;
// an ended ctx or a closed bus fails first.
func (b *Bus) subscriptions(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	return f()
}

// Handle registers a handler for every event of the subscribed topics.
func (b *Bus) Handle(h func(topic string, payload []byte)) {
	b.mu.Lock()
	b.handlers = append(b.handlers, h)
	b.mu.Unlock()
}

// OnResubscribe registers a handler called after the connection came back
// (Reconnect, Broker.SetDown(false)): events may have been lost meanwhile.
func (b *Bus) OnResubscribe(h func()) {
	b.mu.Lock()
	b.resubs = append(b.resubs, h)
	b.mu.Unlock()
}

// Disconnect drops the bus's connection: until Reconnect, events published
// to its topics are lost and Subscribe fails (the topic is kept).
func (b *Bus) Disconnect() {
	b.mu.Lock()
	b.disconnected = true
	b.mu.Unlock()
}

// Reconnect restores the connection: the subscriptions are live again and,
// as with Redis, the OnResubscribe handlers run (here, before Reconnect
// returns) when the bus has subscriptions to restore.
func (b *Bus) Reconnect() {
	b.mu.Lock()
	wasLive := b.live()
	b.disconnected = false
	back := !wasLive && b.live()
	b.mu.Unlock()
	if back {
		b.resubscribed()
	}
}

// resubscribed calls the OnResubscribe handlers if there was anything to
// resubscribe: the Redis bus learns of a reconnection from the
// confirmations of its subscriptions, so without one it says nothing.
func (b *Bus) resubscribed() {
	b.mu.Lock()
	hs := slices.Clone(b.resubs)
	subscribed := len(b.topics) > 0
	b.mu.Unlock()
	if !subscribed {
		return
	}
	for _, h := range hs {
		h()
	}
}

// Close ends the subscription side: nothing more is delivered after the
// events already queued, and Close waits for those. Do not call it from a
// handler.
func (b *Bus) Close() error {
	b.broker.mu.Lock()
	delete(b.broker.buses, b)
	b.broker.mu.Unlock()
	b.mu.Lock()
	already := b.closed
	b.closed = true
	b.mu.Unlock()
	if !already {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
	<-b.done
	return nil
}

// run delivers queued events to the handlers, one at a time.
func (b *Bus) run() {
	defer close(b.done)
	for range b.wake {
		for {
			b.mu.Lock()
			if len(b.queue) == 0 {
				closed := b.closed
				b.mu.Unlock()
				if closed {
					return
				}
				break
			}
			ev := b.queue[0]
			b.queue[0] = event{}
			b.queue = b.queue[1:]
			// Handle only appends, so this prefix of the slice never
			// changes under us.
			hs := b.handlers
			b.mu.Unlock()
			for _, h := range hs {
				h(ev.topic, ev.payload)
			}
		}
	}
}

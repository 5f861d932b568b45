package realtime

import (
	"context"
	"time"
)

// topicSub is one Redis subscription shared by the local sockets that need
// it. ready closes once Redis confirmed the subscription, so a socket never
// starts its replay before live delivery is in place.
type topicSub struct {
	refs   int
	ready  chan struct{}
	idleAt time.Time
}

// ref takes a reference on topic, subscribing on the first one.
func (h *Hub) ref(ctx context.Context, topic string) {
	h.mu.Lock()
	t := h.subs[topic]
	first := t == nil
	if first {
		t = &topicSub{ready: make(chan struct{})}
		h.subs[topic] = t
	}
	t.refs++
	h.mu.Unlock()
	if first {
		if err := h.bus.Subscribe(ctx, topic); err != nil {
			// The topic stays registered in the bus and is subscribed when
			// Redis comes back; Resync repairs what was missed.
			h.log.Warn("subscribe failed", "topic", topic, "err", err)
		}
		close(t.ready)
		return
	}
	select {
	case <-t.ready:
	case <-ctx.Done():
	}
}

// unref drops a reference. Subscriptions without references linger until
// the sweeper removes them, which keeps reconnect storms cheap and avoids an
// unsubscribe racing a new subscribe to the same topic.
func (h *Hub) unref(topic string) {
	h.mu.Lock()
	if t := h.subs[topic]; t != nil {
		t.refs--
		if t.refs <= 0 {
			t.refs = 0
			t.idleAt = time.Now()
		}
	}
	h.mu.Unlock()
}

const lingerFor = 30 * time.Second

func (h *Hub) sweeper() {
	defer h.wg.Done()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-tick.C:
			h.sweep(time.Now().Add(-lingerFor))
		}
	}
}

func (h *Hub) sweep(idleBefore time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var idle []string
	for topic, t := range h.subs {
		if t.refs == 0 && t.idleAt.Before(idleBefore) {
			select {
			case <-t.ready:
			default:
				continue // still subscribing
			}
			idle = append(idle, topic)
		}
	}
	if len(idle) == 0 {
		return
	}
	for _, topic := range idle {
		delete(h.subs, topic)
	}
	// Sent while holding the lock: a concurrent ref of the same topic
	// subscribes only after this unsubscribe is on the wire.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := h.bus.Unsubscribe(ctx, idle...); err != nil {
		h.log.Warn("unsubscribe failed", "n", len(idle), "err", err)
	}
}

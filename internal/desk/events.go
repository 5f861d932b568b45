package desk

import (
	"context"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Topics. Conversation topics carry what the visitor and the agents who
// opened it see; the agents topic carries inbox and presence events.
const AgentsTopic = "agents"

// ConversationTopic is the topic of one conversation.
func ConversationTopic(id string) string { return "conv:" + id }

// events publishes the core's events, each encoded once for every receiver,
// through an outbox: callers queue and return, one goroutine sends what is
// queued as one pipelined batch, in queue order. A message's event and the
// inbox update it causes, and the events of every sender released by one
// group commit, share one Redis round trip; while a batch is in flight the
// next one gathers, so nothing waits on a timer.
//
// Delivery is best effort, as before the outbox: the write an event
// announces is durable already and clients repair gaps by replay. A batch
// that fails is logged and counted, not retried; a full outbox (Redis away
// for long) drops what does not fit, logged and counted.
type events struct {
	pub  Publisher
	fail failures

	mu      sync.Mutex
	queue   []chat.Published
	wake    chan struct{}
	running bool
	dropped int
}

// outboxMax bounds the events waiting for Redis (about 10 MB at most).
const outboxMax = 10000

// publish queues an event (it is sent synchronously when the outbox is not
// running: before Start, after Stop).
func (e *events) publish(ctx context.Context, topic, typ string, data any) {
	if e.pub == nil {
		return
	}
	ev := chat.Published{Topic: topic, Payload: protocol.Encode(typ, data)}
	e.mu.Lock()
	if !e.running {
		e.mu.Unlock()
		e.send(ctx, []chat.Published{ev})
		return
	}
	if len(e.queue) >= outboxMax {
		e.dropped++
		e.mu.Unlock()
		return
	}
	e.queue = append(e.queue, ev)
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// run sends queued events until stop, then what is left.
func (e *events) run(stop <-chan struct{}) {
	for {
		select {
		case <-e.wake:
			e.flush()
		case <-stop:
			e.mu.Lock()
			e.running = false
			e.mu.Unlock()
			e.flush()
			return
		}
	}
}

// start makes publish queue; run must be running.
func (e *events) start() {
	e.mu.Lock()
	e.running = true
	e.wake = make(chan struct{}, 1)
	e.mu.Unlock()
}

func (e *events) flush() {
	for {
		e.mu.Lock()
		batch, dropped := e.queue, e.dropped
		e.queue, e.dropped = nil, 0
		e.mu.Unlock()
		if dropped > 0 {
			e.fail.log.Warn("event outbox full: events dropped", "n", dropped)
			e.fail.metrics.redisError()
		}
		if len(batch) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		e.send(ctx, batch)
		cancel()
	}
}

func (e *events) send(ctx context.Context, batch []chat.Published) {
	if err := e.pub.PublishBatch(ctx, batch); err != nil {
		e.fail.log.Warn("publish failed", "events", len(batch), "first", batch[0].Topic, "err", err)
		e.fail.metrics.redisError()
	}
}

// conversation announces a conversation change to every agent and, unless
// it is mere activity, to the conversation's own topic (its visitor).
func (e *events) conversation(ctx context.Context, c *chat.Conversation, typ, change string) {
	data := protocol.ConversationChanged{Conversation: c, Change: change}
	e.publish(ctx, AgentsTopic, typ, data)
	if typ == protocol.EvtConversationUpdated && change != chat.ChangeMessage {
		e.publish(ctx, ConversationTopic(c.ID), typ, data)
	}
}

// updated is conversation for conversation.updated.
func (e *events) updated(ctx context.Context, c *chat.Conversation, change string) {
	e.conversation(ctx, c, protocol.EvtConversationUpdated, change)
}

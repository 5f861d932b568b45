package desk

import (
	"context"
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
// through an outbox: callers queue, one goroutine sends what is queued as
// one pipelined batch, in queue order (a sender waits for its message's
// batch: its acknowledgement comes after the event is out). A message's event and the
// inbox update it causes, and the events of every sender released by one
// group commit, share one Redis round trip; while a batch is in flight the
// next one gathers, so nothing waits on a timer.
//
// Delivery is best effort, as before the outbox: the write an event
// announces is durable already and clients repair gaps by replay. A batch
// that fails is logged and counted, not retried; a full outbox (Redis away
// for long) drops what does not fit, logged and counted.
type events struct {
	pub   Publisher
	fail  failures
	queue batchQueue[queued]
}

// queued is an event in the outbox; done, when set, is closed once the
// batch holding it was sent (or failed).
type queued struct {
	ev   chat.Published
	done chan struct{}
}

// outboxMax bounds the events waiting for Redis (about 10 MB at most).
const outboxMax = 10000

// publish queues an event (it is sent synchronously when the outbox is not
// running: before Start, after Stop).
func (e *events) publish(ctx context.Context, topic, typ string, data any) {
	e.post(ctx, topic, typ, data, false)
}

// publishSoon queues an event and returns a wait that returns once it was
// sent: a sender queues its message's event, then what follows from it
// (the inbox update), and waits, so both share a batch and the sender's
// acknowledgement still comes after its event was published.
func (e *events) publishSoon(ctx context.Context, topic, typ string, data any) (wait func()) {
	done := e.post(ctx, topic, typ, data, true)
	return func() {
		if done == nil {
			return
		}
		select {
		case <-done:
		case <-ctx.Done():
		}
	}
}

func (e *events) post(ctx context.Context, topic, typ string, data any, track bool) chan struct{} {
	if e.pub == nil {
		return nil
	}
	q := queued{ev: chat.Published{Topic: topic, Payload: protocol.Encode(typ, data)}}
	if track {
		q.done = make(chan struct{})
	}
	switch queued, running := e.queue.add(q); {
	case !running:
		e.send(ctx, []chat.Published{q.ev})
		return nil
	case !queued:
		return nil // outbox full: counted, logged by the next batch
	}
	return q.done
}

// run sends queued events until stop, then what is left.
func (e *events) run(stop <-chan struct{}) { e.queue.run(stop, e.flush) }

// start makes publish queue; run must be running.
func (e *events) start() { e.queue.start() }

func (e *events) flush(batch []queued, dropped int) {
	if dropped > 0 {
		e.fail.log.Warn("event outbox full: events dropped", "n", dropped)
		e.fail.metrics.redisError()
	}
	if len(batch) == 0 {
		return
	}
	evs := make([]chat.Published, len(batch))
	for i, q := range batch {
		evs[i] = q.ev
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	e.send(ctx, evs)
	cancel()
	for _, q := range batch {
		if q.done != nil {
			close(q.done)
		}
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

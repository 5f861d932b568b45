package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Topics. Conversation topics carry what the visitor and the agents who
// opened it see; the agents topic carries inbox and presence events.
const AgentsTopic = "agents"

// ConversationTopic is the topic of one conversation.
func ConversationTopic(id string) string { return "conv:" + id }

// events publishes the core's events, encoded once for every receiver.
type events struct {
	pub  Publisher
	fail failures
}

// publish is best effort: the write it announces is durable already and
// clients repair gaps by replay, so a Redis hiccup must not fail the
// request.
func (e *events) publish(ctx context.Context, topic, typ string, data any) {
	if e.pub == nil {
		return
	}
	if err := e.pub.Publish(ctx, topic, protocol.Encode(typ, data)); err != nil {
		e.fail.log.Warn("publish failed", "topic", topic, "type", typ, "err", err)
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

package desk

import (
	"context"
	"encoding/json"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Event types pushed to clients; see docs/protocol.md.
const (
	EventMessageCreated      = "message.created"
	EventTyping              = "typing"
	EventConversationCreated = "conversation.created"
	EventConversationUpdated = "conversation.updated"
	EventAgentPresence       = "agent.presence"
	EventAgentUpdated        = "agent.updated"
	EventSettingsUpdated     = "settings.updated"
)

// Envelope is the wire shape of every frame.
type Envelope struct {
	Type string `json:"type"`
	ID   string `json:"id,omitempty"`
	Data any    `json:"data"`
}

// Encode marshals an envelope; events are encoded once and fanned out as bytes.
func Encode(typ string, data any) []byte {
	b, err := json.Marshal(Envelope{Type: typ, Data: data})
	if err != nil {
		panic(err) // our own types always marshal
	}
	return b
}

// MessageCreated is the data of message.created.
type MessageCreated struct {
	Message *chat.Message `json:"message"`
}

// Typing is the data of typing.
type Typing struct {
	ConversationID string          `json:"conversationId"`
	SenderType     chat.SenderType `json:"senderType"`
	SenderName     string          `json:"senderName"`
	Typing         bool            `json:"typing"`
}

// ConversationChanged is the data of conversation.created/updated.
type ConversationChanged struct {
	Conversation *chat.Conversation `json:"conversation"`
	Change       string             `json:"change,omitempty"`
}

// AgentPresence is the data of agent.presence.
type AgentPresence struct {
	AgentID string `json:"agentId"`
	Name    string `json:"name"`
	Online  bool   `json:"online"`
	Status  string `json:"status"` // online | away | offline
	// OnlineCount lets nodes tell visitors whether anyone is there.
	OnlineCount int `json:"onlineCount"`
}

// AgentUpdated tells nodes an agent changed (disabled agents are disconnected).
type AgentUpdated struct {
	AgentID  string `json:"agentId"`
	Disabled bool   `json:"disabled"`
}

func (s *Service) publish(ctx context.Context, topic, typ string, data any) {
	// Delivery is best effort: the write is durable already and clients
	// repair gaps by replay, so a Redis hiccup must not fail the request.
	if err := s.pub.Publish(ctx, topic, Encode(typ, data)); err != nil {
		s.log.Warn("publish failed", "topic", topic, "type", typ, "err", err)
		s.metrics.redisError()
	}
}

func (s *Service) publishConversation(ctx context.Context, c *chat.Conversation, typ, change string) {
	data := ConversationChanged{Conversation: c, Change: change}
	s.publish(ctx, AgentsTopic, typ, data)
	if typ == EventConversationUpdated && change != "message" {
		s.publish(ctx, ConversationTopic(c.ID), typ, data)
	}
}

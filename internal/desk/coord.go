package desk

import (
	"context"
	"time"
)

// Coordinator is the cross-node state the service needs: the reply lock,
// sequencing, unread counters, presence, rotation and mutexes.
// internal/redis implements it.
type Coordinator interface {
	Owner(ctx context.Context, conversationID string) (string, bool, error)
	Claim(ctx context.Context, conversationID, agentID string) (string, error)
	Transfer(ctx context.Context, conversationID, from, to string) (string, error)
	Release(ctx context.Context, conversationID, owner string) (bool, error)

	NextSeq(ctx context.Context, conversationID, clientID string) (int64, bool, error)
	InitSeq(ctx context.Context, conversationID string, max int64) error
	RaiseSeq(ctx context.Context, conversationID string, min int64) error
	ReleaseSeq(ctx context.Context, conversationID string, seq int64, clientID string) error
	ForgetClientID(ctx context.Context, conversationID, clientID string) error
	// CurrentSeq is the last seq handed out (ok false: counter unknown).
	CurrentSeq(ctx context.Context, conversationID string) (int64, bool, error)

	IncrUnread(ctx context.Context, conversationID, side string) (int64, int64, error)
	ResetUnread(ctx context.Context, conversationID, side string) (int64, int64, error)
	Unread(ctx context.Context, conversationID string) (int64, int64, error)

	Join(ctx context.Context, agentID, nodeID string, ttl time.Duration) (bool, error)
	Leave(ctx context.Context, agentID, nodeID string) (bool, error)
	Heartbeat(ctx context.Context, nodeID string, agentIDs []string, ttl time.Duration) error
	Reap(ctx context.Context) ([]string, error)
	OnlineAgents(ctx context.Context) ([]string, error)
	TakeOfflineSince(ctx context.Context, cutoff time.Time) ([]string, error)
	MarkOffline(ctx context.Context, agentID string) error
	SetAway(ctx context.Context, agentID string, away bool) error
	AwayAgents(ctx context.Context) (map[string]bool, error)

	NextInRotation(ctx context.Context, candidates []string) (string, error)
	TryLock(ctx context.Context, name, holder string, ttl time.Duration) (func(), error)
	TryLockMany(ctx context.Context, names []string, holder string, ttl time.Duration) ([]bool, error)
	UnlockMany(ctx context.Context, names []string, holder string) error
	SetTyping(ctx context.Context, conversationID, side string, typing bool) error
	IsTyping(ctx context.Context, conversationID, side string) (bool, error)
	Ping(ctx context.Context) error
}

// Publisher delivers an encoded event to every node subscribed to topic.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload []byte) error
}

// Topics. Conversation topics carry what the visitor and the agents who
// opened it see; the agents topic carries inbox and presence events.
const AgentsTopic = "agents"

// ConversationTopic is the topic of one conversation.
func ConversationTopic(id string) string { return "conv:" + id }

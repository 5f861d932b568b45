package realtime

import (
	"context"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// What the hub consumes, each as small as its use here: the desk services
// (Auth, Conversations, Messages, Presence, Admin) satisfy them; the hub
// knows nothing else of the core.

// Authenticator turns a hello's token into who is asking.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (desk.Actor, error)
}

// Sessions decides which conversation a socket may follow.
type Sessions interface {
	ConversationForSession(ctx context.Context, actor desk.Actor, id string) (*chat.Conversation, error)
}

// Messages is the transcript: writes and replays.
type Messages interface {
	SendMessage(ctx context.Context, actor desk.Actor, conversationID, clientID, text string) (m *chat.Message, resent bool, err error)
	AddNote(ctx context.Context, actor desk.Actor, conversationID, clientID, text string) (note *chat.Message, resent bool, err error)
	SetTyping(ctx context.Context, actor desk.Actor, conversationID string, typing bool) error
	MarkRead(ctx context.Context, actor desk.Actor, conversationID string, seq int64) error
	Replay(ctx context.Context, actor desk.Actor, conversationID string, after int64, limit int) ([]*chat.Message, error)
	// AdmitRead counts a replay the client asked for (sync, join) against
	// its reader's rate limit.
	AdmitRead(ctx context.Context, actor desk.Actor) error
}

// Pages takes the page a visitor reports (desk.Pages).
type Pages interface {
	SetPage(ctx context.Context, actor desk.Actor, conversationID, path, title string) error
}

// Presence is who is online: this node's agents, and everybody's as seen
// by the hello of an agent or a visitor.
type Presence interface {
	// AgentOnline marks an agent online (assignable at once) and returns
	// the announcement to make once its session.ready is out.
	AgentOnline(ctx context.Context, agent *chat.Agent) (announce func())
	AgentOffline(ctx context.Context, agent *chat.Agent)
	Heartbeat(ctx context.Context, agentIDs []string) error
	HeartbeatEvery() time.Duration
	SetAgentStatus(ctx context.Context, actor desk.Actor, status string) error
	Agents(ctx context.Context, actor desk.Actor) ([]chat.AgentView, error)
	SupportOnline(ctx context.Context) bool
}

// Takeovers are the takeover requests' steps (desk.Conversations, which
// decides who may take each).
type Takeovers interface {
	RequestTakeover(ctx context.Context, actor desk.Actor, id string) (*chat.Conversation, *chat.Takeover, error)
	AcceptTakeover(ctx context.Context, actor desk.Actor, id string) (*chat.Conversation, error)
	DeclineTakeover(ctx context.Context, actor desk.Actor, id string) (*chat.Conversation, error)
	CancelTakeover(ctx context.Context, actor desk.Actor, id string) (*chat.Conversation, error)
	ForceTakeover(ctx context.Context, actor desk.Actor, id string) (*chat.Conversation, error)
}

// Queue is where waiting conversations stand (desk.Conversations).
type Queue interface {
	Queue(ctx context.Context) (desk.QueueSnapshot, error)
}

// Origins decides which web pages may open a socket.
type Origins interface {
	OriginAllowed(ctx context.Context, origin, publicOrigin string) bool
}

// Bus is the node's pub/sub connection (internal/redis.Bus): the hub
// subscribes to the topics its sockets need and registers its fan-out.
type Bus interface {
	Subscribe(ctx context.Context, topic string) error
	Unsubscribe(ctx context.Context, topics ...string) error
	Handle(func(topic string, payload []byte))
	OnResubscribe(func())
}

// Metrics receives connection counts.
type Metrics interface {
	Connected(role string)
	Disconnected(role string)
}

// Deps are the hub's collaborators. All are required except Metrics and
// Queue; Log
// defaults to slog.Default().
type Deps struct {
	Auth     Authenticator
	Sessions Sessions
	Messages Messages
	Presence Presence
	Origins  Origins
	Bus      Bus
	Metrics  Metrics
	// Queue, when set, lets waiting visitors know their position.
	Queue Queue
	// Takeovers, when set, serves the takeover.* commands.
	Takeovers Takeovers
	// Pages, when set, takes the visitors' page.view reports.
	Pages Pages
	Log   *slog.Logger
}

func (d Deps) check() {
	if d.Auth == nil || d.Sessions == nil || d.Messages == nil || d.Presence == nil || d.Origins == nil || d.Bus == nil {
		panic("realtime: New needs Auth, Sessions, Messages, Presence, Origins and Bus")
	}
}

package desk

import "github.com/chatdesk/chatdesk/internal/chat"

// Actor is who is asking: a visitor (bound to one conversation) or an agent.
type Actor struct {
	Visitor        bool
	ConversationID string // visitors
	Agent          *chat.Agent
	// IP is the caller's address as the transport saw it, for rate limits.
	IP string
	// Bot names the assistant when it writes; it is never a caller of the
	// API, so it can read nothing.
	Bot string
}

// IsAgent reports whether the actor is an agent or admin.
func (a Actor) IsAgent() bool { return a.Agent != nil }

// IsAdmin reports whether the actor is an admin.
func (a Actor) IsAdmin() bool { return a.Agent != nil && a.Agent.Role == chat.RoleAdmin }

// AgentID returns the agent's id or "".
func (a Actor) AgentID() string {
	if a.Agent == nil {
		return ""
	}
	return a.Agent.ID
}

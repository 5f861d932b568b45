package desk

import "github.com/chatdesk/chatdesk/internal/chat"

// canRead: visitors see only their own conversation; a wrong id answers
// not_found so ids cannot be probed. Agents may read every conversation.
func canRead(actor Actor, id string) error {
	switch {
	case actor.IsAgent():
		return nil
	case actor.Visitor && actor.ConversationID == id:
		return nil
	case actor.Visitor:
		return chat.ErrNotFound
	}
	return chat.ErrUnauthorized
}

func requireAgent(actor Actor) error {
	if !actor.IsAgent() {
		return chat.ErrForbidden
	}
	return nil
}

func requireAdmin(actor Actor) error {
	if !actor.IsAgent() {
		return chat.ErrUnauthorized
	}
	if !actor.IsAdmin() {
		return chat.ErrForbidden
	}
	return nil
}

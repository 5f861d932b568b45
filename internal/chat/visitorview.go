package chat

import "time"

// VisitorConversation is the one view of a conversation its visitor
// receives (REST answers to a visitor token, session.ready, conversation
// events fanned out to visitor sockets). It is an allow-list: a field added
// to Conversation stays agent-only until it is added here, so triage
// (priority, tags), the contact's history (returning, contactConversations),
// counters, timings and what the server recorded about the visitor (address,
// user agent, pages, referrer) never reach the widget by accident.
type VisitorConversation struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// The assignee's id, name and photo: the widget shows who answers and
	// keys the photo by the id (messages carry the sender's id anyway).
	AssigneeID        string `json:"assigneeId"`
	AssigneeName      string `json:"assigneeName"`
	AssigneeAvatarURL string `json:"assigneeAvatarUrl,omitempty"`
	// Answers are the visitor's own form answers (the transcript email
	// is prefilled from them).
	Answers     []Answer     `json:"answers"`
	Visitor     VisitorBasic `json:"visitor"`
	UnreadVisit int64        `json:"unreadByVisitor"`
	CreatedAt   time.Time    `json:"createdAt"`
	ResolvedAt  *time.Time   `json:"resolvedAt"`
	Rating      *Rating      `json:"rating"`
	HandoffAt   *time.Time   `json:"handoffAt"`
	LeftMessage string       `json:"leftMessage,omitempty"`
	// Read receipts both ways ("Đã xem").
	AgentReadSeq   int64 `json:"agentReadSeq"`
	VisitorReadSeq int64 `json:"visitorReadSeq"`
}

// VisitorBasic is what the visitor told us about themselves, as the widget
// uses it: the name in the transcript, the phone they will be called at,
// and the verified customer id that ties the stored session to a login.
type VisitorBasic struct {
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	UserID string `json:"userId"`
}

// VisitorView projects c for its visitor; nil for nil.
func VisitorView(c *Conversation) *VisitorConversation {
	if c == nil {
		return nil
	}
	return &VisitorConversation{
		ID:                c.ID,
		Status:            c.Status,
		AssigneeID:        c.AssigneeID,
		AssigneeName:      c.AssigneeName,
		AssigneeAvatarURL: c.AssigneeAvatarURL,
		Answers:           c.Answers,
		Visitor:           VisitorBasic{Name: c.Visitor.Name, Phone: c.Visitor.Phone, UserID: c.Visitor.UserID},
		UnreadVisit:       c.UnreadVisit,
		CreatedAt:         c.CreatedAt,
		ResolvedAt:        c.ResolvedAt,
		Rating:            c.Rating,
		HandoffAt:         c.HandoffAt,
		LeftMessage:       c.LeftMessage,
		AgentReadSeq:      c.AgentReadSeq,
		VisitorReadSeq:    c.VisitorReadSeq,
	}
}

// AgentOnlyChange reports whether a conversation.updated change touches
// only fields outside VisitorConversation: its visitor has nothing to learn
// from it, not even that it happened.
func AgentOnlyChange(change string) bool {
	switch change {
	case ChangeMessage, ChangePriority, ChangeTags, ChangeErased, ChangeContact:
		return true
	}
	return false
}

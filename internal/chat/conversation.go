package chat

import "time"

// Status is where a conversation stands.
type Status string

const (
	StatusWaiting  Status = "waiting"  // no agent yet: in the queue
	StatusAssigned Status = "assigned" // one agent owns the right to reply
	StatusResolved Status = "resolved" // closed; a visitor message reopens it
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusWaiting || s == StatusAssigned || s == StatusResolved
}

// Visitor is what we know about the person behind the widget.
type Visitor struct {
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	PageURL   string `json:"pageUrl"`
	Referrer  string `json:"referrer"`
	UserAgent string `json:"userAgent"`
	IP        string `json:"ip"`
	// UserID is the shop's id of its logged-in customer, recorded only
	// when the page proved it (ChatDesk.setUser with a valid hash): then
	// Verified is true. Unverified claims are not recorded.
	UserID   string `json:"userId"`
	Verified bool   `json:"verified"`
	// Browser is UserAgent as an agent reads it ("Chrome 131 · Windows"),
	// derived, never stored.
	Browser string `json:"browser"`
	// Page is the page the visitor was last seen on while in the
	// conversation (the live one is in Redis; this copy is throttled).
	Page *PageView `json:"currentPage"`
}

// Preview is the last message of a conversation, for the inbox.
type Preview struct {
	Seq        int64      `json:"seq"`
	Text       string     `json:"text"`
	SenderType SenderType `json:"senderType"`
	SenderName string     `json:"senderName"`
	At         time.Time  `json:"at"`
}

// Conversation is one chat between a visitor and the support team.
type Conversation struct {
	ID           string `json:"id"`
	Status       Status `json:"status"`
	AssigneeID   string `json:"assigneeId"`
	AssigneeName string `json:"assigneeName"`
	// AssigneeAvatarURL is the assignee's photo when assigned (see
	// Agent.AvatarURL): copied like the name, so the widget shows it
	// without another request.
	AssigneeAvatarURL string     `json:"assigneeAvatarUrl,omitempty"`
	Answers           []Answer   `json:"answers"`
	Visitor           Visitor    `json:"visitor"`
	LastMessage       *Preview   `json:"lastMessage"`
	UnreadAgent       int64      `json:"unreadByAgent"`   // visitor messages the agent has not read
	UnreadVisit       int64      `json:"unreadByVisitor"` // agent messages the visitor has not read
	CreatedAt         time.Time  `json:"createdAt"`
	UpdatedAt         time.Time  `json:"updatedAt"`
	AssignedAt        *time.Time `json:"assignedAt"`
	ResolvedAt        *time.Time `json:"resolvedAt"`
	// Priority and Tags are set by agents during triage.
	Priority Priority `json:"priority"`
	Tags     []string `json:"tags"`
	// FirstResponseAt is when the first agent message was stored.
	FirstResponseAt *time.Time `json:"firstResponseAt"`
	// FirstResolvedAt survives reopening (ResolvedAt does not): it is what
	// lets a visitor rate a conversation that was reopened since.
	FirstResolvedAt *time.Time `json:"firstResolvedAt"`
	Rating          *Rating    `json:"rating"`
	// HandoffAt is when the visitor asked for a person: the bot stays
	// silent in this conversation from then on.
	HandoffAt *time.Time `json:"handoffAt"`
	// Privacy records the privacy notice version the visitor was shown and
	// whether (and when) they consented; nil for conversations opened
	// while no notice was set.
	Privacy *PrivacyConsent `json:"privacy"`
	// AnonymizedAt is when retention removed everything about the visitor
	// (see PrivacySettings.RetentionMode); nil otherwise.
	AnonymizedAt *time.Time `json:"anonymizedAt"`
	// LeftMessage is set on a conversation started while nobody could
	// take it: the visitor left a message (LeftOutsideHours or
	// LeftNoAgent). Agents find these in their inbox, oldest first.
	LeftMessage string `json:"leftMessage,omitempty"`
	// AgentReadSeq is the highest seq the owning agent has read, and
	// VisitorReadSeq the visitor's: read receipts ("Đã xem").
	AgentReadSeq   int64 `json:"agentReadSeq"`
	VisitorReadSeq int64 `json:"visitorReadSeq"`
	// ContactKey ties the conversation to its contact (ContactIndex): the
	// normalized phone, or a key of its own once detached; "" without a
	// phone. Never sent: it can be the phone.
	ContactKey string `json:"-"`
	// ContactConversations is this conversation's place among its
	// contact's conversations by creation (1: the first); Returning
	// ("Khách quen") says the contact had earlier ones.
	ContactConversations int  `json:"contactConversations"`
	Returning            bool `json:"returning"`
}

// Why a visitor left a message instead of chatting (Conversation.LeftMessage).
const (
	LeftOutsideHours = "outside_hours" // outside the office hours
	LeftNoAgent      = "no_agent"      // within the hours, nobody available
)

// LeftReasons lists the values of Conversation.LeftMessage (for wire.js).
var LeftReasons = []string{LeftOutsideHours, LeftNoAgent}

// ConversationFilter selects conversations for the inbox and history search.
type ConversationFilter struct {
	Query      string   // name (diacritics-insensitive) or phone fragment
	Statuses   []Status // empty: any
	AssigneeID *string  // "" selects unassigned
	From, To   *time.Time
	Priorities []Priority // empty: any
	Tag        string     // "": any; else conversations carrying this tag
	Limit      int
	Cursor     string // opaque, from a previous page's Next
}

// MaxPageSize bounds list endpoints.
const MaxPageSize = 100

// AssignmentChange describes an ownership change for events and system notices.
type AssignmentChange string

const (
	ChangeAssigned    AssignmentChange = "assigned"
	ChangeClaimed     AssignmentChange = "claimed"
	ChangeTransferred AssignmentChange = "transferred"
	ChangeUnassigned  AssignmentChange = "unassigned" // owner offline past the grace period
	ChangeResolved    AssignmentChange = "resolved"
	ChangeReopened    AssignmentChange = "reopened"
)

// Changes of conversation.updated that are not ownership changes.
const (
	ChangeMessage  = "message" // activity: preview and unread counters (agents only, coalesced)
	ChangeRead     = "read"
	ChangePriority = "priority"
	ChangeTags     = "tags"
	ChangeRated    = "rated"
	ChangeHandoff  = "handoff"
	ChangeErased   = "erased"  // deleted or anonymized (erasure, retention): drop it from inboxes
	ChangeContact  = "contact" // an admin detached or re-attached it: Returning may have changed
)

package desk

import (
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The payloads of webhook events, as documented in docs/api.md
// ("Webhooks"). They are their own types, not the domain's: what a shop's
// server receives is a public contract that must not change when the
// domain does, and it leaves out what a receiver has no use for (the
// visitor's IP address and browser, unread counters).

// WebhookEvent is the body of every delivery.
type WebhookEvent struct {
	// ID names the event; a redelivery asked by an admin carries the same
	// id (each delivery has its own X-Chatdesk-Delivery id).
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"createdAt"`
	Data      any       `json:"data"`
}

// HookAgent is an agent in a payload.
type HookAgent struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// HookVisitor is what the form told about the visitor.
type HookVisitor struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	PageURL  string `json:"pageUrl"`
	Referrer string `json:"referrer"`
	// UserID is the shop's own id of a verified customer (ChatDesk.setUser
	// with a valid hash), "" otherwise.
	UserID   string `json:"userId"`
	Verified bool   `json:"verified"`
}

// HookConversation is a conversation in a payload.
type HookConversation struct {
	ID         string        `json:"id"`
	Status     chat.Status   `json:"status"`
	Priority   chat.Priority `json:"priority"`
	Tags       []string      `json:"tags"`
	Visitor    HookVisitor   `json:"visitor"`
	Answers    []chat.Answer `json:"answers"`
	Assignee   *HookAgent    `json:"assignee"`
	CreatedAt  time.Time     `json:"createdAt"`
	AssignedAt *time.Time    `json:"assignedAt"`
	ResolvedAt *time.Time    `json:"resolvedAt"`
}

func hookConversation(c *chat.Conversation) HookConversation {
	h := HookConversation{
		ID: c.ID, Status: c.Status, Priority: c.Priority.OrDefault(), Tags: c.Tags, Answers: c.Answers,
		Visitor:   HookVisitor{Name: c.Visitor.Name, Phone: c.Visitor.Phone, PageURL: c.Visitor.PageURL, Referrer: c.Visitor.Referrer, UserID: c.Visitor.UserID, Verified: c.Visitor.Verified},
		CreatedAt: c.CreatedAt, AssignedAt: c.AssignedAt, ResolvedAt: c.ResolvedAt,
	}
	if h.Tags == nil {
		h.Tags = []string{}
	}
	if h.Answers == nil {
		h.Answers = []chat.Answer{}
	}
	if c.AssigneeID != "" {
		h.Assignee = &HookAgent{ID: c.AssigneeID, Name: c.AssigneeName}
	}
	return h
}

// HookConversationData is the data of conversation.created.
type HookConversationData struct {
	Conversation HookConversation `json:"conversation"`
}

// HookAssignedData is the data of conversation.assigned: change is
// assigned (automatic), claimed, transferred or reopened;
// previousAgent is set for a transfer.
type HookAssignedData struct {
	Conversation  HookConversation `json:"conversation"`
	Agent         HookAgent        `json:"agent"`
	Change        string           `json:"change"`
	PreviousAgent *HookAgent       `json:"previousAgent"`
}

// HookResolvedData is the data of conversation.resolved.
type HookResolvedData struct {
	Conversation HookConversation `json:"conversation"`
	ResolvedBy   *HookAgent       `json:"resolvedBy"`
}

// HookMessage is a message in a payload.
type HookMessage struct {
	ID         string           `json:"id"`
	Seq        int64            `json:"seq"`
	SenderType chat.SenderType  `json:"senderType"`
	SenderID   string           `json:"senderId,omitempty"`
	SenderName string           `json:"senderName"`
	Kind       chat.MessageKind `json:"kind"`
	Text       string           `json:"text"`
	Attachment *HookAttachment  `json:"attachment"`
	CreatedAt  time.Time        `json:"createdAt"`
}

// HookAttachment describes a file; the bytes stay behind the API's
// access checks (GET /api/conversations/:id/attachments/:attachmentId).
type HookAttachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
}

// HookMessageData is the data of message.created.
type HookMessageData struct {
	Conversation HookMessageConversation `json:"conversation"`
	Message      HookMessage             `json:"message"`
}

// HookMessageConversation is the short form of the conversation a message
// belongs to (message.created comes often; the full form is in the
// conversation events).
type HookMessageConversation struct {
	ID       string      `json:"id"`
	Status   chat.Status `json:"status"`
	Visitor  HookVisitor `json:"visitor"`
	Assignee *HookAgent  `json:"assignee"`
}

func hookMessage(c *chat.Conversation, m *chat.Message) HookMessageData {
	full := hookConversation(c)
	out := HookMessageData{
		Conversation: HookMessageConversation{ID: c.ID, Status: c.Status, Visitor: full.Visitor, Assignee: full.Assignee},
		Message: HookMessage{ID: m.ID, Seq: m.Seq, SenderType: m.SenderType, SenderID: m.SenderID, SenderName: m.SenderName,
			Kind: m.Kind, Text: m.Text, CreatedAt: m.CreatedAt},
	}
	if a := m.Attachment; a != nil {
		out.Message.Attachment = &HookAttachment{ID: a.ID, Name: a.Name, Size: a.Size, ContentType: a.ContentType}
	}
	return out
}

// HookRatingData is the data of rating.created.
type HookRatingData struct {
	Conversation HookConversation `json:"conversation"`
	Rating       chat.Rating      `json:"rating"`
}

// HookErasedData is the data of contact.erased: the shop's systems erase
// what they hold about the phone too. The conversations are gone from
// chatdesk already, and so are the queued deliveries that mentioned them.
type HookErasedData struct {
	Phone           string    `json:"phone"`
	ConversationIDs []string  `json:"conversationIds"`
	ErasedAt        time.Time `json:"erasedAt"`
}

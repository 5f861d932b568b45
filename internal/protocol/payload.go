package protocol

import "github.com/chatdesk/chatdesk/internal/chat"

// Request payloads. Visitors may omit conversationId: their token names it.

// Hello opens a session.
type Hello struct {
	Token   string `json:"token"`
	LastSeq int64  `json:"lastSeq"`
}

// MessageSend stores a message; the ack carries MessageCreated.
type MessageSend struct {
	ConversationID string `json:"conversationId"`
	ClientID       string `json:"clientId"`
	Text           string `json:"text"`
}

// NoteSend stores an internal note (agents only); the ack carries
// NoteCreated.
type NoteSend struct {
	ConversationID string `json:"conversationId"`
	ClientID       string `json:"clientId"`
	Text           string `json:"text"`
}

// NoteCreated is the data of note.created (to every agent, never to a
// visitor) and of a note.send's ack.
type NoteCreated struct {
	Note *chat.Message `json:"note"`
}

// TakeoverCommand is the data of takeover.request, takeover.accept,
// takeover.decline, takeover.cancel and takeover.force (agents only).
type TakeoverCommand struct {
	ConversationID string `json:"conversationId"`
}

// TakeoverResult is the ack of a takeover command: the conversation after
// it, and the pending request (takeover.request) or none.
type TakeoverResult struct {
	Conversation *chat.Conversation `json:"conversation"`
	Takeover     *chat.Takeover     `json:"takeover,omitempty"`
}

// TakeoverRequested is the data of takeover.requested (every agent): the
// owner is asked; others see the request pending.
type TakeoverRequested struct {
	Takeover *chat.Takeover `json:"takeover"`
}

// TakeoverEnded is the data of takeover.ended (every agent): the request
// is settled with Outcome (chat.Takeover*), once. ByName is the agent who
// settled it ("" when the timeout did).
type TakeoverEnded struct {
	Takeover *chat.Takeover `json:"takeover"`
	Outcome  string         `json:"outcome"`
	ByName   string         `json:"byName,omitempty"`
}

// NoteMentioned is the data of note.mentioned, sent only to the sockets
// of the agent AgentID, who was @mentioned in Note by ByName.
type NoteMentioned struct {
	AgentID        string        `json:"agentId"`
	ConversationID string        `json:"conversationId"`
	ByName         string        `json:"byName"`
	Note           *chat.Message `json:"note"`
}

// TypingRequest announces that the sender is typing (or stopped).
type TypingRequest struct {
	ConversationID string `json:"conversationId"`
	Typing         bool   `json:"typing"`
}

// PageView reports the page the visitor is on (visitors only; their own
// conversation).
type PageView struct {
	ConversationID string `json:"conversationId"`
	Path           string `json:"path"`
	Title          string `json:"title"`
}

// VisitorPage is the data of visitor.page, to the conversation's followers.
type VisitorPage struct {
	ConversationID string        `json:"conversationId"`
	Page           chat.PageView `json:"page"`
}

// ConversationRead marks the caller's side as having read the conversation.
type ConversationRead struct {
	ConversationID string `json:"conversationId"`
	Seq            int64  `json:"seq"`
}

// ConversationJoin makes an agent's socket follow a conversation.
type ConversationJoin struct {
	ConversationID string `json:"conversationId"`
	AfterSeq       int64  `json:"afterSeq"`
}

// ConversationLeave stops following a conversation.
type ConversationLeave struct {
	ConversationID string `json:"conversationId"`
}

// Sync replays a conversation after a seq.
type Sync struct {
	ConversationID string `json:"conversationId"`
	AfterSeq       int64  `json:"afterSeq"`
}

// AgentStatus sets an agent's availability: "online" or "away".
type AgentStatus struct {
	Status string `json:"status"`
}

// Reply and event payloads.

// SessionReady answers hello.
type SessionReady struct {
	Role string `json:"role"`
	// Conversation is the visitor's own, in the visitor's view (agents
	// get none).
	Conversation  *chat.VisitorConversation `json:"conversation,omitempty"`
	Agent         *chat.Agent               `json:"agent,omitempty"`
	Agents        []chat.AgentView          `json:"agents,omitempty"`
	SupportOnline bool                      `json:"supportOnline"`
	// Queue is where a visitor's waiting conversation stands.
	Queue     *QueuePosition `json:"queue,omitempty"`
	Heartbeat int            `json:"heartbeat"`
	Node      string         `json:"node"`
}

// JoinAck answers conversation.join.
type JoinAck struct {
	Conversation *chat.Conversation `json:"conversation"`
}

// MessageCreated is the data of message.created and of a send's ack.
type MessageCreated struct {
	Message *chat.Message `json:"message"`
}

// ReplayDone ends a replay; LastSeq is the highest seq sent.
type ReplayDone struct {
	ConversationID string `json:"conversationId"`
	LastSeq        int64  `json:"lastSeq"`
}

// Typing is the data of the typing event.
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

// VisitorConversationChanged is ConversationChanged as a visitor's socket
// receives it: the conversation in the visitor's view.
type VisitorConversationChanged struct {
	Conversation *chat.VisitorConversation `json:"conversation"`
	Change       string                    `json:"change,omitempty"`
}

// AgentPresence is the data of agent.presence.
type AgentPresence struct {
	AgentID string `json:"agentId"`
	Name    string `json:"name"`
	Online  bool   `json:"online"`
	Status  string `json:"status"` // online | away | offline
	// OnlineCount is how many agents can take a chat now (online, not
	// away, within office hours): nodes tell visitors whether anyone is
	// there (support.status) from it.
	OnlineCount int `json:"onlineCount"`
}

// SupportStatus tells visitors whether an agent can take their chat now.
type SupportStatus struct {
	Online bool `json:"online"`
}

// QueuePosition tells a visitor whose conversation waits for an agent where
// it stands: Position 1 is next; WaitSeconds is the typical wait for a
// first answer lately (the median over the last day; 0 when unknown).
type QueuePosition struct {
	ConversationID string `json:"conversationId"`
	Position       int    `json:"position"`
	WaitSeconds    int    `json:"waitSeconds"`
}

// AgentUpdated tells nodes an agent changed (disabled agents are
// disconnected, revoked tokens too).
type AgentUpdated struct {
	AgentID  string `json:"agentId"`
	Disabled bool   `json:"disabled"`
}

// Changes lists every `change` of conversation.updated.
var Changes = []string{
	string(chat.ChangeAssigned), string(chat.ChangeClaimed), string(chat.ChangeTransferred),
	string(chat.ChangeUnassigned), string(chat.ChangeResolved), string(chat.ChangeReopened),
	chat.ChangeMessage, chat.ChangeRead, chat.ChangePriority, chat.ChangeTags, chat.ChangeRated, chat.ChangeHandoff, chat.ChangeErased, chat.ChangeContact,
	string(chat.ChangeTakenOver),
}

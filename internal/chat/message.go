package chat

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// SenderType says who wrote a message.
type SenderType string

const (
	SenderVisitor SenderType = "visitor"
	SenderAgent   SenderType = "agent"
	SenderSystem  SenderType = "system"
	// SenderBot marks the answers of the optional assistant that speaks
	// while no agent can.
	SenderBot SenderType = "bot"
)

// Message is one line of a conversation. Seq is gap-free and increasing per
// conversation; ClientID is chosen by the sender so a resend is stored once.
type Message struct {
	ID             string      `json:"id"`
	ConversationID string      `json:"conversationId"`
	Seq            int64       `json:"seq"`
	ClientID       string      `json:"clientId"`
	SenderType     SenderType  `json:"senderType"`
	SenderID       string      `json:"senderId"`
	SenderName     string      `json:"senderName"`
	Text           string      `json:"text"`
	Kind           MessageKind `json:"kind"`
	Attachment     *Attachment `json:"attachment,omitempty"`
	// Notice says what a system message is about, so that each side can
	// word it: the text is written for agents ("Khách muốn gặp nhân
	// viên..."), the widget speaks to the visitor ("Bạn đã yêu cầu...").
	Notice *Notice `json:"notice,omitempty"`
	// Note is set on an internal note: only agents ever see it (see
	// note.go). Its Seq is negative and outside the visitor's sequence.
	Note      *NoteInfo `json:"note,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Notice is the kind of a system message and what it names.
type Notice struct {
	Code  string `json:"code"`            // one of the Notice* codes
	Name  string `json:"name,omitempty"`  // the agent it is about
	Stars int    `json:"stars,omitempty"` // NoticeRated
}

// Codes of system notices (Message.Notice.Code).
const (
	NoticeJoined      = "joined"      // Name took the conversation (assigned, claimed)
	NoticeTransferred = "transferred" // the conversation now goes to Name
	NoticeReopened    = "reopened"    // Name reopened it
	NoticeResolved    = "resolved"    // Name ended it
	NoticeAgentAway   = "agent_away"  // Name is offline; another agent will take it
	NoticeReturned    = "returned"    // the visitor wrote again: reopened
	NoticeHandoff     = "handoff"     // the visitor asked for a person
	NoticeRated       = "rated"       // the visitor rated it Stars stars
)

// NoticeCodes lists every notice code (for wire.js).
var NoticeCodes = []string{NoticeJoined, NoticeTransferred, NoticeReopened, NoticeResolved, NoticeAgentAway, NoticeReturned, NoticeHandoff, NoticeRated, NoticeTakeoverRequested, NoticeTakeoverDeclined, NoticeTakeoverCancelled, NoticeTakeoverExpired}

// MaxMessageLen is the longest message text, in runes.
const MaxMessageLen = 4000

// MaxClientIDLen is the longest client-generated message id.
const MaxClientIDLen = 64

var clientIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidateClientID checks a client-generated message id.
func ValidateClientID(id string) error {
	if !clientIDRE.MatchString(id) {
		return &Error{Code: EINVALID, Message: "Mã tin nhắn không hợp lệ.", Fields: map[string]string{"clientId": "Mã tin nhắn phải gồm 1–64 ký tự chữ, số, - hoặc _."}}
	}
	return nil
}

// CleanMessageText checks a message's encoding, removes control and
// bidi-control characters (CleanMultiline), trims it and checks its length.
func CleanMessageText(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", &Error{Code: EINVALID, Message: "Tin nhắn chứa ký tự không hợp lệ.", Fields: map[string]string{"text": "Tin nhắn chứa ký tự không hợp lệ."}}
	}
	text = strings.TrimSpace(CleanMultiline(text))
	if text == "" {
		return "", &Error{Code: EINVALID, Message: "Tin nhắn không được để trống.", Fields: map[string]string{"text": "Tin nhắn không được để trống."}}
	}
	if utf8.RuneCountInString(text) > MaxMessageLen {
		return "", &Error{Code: ETOOLARGE, Message: "Tin nhắn quá dài (tối đa 4000 ký tự).", Fields: map[string]string{"text": "Tin nhắn quá dài (tối đa 4000 ký tự)."}}
	}
	return text, nil
}

// PreviewText shortens a message for the inbox.
func PreviewText(text string) string {
	const max = 140
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	r := []rune(text)
	return string(r[:max]) + "…"
}

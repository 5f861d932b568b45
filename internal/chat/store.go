package chat

import (
	"errors"
	"time"
)

// Storage sentinel errors. They are control flow between the service and the
// store, never shown to users.
var (
	// ErrDuplicateClientID: a message with this (conversation, clientId) is stored already.
	ErrDuplicateClientID = errors.New("duplicate message client id")
	// ErrDuplicateSeq: the seq is taken (the sequencer was rebuilt behind an in-flight write).
	ErrDuplicateSeq = errors.New("duplicate message seq")
	// ErrDuplicateEmail: an agent with this email exists.
	ErrDuplicateEmail = errors.New("duplicate agent email")
	// ErrDuplicateKey: a form field with this key exists.
	ErrDuplicateKey = errors.New("duplicate form field key")
)

// ConversationUpdate sets the non-nil fields of a conversation. UpdatedAt is
// set unless zero: triage, ratings and first-response stamps are not
// activity and must not move a conversation up the inbox.
type ConversationUpdate struct {
	Status          *Status
	AssigneeID      *string
	AssigneeName    *string
	AssigneeAvatar  *string    // AssigneeAvatarURL
	AssignedAt      *time.Time // zero time clears it
	ResolvedAt      *time.Time // zero time clears it
	FirstResolvedAt *time.Time
	Priority        *Priority
	Tags            *[]string
	Rating          *Rating
	HandoffAt       *time.Time
	VisitorPage     *PageView // the visitor's current page (not activity: leave UpdatedAt zero)
	UpdatedAt       time.Time
}

// ConversationTouch records activity on a conversation: its newest message and
// the unread counters. Touches are coalesced per node and written in bulk,
// last writer wins: two nodes flushing the same conversation in the same
// instant may briefly show the older preview until its next message.
type ConversationTouch struct {
	ID          string
	LastMessage *Preview
	UnreadAgent *int64
	UnreadVisit *int64
	UpdatedAt   time.Time // zero: not activity (a read); updatedAt is left alone
	// FirstResponseAt, when set, stamps the conversation's first agent
	// message; the earliest of the coalesced touches wins.
	FirstResponseAt *time.Time
	// AgentReadSeq and VisitorReadSeq, when set, raise a side's read
	// receipt; coalesced touches keep the highest.
	AgentReadSeq   *int64
	VisitorReadSeq *int64
}

// SortOrder orders conversation lists.
type SortOrder string

const (
	SortCreatedDesc SortOrder = "created" // history: newest first by creation
	SortUpdatedDesc SortOrder = "updated" // inbox: latest activity first
	// SortPriority: urgent first, then high, normal, low; ties by latest
	// activity.
	SortPriority SortOrder = "priority"
)

// ErrSeqUnknown means the coordinator holds no sequence counter for the
// conversation (new, or forgotten after a Redis restart): seed it from the
// highest stored seq.
var ErrSeqUnknown = errors.New("sequence counter missing")

// ErrNoReplyLock means an agent's message met no reply lock (Redis lost
// it): the caller restores the lock from the conversation's mirror and
// tries again.
var ErrNoReplyLock = errors.New("reply lock missing")

// Reservation is what a new message asks of the shared state before its
// write (desk.Sequencer.Reserve).
type Reservation struct {
	ConversationID string
	ClientID       string
	// AgentID, when set, must hold the conversation's reply lock.
	AgentID string
	// Unread is the side whose unread counter the message raises: "agent"
	// (a visitor's message), "visitor" (an agent's or the bot's) or "".
	Unread string
}

// Reserved is a reserved seq and the unread counters after the reservation.
type Reserved struct {
	Seq                      int64
	Reused                   bool
	UnreadAgent, UnreadVisit int64
}

// Published is an encoded event on its way to the nodes subscribed to its
// topic (desk.Publisher).
type Published struct {
	Topic   string
	Payload []byte
}

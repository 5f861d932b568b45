package chat

import "time"

// A takeover request: an agent who does not own a conversation asks its
// owner for it ("Xin nhận cuộc trò chuyện"). At most one is pending per
// conversation; it ends exactly once, with one of the Takeover* outcomes.
// Pending requests live in shared, expiring state (Redis), not in the
// conversation document: they are short-lived and settled by
// compare-and-delete, which FerretDB could not do atomically.
type Takeover struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversationId"`
	RequesterID    string    `json:"requesterId"`
	RequesterName  string    `json:"requesterName"`
	OwnerID        string    `json:"ownerId"` // the owner asked, when the request was made
	CreatedAt      time.Time `json:"createdAt"`
	// Deadline: with no answer by then, the request passes the
	// conversation to the requester if the owner is away or offline, and
	// expires otherwise.
	Deadline time.Time `json:"deadline"`
}

// Outcomes of a takeover request (takeover.ended).
const (
	TakeoverAccepted   = "accepted"   // the owner agreed: the requester owns it
	TakeoverDeclined   = "declined"   // the owner refused
	TakeoverCancelled  = "cancelled"  // the requester withdrew it
	TakeoverExpired    = "expired"    // no answer in time from an available owner, or the owner changed meanwhile
	TakeoverPassed     = "passed"     // no answer in time from an away or offline owner: the requester owns it
	TakeoverSuperseded = "superseded" // an admin took the conversation over directly
)

// ChangeTakenOver is the conversation.updated change of a conversation
// whose owner changed through a takeover (accepted, passed on timeout, or
// taken directly by an admin).
const ChangeTakenOver AssignmentChange = "taken_over"

// Notice codes of the agent-only steps of a takeover. They are written as
// internal notes (outside the visitor's sequence, see note.go): the
// visitor never sees that someone asked for their conversation or was
// refused, only the change of owner (NoticeTransferred).
const (
	NoticeTakeoverRequested = "takeover_requested"
	NoticeTakeoverDeclined  = "takeover_declined"
	NoticeTakeoverCancelled = "takeover_cancelled"
	NoticeTakeoverExpired   = "takeover_expired"
)

// ETAKEOVERPENDING: another agent's takeover request for this
// conversation is waiting for the owner's answer.
const ETAKEOVERPENDING = "takeover_pending"

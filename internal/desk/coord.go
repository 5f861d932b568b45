package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The interfaces in this file are the cross-node state the core needs, cut
// by what each part of it uses. internal/redis implements every one of them
// (in files named the same way); internal/inmem implements them in memory
// for a single process and for unit tests.

// ReplyLocks hold, per conversation, the one agent allowed to reply. Every
// change is atomic: racing claims on different nodes produce one owner.
type ReplyLocks interface {
	// Owner returns the agent holding the lock; ok is false when there is
	// no lock (no owner, or the lock was lost: restore it from the mirror).
	Owner(ctx context.Context, conversationID string) (owner string, ok bool, err error)
	// Claim sets the owner when there is none and returns the owner after
	// the call: agentID when the claim won.
	Claim(ctx context.Context, conversationID, agentID string) (string, error)
	// Transfer moves the lock from `from` to `to` only while `from` holds it
	// and returns the owner after the call ("" when there is none).
	Transfer(ctx context.Context, conversationID, from, to string) (string, error)
	// Release removes the lock if owner still holds it.
	Release(ctx context.Context, conversationID, owner string) (bool, error)
}

// Sequencer hands out each conversation's gap-free message seqs, in the
// same atomic step as everything else a new message needs from shared
// state, so that storing a message costs one round trip before its write.
type Sequencer interface {
	// Reserve checks that the sender may write (an agent must hold the
	// reply lock), reserves the message's seq (a resend of a known client
	// id gets its seq again: Reused, and nothing else changes) and raises
	// the unread counter of r.Unread's side. Errors: chat.ErrNotAssigned
	// (another agent holds the lock), chat.ErrNoReplyLock (no lock: restore
	// it from the mirror and retry), chat.ErrSeqUnknown (no counter: seed it
	// with InitSeq and retry).
	Reserve(ctx context.Context, r chat.Reservation) (chat.Reserved, error)
	// ReserveBatch is Reserve for several messages in one round trip, run
	// in order: out[i] and errs[i] answer rs[i], as Reserve would have
	// answered them one after another.
	ReserveBatch(ctx context.Context, rs []chat.Reservation) (out []chat.Reserved, errs []error)
	// Unreserve gives back what Reserve took for a message that was not
	// stored: the seq (the counter is pulled down when it was the last one,
	// otherwise the seq becomes a hole that the next message fills), the
	// client id's reservation and the unread count.
	Unreserve(ctx context.Context, r chat.Reservation, seq int64) error
	// InitSeq seeds an unknown counter with the highest stored seq (a no-op
	// when another node seeded it first).
	InitSeq(ctx context.Context, conversationID string, max int64) error
	// RaiseSeq lifts the counter to at least min.
	RaiseSeq(ctx context.Context, conversationID string, min int64) error
	// CurrentSeq is the last seq handed out (ok false: counter unknown).
	CurrentSeq(ctx context.Context, conversationID string) (seq int64, ok bool, err error)
}

// UnreadCounters count, per conversation, what each side ("agent",
// "visitor") has not read. Messages raise them through Sequencer.Reserve.
type UnreadCounters interface {
	ResetUnread(ctx context.Context, conversationID, side string) (agent, visitor int64, err error)
	Unread(ctx context.Context, conversationID string) (agent, visitor int64, err error)
	// UnreadMany reads the counters of many conversations in one round
	// trip: [agent, visitor] for each id, in order.
	UnreadMany(ctx context.Context, conversationIDs []string) ([][2]int64, error)
}

// PresenceTracker knows which agents have a socket on some node.
type PresenceTracker interface {
	// Join records a socket of agentID on nodeID for ttl; cameOnline is true
	// when the agent was offline everywhere before.
	Join(ctx context.Context, agentID, nodeID string, ttl time.Duration) (cameOnline bool, err error)
	// Leave removes agentID from nodeID; wentOffline is true when no other
	// node holds a live socket of the agent.
	Leave(ctx context.Context, agentID, nodeID string) (wentOffline bool, err error)
	// Heartbeat extends the given agents' presence on nodeID.
	Heartbeat(ctx context.Context, nodeID string, agentIDs []string, ttl time.Duration) error
	// Reap removes expired presence and returns the agents that thereby
	// went offline everywhere, each to exactly one caller.
	Reap(ctx context.Context) ([]string, error)
	OnlineAgents(ctx context.Context) ([]string, error)
	// TakeOfflineSince removes and returns the agents offline since before
	// cutoff, each to exactly one caller.
	TakeOfflineSince(ctx context.Context, cutoff time.Time) ([]string, error)
	SetAway(ctx context.Context, agentID string, away bool) error
	AwayAgents(ctx context.Context) (map[string]bool, error)
}

// Rotation is the cluster's one round-robin order of agents.
type Rotation interface {
	// NextInRotation picks the candidate whose last turn is oldest and
	// stamps it, atomically ("" for no candidates).
	NextInRotation(ctx context.Context, candidates []string) (string, error)
}

// NamedLocks are short-lived cluster-wide mutexes.
type NamedLocks interface {
	// TryLock returns an unlock func, or nil when another holder has it.
	TryLock(ctx context.Context, name, holder string, ttl time.Duration) (func(), error)
	// TryLockMany takes several locks in one round trip and reports which.
	TryLockMany(ctx context.Context, names []string, holder string, ttl time.Duration) ([]bool, error)
	UnlockMany(ctx context.Context, names []string, holder string) error
}

// TypingMarks remember for a few seconds that a side is typing, for
// clients on the REST fallback, which cannot receive events.
type TypingMarks interface {
	SetTyping(ctx context.Context, conversationID, side string, typing bool) error
	IsTyping(ctx context.Context, conversationID, side string) (bool, error)
}

// Takeovers hold each conversation's one pending takeover request
// (chat.Takeover). A request is kept a while past its deadline, so that a
// node that finds it due can still settle it.
type Takeovers interface {
	// OpenTakeover stores t as its conversation's pending request unless
	// one is pending, and returns the pending request after the call: t
	// when it was stored, the earlier one otherwise.
	OpenTakeover(ctx context.Context, t chat.Takeover) (chat.Takeover, error)
	// PendingTakeover returns the conversation's pending request (ok false:
	// none).
	PendingTakeover(ctx context.Context, conversationID string) (t chat.Takeover, ok bool, err error)
	// SettleTakeover removes the pending request if it is still requestID
	// and reports whether this call removed it: of racing settlements
	// (an answer, the timeout on two nodes) exactly one wins.
	SettleTakeover(ctx context.Context, conversationID, requestID string) (bool, error)
	// DueTakeovers returns the conversations whose request's deadline is
	// not after now (possibly settled meanwhile: PendingTakeover decides).
	DueTakeovers(ctx context.Context, now time.Time) ([]string, error)
}

// PageMarks hold the page each visitor in a conversation is on (encoded
// chat.PageView), shared by every node.
type PageMarks interface {
	// SetPage stores the page; durable is true at most once per window per
	// conversation: that caller also writes it to the conversation.
	SetPage(ctx context.Context, conversationID string, page []byte, window time.Duration) (durable bool, err error)
	// Page returns the stored page, nil when none.
	Page(ctx context.Context, conversationID string) ([]byte, error)
	// ClearPage forgets the conversation's page and its durable window
	// (erasure: the page is the visitor's personal data).
	ClearPage(ctx context.Context, conversationID string) error
}

// Coordinator is every piece of cross-node state, as one adapter provides
// them; the parts of the core each take the pieces they use.
type Coordinator interface {
	ReplyLocks
	Sequencer
	UnreadCounters
	PresenceTracker
	Rotation
	NamedLocks
	TypingMarks
	Takeovers
	PageMarks
	Ping(ctx context.Context) error
}

// Publisher delivers encoded events to every node subscribed to their
// topic: at most once, in publish order per topic.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload []byte) error
	// PublishBatch publishes events in order, in one round trip.
	PublishBatch(ctx context.Context, events []chat.Published) error
}

// Package protocol is chatdesk's WebSocket wire protocol (docs/protocol.md):
// the envelope, the name of every request and event, their typed payloads,
// the close codes and the wire form of an error. It is the only Go package
// that spells a frame name; the front-ends take the same names from
// wire.js, which is generated from this package (go generate) and checked
// against it by this package's tests.
package protocol

//go:generate go run ./gen

// Requests (client → server).
const (
	ReqHello             = "hello"
	ReqMessageSend       = "message.send"
	ReqTyping            = "typing"
	ReqConversationRead  = "conversation.read"
	ReqConversationJoin  = "conversation.join"
	ReqConversationLeave = "conversation.leave"
	ReqSync              = "sync"
	ReqAgentStatus       = "agent.status"
	ReqNoteSend          = "note.send"
	ReqTakeoverRequest   = "takeover.request"
	ReqTakeoverAccept    = "takeover.accept"
	ReqTakeoverDecline   = "takeover.decline"
	ReqTakeoverCancel    = "takeover.cancel"
	ReqTakeoverForce     = "takeover.force"
	ReqPageView          = "page.view"
)

// Replies and events (server → client).
const (
	EvtAck                 = "ack"
	EvtError               = "error"
	EvtSessionReady        = "session.ready"
	EvtReplayDone          = "replay.done"
	EvtMessageCreated      = "message.created"
	EvtTyping              = "typing"
	EvtConversationCreated = "conversation.created"
	EvtConversationUpdated = "conversation.updated"
	EvtAgentPresence       = "agent.presence"
	EvtSupportStatus       = "support.status"
	EvtQueuePosition       = "queue.position"
	EvtSessionResync       = "session.resync"
	EvtServerDraining      = "server.draining"
	EvtNoteCreated         = "note.created"
	EvtNoteMentioned       = "note.mentioned"
	EvtTakeoverRequested   = "takeover.requested"
	EvtTakeoverEnded       = "takeover.ended"
	EvtVisitorPage         = "visitor.page"
)

// EvtAgentUpdated travels between nodes only (an agent was disabled or its
// tokens revoked: its sockets are closed); clients never receive it.
const EvtAgentUpdated = "agent.updated"

// Requests lists every request type, in the order docs/protocol.md gives.
var Requests = []string{ReqHello, ReqMessageSend, ReqTyping, ReqConversationRead, ReqConversationJoin, ReqConversationLeave, ReqSync, ReqAgentStatus, ReqNoteSend, ReqTakeoverRequest, ReqTakeoverAccept, ReqTakeoverDecline, ReqTakeoverCancel, ReqTakeoverForce, ReqPageView}

// Events lists every reply and event a client may receive.
var Events = []string{EvtAck, EvtError, EvtSessionReady, EvtReplayDone, EvtMessageCreated, EvtTyping, EvtConversationCreated, EvtConversationUpdated, EvtAgentPresence, EvtSupportStatus, EvtQueuePosition, EvtSessionResync, EvtServerDraining, EvtNoteCreated, EvtNoteMentioned, EvtTakeoverRequested, EvtTakeoverEnded, EvtVisitorPage}

// Close codes. The 1xxx codes are RFC 6455's; the 4xxx codes are ours.
const (
	// CloseGoingAway: the node is shutting down (after server.draining).
	CloseGoingAway = 1001
	// CloseUnsupportedData: a binary frame (the protocol is text only).
	CloseUnsupportedData = 1003
	// CloseInvalidPayload: a text frame that is not valid UTF-8.
	CloseInvalidPayload = 1007
	// CloseTooBig: a frame over MaxFrameBytes.
	CloseTooBig = 1009
	// CloseInternalError: handling a frame failed unexpectedly.
	CloseInternalError = 1011
	// CloseTryAgain: reconnect with backoff and resume (slow consumer, no
	// hello in time, a dependency down during hello).
	CloseTryAgain = 4000
	// CloseUnauthorized: token refused or revoked; do not retry with it.
	CloseUnauthorized = 4401
	// CloseDisabled: the agent's account is disabled.
	CloseDisabled = 4403
	// CloseTooMany: this address (or this visitor token) has as many
	// sockets open on the node as it may; reconnect later, with backoff.
	CloseTooMany = 4429
)

// CloseCode names a close code for wire.js.
type CloseCode struct {
	Name string
	Code int
}

// CloseCodes lists every close code the server sends.
var CloseCodes = []CloseCode{
	{"GOING_AWAY", CloseGoingAway},
	{"UNSUPPORTED_DATA", CloseUnsupportedData},
	{"INVALID_PAYLOAD", CloseInvalidPayload},
	{"TOO_BIG", CloseTooBig},
	{"INTERNAL_ERROR", CloseInternalError},
	{"TRY_AGAIN", CloseTryAgain},
	{"UNAUTHORIZED", CloseUnauthorized},
	{"DISABLED", CloseDisabled},
	{"TOO_MANY", CloseTooMany},
}

// Limits of a frame and of what it carries.
const (
	// MaxFrameBytes bounds one frame; a longer one closes the socket.
	MaxFrameBytes = 16 << 10
	// MaxIDLen bounds a request id.
	MaxIDLen = 64
)

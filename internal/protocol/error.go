package protocol

import "github.com/chatdesk/chatdesk/internal/chat"

// Error is the data of an error frame: the stable code, the Vietnamese
// message, per-field messages and, for rate limits, when to retry.
type Error struct {
	Code       string            `json:"code"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields,omitempty"`
	RetryAfter int               `json:"retryAfter,omitempty"`
}

// ErrorOf is the wire form of err. Errors that are not *chat.Error become
// "internal" with a generic message: internals never leak.
func ErrorOf(err error) Error {
	out := Error{Code: chat.ErrorCode(err), Message: chat.ErrorMessage(err)}
	if e, ok := chat.AsError(err); ok {
		out.Fields, out.RetryAfter = e.Fields, e.RetryAfter
	}
	return out
}

// Package chat holds chatdesk's domain: conversations, messages, agents, the
// pre-chat form and the one error type every transport maps once. It imports
// no framework.
package chat

import (
	"errors"
	"fmt"
)

// Stable error codes. Transports map them to status codes; clients rely on
// them, so they never change meaning.
const (
	ECONFLICT     = "conflict"      // state changed under the caller
	EINTERNAL     = "internal"      // a bug or an unexpected failure
	EINVALID      = "invalid_input" // the request is malformed or fails validation
	ENOTFOUND     = "not_found"     // no such thing, or not visible to the caller
	EUNAUTHORIZED = "unauthorized"  // no or bad credentials
	EFORBIDDEN    = "forbidden"     // authenticated, but not allowed
	ENOTASSIGNED  = "not_assigned"  // only the assigned agent may reply
	EASSIGNED     = "already_assigned"
	ERATELIMITED  = "rate_limited"
	EUNAVAILABLE  = "unavailable" // a dependency (MongoDB, Redis) is down: retry later
	ETOOLARGE     = "too_large"
	EUNSUPPORTED  = "unsupported_type" // a file whose content is not an accepted type
	EDISABLED     = "account_disabled"
	ELOCKED       = "account_locked"
	EORIGIN       = "origin_not_allowed"     // a browser page of a site that may not use the API
	EMEDIATYPE    = "unsupported_media_type" // a body that is not what the route reads (JSON, or multipart for uploads)
	EBLOCKED      = "blocked"                // the visitor (token, phone or address) is blocked by the support team
	ECHALLENGE    = "challenge_failed"       // a new conversation without the widget's challenge answer (spam protection)
	// EIDENTITY: a new conversation whose identity hash is wrong (ChatDesk.setUser).
	EIDENTITY = "identity_invalid"
	// EIDENTITYREQUIRED: the admin accepts only verified visitors, and this one is not.
	EIDENTITYREQUIRED = "identity_required"
)

// ErrorCodes lists every code, for the front-ends' copy (protocol.WireJS).
var ErrorCodes = []string{ECONFLICT, EINTERNAL, EINVALID, ENOTFOUND, EUNAUTHORIZED, EFORBIDDEN, ENOTASSIGNED, EASSIGNED, ERATELIMITED, EUNAVAILABLE, ETOOLARGE, EUNSUPPORTED, EDISABLED, ELOCKED, EORIGIN, EMEDIATYPE, EBLOCKED, ECHALLENGE, EIDENTITY, EIDENTITYREQUIRED, ETAKEOVERPENDING}

// Error is the application error. Message is Vietnamese and safe to show to
// end users; Fields carries per-field messages for form validation.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfter is set for rate limits, in seconds.
	RetryAfter int
}

func (e *Error) Error() string {
	return fmt.Sprintf("chatdesk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, or EINTERNAL for any
// other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of an application error; other
// errors get a generic message so internals never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := AsError(err); ok {
		return e.Message
	}
	return "Đã có lỗi xảy ra, vui lòng thử lại sau."
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Common errors, shared so their wording stays consistent.
var (
	ErrUnauthorized = &Error{Code: EUNAUTHORIZED, Message: "Phiên đăng nhập không hợp lệ hoặc đã hết hạn."}
	ErrForbidden    = &Error{Code: EFORBIDDEN, Message: "Bạn không có quyền thực hiện thao tác này."}
	ErrNotFound     = &Error{Code: ENOTFOUND, Message: "Không tìm thấy dữ liệu."}
	ErrNotAssigned  = &Error{Code: ENOTASSIGNED, Message: "Chỉ nhân viên đang phụ trách cuộc trò chuyện mới được trả lời."}
	ErrUnavailable  = &Error{Code: EUNAVAILABLE, Message: "Hệ thống đang bận, tin nhắn chưa được gửi. Vui lòng thử lại."}
)

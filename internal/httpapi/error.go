package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// statusOf maps an application error code to its HTTP status, once for the
// whole REST API.
var statusOf = map[string]int{
	chat.EINVALID:          http.StatusBadRequest,
	chat.EUNAUTHORIZED:     http.StatusUnauthorized,
	chat.EFORBIDDEN:        http.StatusForbidden,
	chat.EDISABLED:         http.StatusForbidden,
	chat.ENOTASSIGNED:      http.StatusForbidden,
	chat.ENOTFOUND:         http.StatusNotFound,
	chat.EASSIGNED:         http.StatusConflict,
	chat.ECONFLICT:         http.StatusConflict,
	chat.ETAKEOVERPENDING:  http.StatusConflict,
	chat.ETOOLARGE:         http.StatusRequestEntityTooLarge,
	chat.EUNSUPPORTED:      http.StatusUnsupportedMediaType,
	chat.EMEDIATYPE:        http.StatusUnsupportedMediaType,
	chat.EORIGIN:           http.StatusForbidden,
	chat.EBLOCKED:          http.StatusForbidden,
	chat.ECHALLENGE:        http.StatusForbidden,
	chat.EIDENTITY:         http.StatusForbidden,
	chat.EIDENTITYREQUIRED: http.StatusForbidden,
	chat.ERATELIMITED:      http.StatusTooManyRequests,
	chat.ELOCKED:           http.StatusTooManyRequests,
	chat.EUNAVAILABLE:      http.StatusServiceUnavailable,
	chat.EINTERNAL:         http.StatusInternalServerError,
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries the stable code and the Vietnamese message.
type ErrorDetail struct {
	Code       string            `json:"code"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields,omitempty"`
	RetryAfter int               `json:"retryAfter,omitempty"`
}

// Detail converts any error to its wire form; unknown errors are logged by
// the caller and never leak their text.
func Detail(err error) ErrorDetail {
	d := ErrorDetail{Code: chat.ErrorCode(err), Message: chat.ErrorMessage(err)}
	if e, ok := chat.AsError(err); ok {
		d.Fields, d.RetryAfter = e.Fields, e.RetryAfter
	}
	return d
}

func (s *Server) fail(c *gin.Context, err error) {
	d := Detail(err)
	if d.Code == chat.EINTERNAL {
		s.log.Error("internal error", "path", c.FullPath(), "err", err, "request_id", c.GetString(requestIDKey))
	}
	if d.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(d.RetryAfter))
	}
	c.AbortWithStatusJSON(statusOf[d.Code], ErrorBody{Error: d})
}

var errBadJSON = &chat.Error{Code: chat.EINVALID, Message: "Dữ liệu gửi lên không hợp lệ."}
var errTooLarge = &chat.Error{Code: chat.ETOOLARGE, Message: "Dữ liệu gửi lên quá lớn."}

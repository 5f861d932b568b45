package httpapi

import (
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
)

var (
	errForeignOrigin = &chat.Error{Code: chat.EORIGIN, Message: "Trang web này không được phép gửi yêu cầu tới hệ thống hỗ trợ."}
	errNotJSON       = &chat.Error{Code: chat.EMEDIATYPE, Message: "Dữ liệu phải được gửi dạng JSON (Content-Type: application/json)."}
	errNotMultipart  = &chat.Error{Code: chat.EMEDIATYPE, Message: "Tệp phải được gửi dạng multipart/form-data."}
)

// The routes whose body is multipart, not JSON: attachments and agent
// photos. Both need a bearer token, which a cross-site form cannot send.
const (
	uploadRoute = "/api/conversations/:id/attachments"
	avatarRoute = "/api/agents/:id/avatar"
)

// guard refuses, before anything else runs, state-changing requests that a
// browser sends on behalf of a page the API does not serve:
//
//   - an Origin that may not use the API (the WebSocket's rule:
//     desk.Service.OriginAllowed — embedding sites, the public origin; any
//     origin in development). Requests without an Origin (curl, servers)
//     pass: the check protects visitors' browsers, tokens protect data.
//   - a body that is not JSON (uploads: multipart, see uploadAttachment). A cross-site HTML
//     form or a no-cors fetch can only send text/plain, urlencoded or
//     multipart bodies without a CORS preflight, so requiring JSON also
//     stops the browsers that send no Origin.
func (s *Server) guard() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			c.Next()
			return
		}
		if origin := c.GetHeader("Origin"); origin != "" && !s.svc.Admin.OriginAllowed(c.Request.Context(), origin, s.cfg.PublicURL) {
			s.fail(c, errForeignOrigin)
			return
		}
		// Bodiless actions (claim, resolve, handoff…) carry no type. Uploads
		// are multipart, checked by their handler once it knows the caller
		// may send (a wrong type says nothing a refusal should not).
		if c.Request.ContentLength != 0 && c.FullPath() != uploadRoute && c.FullPath() != avatarRoute && !hasMediaType(c.Request, "application/json") {
			s.fail(c, errNotJSON)
			return
		}
		c.Next()
	}
}

// hasMediaType reports whether r's body is declared as mediaType
// (parameters such as charset aside).
func hasMediaType(r *http.Request, mediaType string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == mediaType
}

package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The routes of abuse controls and personal data (#16): the audit log,
// blocks, the privacy notice, a contact's export and erasure. Mounted by
// New on the agent and admin groups.
func (s *Server) complianceRoutes(agents, admin *gin.RouterGroup) {
	admin.GET("/audit", s.adminAudit)
}

func (s *Server) adminAudit(c *gin.Context) {
	f := chat.AuditFilter{Before: strings.TrimSpace(c.Query("before"))}
	if a := strings.TrimSpace(c.Query("action")); a != "" {
		f.Actions = strings.Split(a, ",")
	}
	limit, err := intQuery(c, "limit", 50)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.Limit = int(limit)
	items, next, err := s.svc.Admin.AuditLog(c.Request.Context(), actor(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	var nextPtr *string
	if next != "" {
		nextPtr = &next
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next": nextPtr})
}

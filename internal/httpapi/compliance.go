package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// The routes of abuse controls and personal data (#16): the audit log,
// blocks, the privacy notice, a contact's export and erasure. Mounted by
// New on the agent and admin groups.
func (s *Server) complianceRoutes(agents, admin *gin.RouterGroup) {
	admin.GET("/audit", s.adminAudit)
	agents.POST("/blocks", s.addBlock)
	admin.GET("/blocks", s.adminBlocks)
	admin.DELETE("/blocks/:id", s.adminRemoveBlock)
	admin.GET("/privacy", s.adminPrivacy)
	admin.PUT("/privacy", s.adminSavePrivacy)
	admin.POST("/privacy/retention", s.adminRunRetention)
	// A phone travels in bodies, never in URLs (access logs).
	admin.POST("/contacts/lookup", s.adminContact)
	admin.POST("/contacts/export", s.adminExportContact)
	admin.POST("/contacts/erase", s.adminEraseContact)
}

func (s *Server) adminRunRetention(c *gin.Context) {
	out, err := s.svc.Privacy.RunRetention(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"run": out})
}

type contactBody struct {
	Phone   string `json:"phone"`
	Confirm string `json:"confirm"`
}

func (s *Server) adminContact(c *gin.Context) {
	var body contactBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Privacy.Contact(c.Request.Context(), actor(c), body.Phone)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"contact": out})
}

// adminExportContact streams the zip. An error before the first byte is
// answered as usual; one after can only cut the download short (the zip
// is then unreadable, and the admin downloads again).
func (s *Server) adminExportContact(c *gin.Context) {
	var body contactBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	w := &lazyZip{c: c, name: "du-lieu-ca-nhan.zip"}
	if err := s.svc.Privacy.Export(c.Request.Context(), actor(c), body.Phone, w); err != nil {
		if !w.started {
			s.fail(c, err)
			return
		}
		s.log.Warn("contact export cut short", "err", err, "request_id", c.GetString(requestIDKey))
		c.Abort()
	}
}

// lazyZip writes the download's headers with its first byte.
type lazyZip struct {
	c       *gin.Context
	name    string
	started bool
}

func (z *lazyZip) Write(p []byte) (int, error) {
	if !z.started {
		z.started = true
		h := z.c.Writer.Header()
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="`+z.name+`"`)
		h.Set("Cache-Control", "no-store")
		z.c.Status(http.StatusOK)
	}
	return z.c.Writer.Write(p)
}

func (s *Server) adminEraseContact(c *gin.Context) {
	var body contactBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Privacy.Erase(c.Request.Context(), actor(c), body.Phone, body.Confirm)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"erased": out})
}

func (s *Server) adminPrivacy(c *gin.Context) {
	v, err := s.svc.Privacy.Settings(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) adminSavePrivacy(c *gin.Context) {
	var body chat.PrivacySettings
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.svc.Privacy.Save(c.Request.Context(), actor(c), body)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

type blockBody struct {
	Kind           string  `json:"kind"`
	Value          string  `json:"value"`
	ConversationID string  `json:"conversationId"`
	Reason         string  `json:"reason"`
	DurationHours  float64 `json:"durationHours"`
}

func (s *Server) addBlock(c *gin.Context) {
	var body blockBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.svc.Blocks.Add(c.Request.Context(), actor(c), desk.BlockInput{
		Kind: body.Kind, Value: body.Value, ConversationID: body.ConversationID, Reason: body.Reason,
		Duration: time.Duration(body.DurationHours * float64(time.Hour)),
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"block": b})
}

func (s *Server) adminBlocks(c *gin.Context) {
	items, err := s.svc.Blocks.List(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) adminRemoveBlock(c *gin.Context) {
	if err := s.svc.Blocks.Remove(c.Request.Context(), actor(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
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

package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func (s *Server) adminOfficeHours(c *gin.Context) {
	h, err := s.svc.Admin.OfficeHours(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"officeHours": h})
}

func (s *Server) adminSaveOfficeHours(c *gin.Context) {
	var h chat.OfficeHours
	if err := bind(c, &h); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Admin.SaveOfficeHours(c.Request.Context(), actor(c), h)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"officeHours": out})
}

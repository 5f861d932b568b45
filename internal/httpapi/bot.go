package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func (s *Server) adminBot(c *gin.Context) {
	b, err := s.svc.Admin.BotSettings(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"bot": b})
}

func (s *Server) adminSaveBot(c *gin.Context) {
	var b chat.BotSettings
	if err := bind(c, &b); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Admin.SaveBotSettings(c.Request.Context(), actor(c), b)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"bot": out})
}

// handoff is the visitor's "Gặp nhân viên hỗ trợ".
func (s *Server) handoff(c *gin.Context) {
	conv, err := s.svc.Conversations.Handoff(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"conversation": viewFor(actor(c), conv)})
}

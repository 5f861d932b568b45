package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Takeover requests (desk/takeover.go): the same desk methods as the
// WebSocket's takeover.* commands; who may do what is decided there.

// pendingTakeover answers with the conversation's pending request (null
// when none) and the time an owner has to answer, for the countdown.
func (s *Server) pendingTakeover(c *gin.Context) {
	t, err := s.svc.Conversations.PendingTakeover(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"takeover": t, "timeoutSeconds": int(s.svc.Conversations.TakeoverTimeout().Seconds())})
}

// requestTakeover asks the owner; a waiting conversation is claimed
// instead (takeover null).
func (s *Server) requestTakeover(c *gin.Context) {
	conv, t, err := s.svc.Conversations.RequestTakeover(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"conversation": conv, "takeover": t})
}

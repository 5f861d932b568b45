package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// triageBody: absent fields are left alone; null is the same as absent.
type triageBody struct {
	Priority *chat.Priority `json:"priority"`
	Tags     *[]string      `json:"tags"`
}

func (s *Server) triage(c *gin.Context) {
	var body triageBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	conv, err := s.svc.Conversations.TriageConversation(c.Request.Context(), actor(c), c.Param("id"), desk.Triage(body))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"conversation": conv})
}

// ratingBody: stars is an int, so "5" or 4.5 are refused by bind.
type ratingBody struct {
	Stars   int    `json:"stars"`
	Comment string `json:"comment"`
}

func (s *Server) rate(c *gin.Context) {
	var body ratingBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	conv, err := s.svc.Conversations.Rate(c.Request.Context(), actor(c), c.Param("id"), body.Stars, body.Comment)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"conversation": viewFor(actor(c), conv)})
}

type cannedBody struct {
	Shortcut string `json:"shortcut"`
	Title    string `json:"title"`
	Text     string `json:"text"`
}

// The canned-reply routes of agents (their own replies) and of admins (the
// shared ones) differ only in the service method: one handler each.

func (s *Server) cannedItems(list func(ctxT, desk.Actor) ([]*chat.CannedReply, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		items, err := list(c.Request.Context(), actor(c))
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"items": items})
	}
}

func (s *Server) cannedCreate(create func(ctxT, desk.Actor, desk.CannedInput) (*chat.CannedReply, error)) gin.HandlerFunc {
	return s.cannedWrite(http.StatusCreated, func(c *gin.Context, in desk.CannedInput) (*chat.CannedReply, error) {
		return create(c.Request.Context(), actor(c), in)
	})
}

func (s *Server) cannedUpdate(update func(ctxT, desk.Actor, string, desk.CannedInput) (*chat.CannedReply, error)) gin.HandlerFunc {
	return s.cannedWrite(http.StatusOK, func(c *gin.Context, in desk.CannedInput) (*chat.CannedReply, error) {
		return update(c.Request.Context(), actor(c), c.Param("id"), in)
	})
}

func (s *Server) cannedWrite(status int, write func(*gin.Context, desk.CannedInput) (*chat.CannedReply, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var body cannedBody
		if err := bind(c, &body); err != nil {
			s.fail(c, err)
			return
		}
		r, err := write(c, desk.CannedInput(body))
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(status, gin.H{"cannedReply": r})
	}
}

func (s *Server) cannedDelete(del func(ctxT, desk.Actor, string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := del(c.Request.Context(), actor(c), c.Param("id")); err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

func (s *Server) adminStats(c *gin.Context) {
	st, err := s.svc.Admin.Stats(c.Request.Context(), actor(c), strings.TrimSpace(c.Query("from")), strings.TrimSpace(c.Query("to")))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

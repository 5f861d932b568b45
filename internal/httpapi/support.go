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
	c.JSON(http.StatusOK, gin.H{"conversation": conv})
}

type cannedBody struct {
	Shortcut string `json:"shortcut"`
	Title    string `json:"title"`
	Text     string `json:"text"`
}

func (s *Server) listCanned(c *gin.Context) {
	s.cannedItems(c, s.svc.Admin.CannedReplies)
}

func (s *Server) adminListCanned(c *gin.Context) {
	s.cannedItems(c, s.svc.Admin.AdminCannedReplies)
}

func (s *Server) createCanned(c *gin.Context) {
	s.cannedCreate(c, s.svc.Admin.CreateCannedReply)
}

func (s *Server) adminCreateCanned(c *gin.Context) {
	s.cannedCreate(c, s.svc.Admin.AdminCreateCannedReply)
}

func (s *Server) updateCanned(c *gin.Context) {
	s.cannedUpdate(c, s.svc.Admin.UpdateCannedReply)
}

func (s *Server) adminUpdateCanned(c *gin.Context) {
	s.cannedUpdate(c, s.svc.Admin.AdminUpdateCannedReply)
}

func (s *Server) deleteCanned(c *gin.Context) {
	s.cannedDelete(c, s.svc.Admin.DeleteCannedReply)
}

func (s *Server) adminDeleteCanned(c *gin.Context) {
	s.cannedDelete(c, s.svc.Admin.AdminDeleteCannedReply)
}

func (s *Server) cannedItems(c *gin.Context, list func(ctxT, desk.Actor) ([]*chat.CannedReply, error)) {
	items, err := list(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) cannedCreate(c *gin.Context, create func(ctxT, desk.Actor, desk.CannedInput) (*chat.CannedReply, error)) {
	var body cannedBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	r, err := create(c.Request.Context(), actor(c), desk.CannedInput(body))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"cannedReply": r})
}

func (s *Server) cannedUpdate(c *gin.Context, update func(ctxT, desk.Actor, string, desk.CannedInput) (*chat.CannedReply, error)) {
	var body cannedBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	r, err := update(c.Request.Context(), actor(c), c.Param("id"), desk.CannedInput(body))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cannedReply": r})
}

func (s *Server) cannedDelete(c *gin.Context, del func(ctxT, desk.Actor, string) error) {
	if err := del(c.Request.Context(), actor(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) adminStats(c *gin.Context) {
	st, err := s.svc.Admin.Stats(c.Request.Context(), actor(c), strings.TrimSpace(c.Query("from")), strings.TrimSpace(c.Query("to")))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

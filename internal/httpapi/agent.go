package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

type ctxT = context.Context

func (s *Server) refresh(c *gin.Context) {
	out, err := s.svc.Auth.Refresh(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"agent": actor(c).Agent})
}

func (s *Server) listAgents(c *gin.Context) {
	items, err := s.svc.Presence.Agents(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type statusBody struct {
	Status string `json:"status"`
}

func (s *Server) setStatus(c *gin.Context) {
	var body statusBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.svc.Presence.SetAgentStatus(c.Request.Context(), actor(c), body.Status); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) adminAgents(c *gin.Context) {
	items, err := s.svc.Admin.AdminAgents(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type createAgentBody struct {
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Role     chat.Role `json:"role"`
	Password string    `json:"password"`
}

func (s *Server) adminCreateAgent(c *gin.Context) {
	var body createAgentBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.svc.Admin.CreateAgent(c.Request.Context(), actor(c), desk.AgentInput(body))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"agent": a})
}

type patchAgentBody struct {
	Name     *string    `json:"name"`
	Role     *chat.Role `json:"role"`
	Disabled *bool      `json:"disabled"`
	Password *string    `json:"password"`
}

func (s *Server) adminUpdateAgent(c *gin.Context) {
	var body patchAgentBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.svc.Admin.UpdateAgent(c.Request.Context(), actor(c), c.Param("id"), desk.AgentPatch(body))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"agent": a})
}

func (s *Server) adminFormFields(c *gin.Context) {
	items, err := s.svc.Admin.AdminFormFields(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) adminCreateField(c *gin.Context) {
	var f chat.FormField
	if err := bind(c, &f); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Admin.CreateFormField(c.Request.Context(), actor(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"field": out})
}

func (s *Server) adminUpdateField(c *gin.Context) {
	var f chat.FormField
	if err := bind(c, &f); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Admin.UpdateFormField(c.Request.Context(), actor(c), c.Param("key"), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"field": out})
}

func (s *Server) adminDeleteField(c *gin.Context) {
	if err := s.svc.Admin.DeleteFormField(c.Request.Context(), actor(c), c.Param("key")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type reorderBody struct {
	Keys []string `json:"keys"`
}

func (s *Server) adminReorderFields(c *gin.Context) {
	var body reorderBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	items, err := s.svc.Admin.ReorderFormFields(c.Request.Context(), actor(c), body.Keys)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) adminSettings(c *gin.Context) {
	set, err := s.svc.Admin.Settings(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"settings": set})
}

func (s *Server) adminSaveSettings(c *gin.Context) {
	var set chat.Settings
	if err := bind(c, &set); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Admin.SaveSettings(c.Request.Context(), actor(c), set)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"settings": out})
}

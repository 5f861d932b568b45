package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/desk"
)

// contact answers the visitor panel's "customer" section: the contact's
// other conversations and their notes (agents only).
func (s *Server) contact(c *gin.Context) {
	v, err := s.svc.Contacts.Contact(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"contact": v})
}

// adminRelinkContact detaches a conversation from its contact or attaches
// it again (admins).
func (s *Server) adminRelinkContact(c *gin.Context) {
	var body desk.RelinkRequest
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.svc.Contacts.Relink(c.Request.Context(), actor(c), c.Param("id"), body)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"contact": v})
}

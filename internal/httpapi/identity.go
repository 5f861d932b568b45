package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func (s *Server) adminIdentity(c *gin.Context) {
	out, err := s.svc.Admin.IdentitySettings(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"identity": out})
}

// adminSaveIdentity reads only verifiedOnly: the secret is the server's to
// generate (adminRotateIdentitySecret).
func (s *Server) adminSaveIdentity(c *gin.Context) {
	var body struct {
		VerifiedOnly bool `json:"verifiedOnly"`
	}
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Admin.SaveIdentitySettings(c.Request.Context(), actor(c), chat.IdentitySettings{VerifiedOnly: body.VerifiedOnly})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"identity": out})
}

// adminRotateIdentitySecret generates (or replaces) the identity secret;
// this answer is the only one that shows it.
func (s *Server) adminRotateIdentitySecret(c *gin.Context) {
	out, err := s.svc.Admin.RotateIdentitySecret(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"identity": out})
}

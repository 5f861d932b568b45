package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// setAvatar takes an agent's photo (multipart, field "file"): the agent
// themself or an admin; the caller is checked before the body is read.
func (s *Server) setAvatar(c *gin.Context) {
	a, id := actor(c), c.Param("id")
	if err := desk.CanSetAvatar(a, id); err != nil {
		s.fail(c, err)
		return
	}
	if c.Request.ContentLength > chat.MaxAvatarBytes+multipartOverhead {
		s.fail(c, chat.AvatarTooLarge())
		return
	}
	if !hasMediaType(c.Request, "multipart/form-data") {
		s.fail(c, errNotMultipart)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, chat.MaxAvatarBytes+multipartOverhead)
	_, _, up, err := readUpload(c.Request, chat.MaxAvatarBytes)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || chat.ErrorCode(err) == chat.ETOOLARGE {
			err = chat.AvatarTooLarge()
		}
		s.fail(c, err)
		return
	}
	agent, err := s.svc.Admin.SetAvatar(c.Request.Context(), a, id, up.Data)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"agent": agent})
}

// avatar serves an avatar file to anyone: widgets on any site show it. The
// URL changes with the photo, so the answer is cached for good.
func (s *Server) avatar(c *gin.Context) {
	av, err := s.svc.Admin.Avatar(c.Request.Context(), c.Param("file"))
	if err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", av.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(av.Data)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(av.Data)
}

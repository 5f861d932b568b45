package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

var errNoRoute = &chat.Error{Code: chat.ENOTFOUND, Message: "Không tìm thấy địa chỉ yêu cầu."}

func (s *Server) widgetConfig(c *gin.Context) {
	cfg, err := s.svc.Admin.PublicWidgetConfig(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cfg)
}

func (s *Server) formFields(c *gin.Context) {
	fields, err := s.svc.Admin.FormFields(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": fields})
}

type createConversationBody struct {
	Fields   map[string]any `json:"fields"`
	PageURL  string         `json:"pageUrl"`
	Referrer string         `json:"referrer"`
	// UserID and Hash: the identity the page claims (ChatDesk.setUser).
	UserID string `json:"userId"`
	Hash   string `json:"hash"`
}

func (s *Server) createConversation(c *gin.Context) {
	var body createConversationBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	if body.Fields == nil {
		body.Fields = map[string]any{}
	}
	out, err := s.svc.Conversations.CreateConversation(c.Request.Context(), desk.NewConversation{
		Fields: body.Fields, PageURL: body.PageURL, Referrer: body.Referrer,
		UserAgent: c.GetHeader("User-Agent"), IP: c.ClientIP(),
		UserID: body.UserID, Hash: body.Hash,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

type loginBody struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) login(c *gin.Context) {
	var body loginBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.svc.Auth.Login(c.Request.Context(), body.Email, body.Password, c.ClientIP())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

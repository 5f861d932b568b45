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

// formFields answers the widget's form: the fields, the privacy notice to
// show above them, and a fresh challenge (never cached: each is answered
// once).
func (s *Server) formFields(c *gin.Context) {
	ctx := c.Request.Context()
	fields, err := s.svc.Admin.FormFields(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	privacy, err := s.svc.Conversations.PublicPrivacy(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"items": fields, "privacy": privacy, "challenge": s.svc.Conversations.FormChallenge()})
}

type createConversationBody struct {
	Fields   map[string]any `json:"fields"`
	PageURL  string         `json:"pageUrl"`
	Referrer string         `json:"referrer"`
	// UserID and Hash: the identity the page claims (ChatDesk.setUser).
	UserID string `json:"userId"`
	Hash   string `json:"hash"`
	// Consent: the notice version the form showed and whether its box was
	// ticked (absent: the form showed no notice).
	Consent *struct {
		Version  int  `json:"version"`
		Accepted bool `json:"accepted"`
	} `json:"consent"`
	// Challenge is the widget's answer to GET /api/form-fields' challenge.
	Challenge struct {
		Token  string `json:"token"`
		Answer string `json:"answer"`
	} `json:"challenge"`
	// Website is the honeypot: a field people never see nor fill.
	Website string `json:"website"`
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
	in := desk.NewConversation{
		Fields: body.Fields, PageURL: body.PageURL, Referrer: body.Referrer,
		UserAgent: c.GetHeader("User-Agent"), IP: s.clientIP(c),
		UserID: body.UserID, Hash: body.Hash,
		Challenge: desk.ChallengeAnswer{Token: body.Challenge.Token, Answer: body.Challenge.Answer, Honeypot: body.Website},
	}
	if body.Consent != nil {
		in.Consent = &desk.Consent{Version: body.Consent.Version, Accepted: body.Consent.Accepted}
	}
	out, err := s.svc.Conversations.CreateConversation(c.Request.Context(), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Only a visitor calls this: their token and their view.
	c.JSON(http.StatusCreated, gin.H{"conversation": chat.VisitorView(out.Conversation), "visitorToken": out.VisitorToken})
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
	out, err := s.svc.Auth.Login(c.Request.Context(), body.Email, body.Password, s.clientIP(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// integrationRoutes are the admin's webhook and email routes and the
// visitor's transcript request (docs/api.md "Integrations").
func (s *Server) integrationRoutes(admin, conversation *gin.RouterGroup) {
	conversation.POST("/transcript", s.sendTranscript)
	admin.GET("/mail", s.adminMail)
	admin.PUT("/mail", s.adminSaveMail)
	admin.GET("/webhooks", s.adminWebhooks)
	admin.POST("/webhooks", s.adminCreateWebhook)
	admin.PUT("/webhooks/:id", s.adminUpdateWebhook)
	admin.DELETE("/webhooks/:id", s.adminDeleteWebhook)
	admin.GET("/webhooks/:id/deliveries", s.adminWebhookDeliveries)
	admin.POST("/webhook-deliveries/:id/redeliver", s.adminRedeliver)
}

// webhookBody is what an admin writes; an empty secret keeps the stored
// one (a new endpoint then gets a generated one).
type webhookBody struct {
	URL          string   `json:"url"`
	Description  string   `json:"description"`
	Events       []string `json:"events"`
	Secret       string   `json:"secret"`
	AllowPrivate bool     `json:"allowPrivate"`
	Enabled      bool     `json:"enabled"`
}

func (b webhookBody) endpoint() chat.WebhookEndpoint {
	return chat.WebhookEndpoint{URL: b.URL, Description: b.Description, Events: b.Events, Secret: b.Secret, AllowPrivate: b.AllowPrivate, Enabled: b.Enabled}
}

func (s *Server) adminWebhooks(c *gin.Context) {
	items, err := s.svc.Integrations.WebhookEndpoints(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "events": chat.WebhookEvents})
}

func (s *Server) adminCreateWebhook(c *gin.Context) {
	var body webhookBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.svc.Integrations.CreateWebhookEndpoint(c.Request.Context(), actor(c), body.endpoint())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"webhook": e})
}

func (s *Server) adminUpdateWebhook(c *gin.Context) {
	var body webhookBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.svc.Integrations.UpdateWebhookEndpoint(c.Request.Context(), actor(c), c.Param("id"), body.endpoint())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"webhook": e})
}

func (s *Server) adminDeleteWebhook(c *gin.Context) {
	if err := s.svc.Integrations.DeleteWebhookEndpoint(c.Request.Context(), actor(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) adminWebhookDeliveries(c *gin.Context) {
	limit, _ := strconv.Atoi(c.Query("limit"))
	items, err := s.svc.Integrations.WebhookDeliveries(c.Request.Context(), actor(c), c.Param("id"), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) adminRedeliver(c *gin.Context) {
	d, err := s.svc.Integrations.RedeliverWebhook(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"delivery": d})
}

func (s *Server) adminMail(c *gin.Context) {
	m, err := s.svc.Integrations.MailSettings(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"mail": m})
}

// mailBody is what an admin writes; an empty password keeps the stored one.
type mailBody struct {
	Host               string            `json:"host"`
	Port               int               `json:"port"`
	Security           chat.MailSecurity `json:"security"`
	Username           string            `json:"username"`
	Password           string            `json:"password"`
	From               string            `json:"from"`
	NotifyWaiting      bool              `json:"notifyWaiting"`
	NotifyEveryMinutes int               `json:"notifyEveryMinutes"`
}

func (s *Server) adminSaveMail(c *gin.Context) {
	var b mailBody
	if err := bind(c, &b); err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.svc.Integrations.SaveMailSettings(c.Request.Context(), actor(c), chat.MailSettings{
		Host: b.Host, Port: b.Port, Security: b.Security, Username: b.Username, Password: b.Password, From: b.From,
		NotifyWaiting: b.NotifyWaiting, NotifyEveryMinutes: b.NotifyEveryMinutes,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"mail": m})
}

// transcriptBody: email may be left out when the form asked for one.
type transcriptBody struct {
	Email string `json:"email"`
}

func (s *Server) sendTranscript(c *gin.Context) {
	var b transcriptBody
	if c.Request.ContentLength != 0 {
		if err := bind(c, &b); err != nil {
			s.fail(c, err)
			return
		}
	}
	to, err := s.svc.Integrations.SendTranscript(c.Request.Context(), actor(c), c.Param("id"), b.Email)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"sent": true, "email": to})
}

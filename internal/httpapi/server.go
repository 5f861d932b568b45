// Package httpapi is chatdesk's REST transport (gin): routing, strict
// decoding, authentication of the caller, and the single mapping of
// application errors to HTTP answers. Business rules live in desk.
package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/clientaddr"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// Config is what the REST layer needs to know about its deployment.
type Config struct {
	PublicURL string // e.g. https://chat.example.com; same-origin pages are always allowed
	// ClientAddr is the one rule for a request's client address, shared
	// with the WebSocket (internal/clientaddr); nil: the connection's peer.
	ClientAddr   func(*http.Request) string
	WidgetFile   string
	DashboardDir string
	Version      string
}

// Server holds the REST handlers.
type Server struct {
	svc      *desk.Core
	cfg      Config
	log      *slog.Logger
	gzWidget gzipCache
}

// Extra routes mounted by the caller (WebSocket, metrics).
type Extra struct {
	WebSocket http.Handler
	Metrics   http.Handler
}

// New builds the gin engine with every route.
func New(svc *desk.Core, cfg Config, log *slog.Logger, extra Extra) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	if cfg.ClientAddr == nil {
		none, _ := clientaddr.New(nil)
		cfg.ClientAddr = none.Of
	}
	s := &Server{svc: svc, cfg: cfg, log: log}
	r := gin.New()
	r.HandleMethodNotAllowed = false
	// gin's own ClientIP is not used (clientIP below is): it trusts no
	// header, so that nothing can read an address by another rule.
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	r.Use(gin.CustomRecovery(func(c *gin.Context, rec any) {
		log.Error("panic", "err", rec, "path", c.Request.URL.Path)
		c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: "internal", Message: "Đã có lỗi xảy ra, vui lòng thử lại sau."}})
	}))
	r.Use(requestID(), securityHeaders(), accessLog(log, s.clientIP))

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	if extra.Metrics != nil {
		r.GET("/metrics", gin.WrapH(extra.Metrics))
	}
	if extra.WebSocket != nil {
		r.GET("/ws", gin.WrapH(extra.WebSocket))
	}
	s.static(r)
	r.GET("/avatars/:file", s.avatar)

	api := r.Group("/api", s.cors(), s.guard())
	api.OPTIONS("/*any", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	api.GET("/widget/config", s.widgetConfig)
	api.GET("/form-fields", s.formFields)
	api.POST("/conversations", s.createConversation)
	api.POST("/auth/login", s.login)

	mixed := api.Group("/conversations/:id", s.anyActor)
	mixed.GET("", s.getConversation)
	mixed.GET("/messages", s.listMessages)
	mixed.POST("/messages", s.sendMessage)
	mixed.POST("/typing", s.typing)
	mixed.POST("/read", s.markRead)
	mixed.POST("/rating", s.rate)
	mixed.POST("/handoff", s.handoff)
	mixed.POST("/attachments", s.uploadAttachment)
	mixed.GET("/attachments/:attachmentId", s.downloadAttachment)

	agents := api.Group("", s.agentOnly)
	agents.POST("/auth/refresh", s.refresh)
	agents.GET("/auth/me", s.me)
	agents.GET("/agents", s.listAgents)
	agents.PUT("/agents/me/status", s.setStatus)
	agents.PUT("/agents/:id/avatar", s.setAvatar)
	agents.GET("/conversations", s.listConversations)
	agents.GET("/conversations.csv", s.exportConversations)
	agents.POST("/conversations/:id/claim", s.conversationAction(s.svc.Conversations.Claim))
	agents.POST("/conversations/:id/transfer", s.transfer)
	agents.POST("/conversations/:id/resolve", s.conversationAction(s.svc.Conversations.Resolve))
	agents.POST("/conversations/:id/reopen", s.conversationAction(s.svc.Conversations.Reopen))
	agents.PATCH("/conversations/:id", s.triage)
	agents.GET("/conversations/:id/notes", s.listNotes)
	agents.GET("/conversations/:id/takeover", s.pendingTakeover)
	agents.POST("/conversations/:id/takeover", s.requestTakeover)
	agents.POST("/conversations/:id/takeover/accept", s.conversationAction(s.svc.Conversations.AcceptTakeover))
	agents.POST("/conversations/:id/takeover/decline", s.conversationAction(s.svc.Conversations.DeclineTakeover))
	agents.POST("/conversations/:id/takeover/cancel", s.conversationAction(s.svc.Conversations.CancelTakeover))
	agents.POST("/conversations/:id/takeover/force", s.conversationAction(s.svc.Conversations.ForceTakeover))
	agents.POST("/conversations/:id/notes", s.addNote)
	agents.GET("/conversations/:id/contact", s.contact)
	agents.GET("/canned-replies", s.cannedItems(s.svc.Admin.CannedReplies))
	agents.POST("/canned-replies", s.cannedCreate(s.svc.Admin.CreateCannedReply))
	agents.PUT("/canned-replies/:id", s.cannedUpdate(s.svc.Admin.UpdateCannedReply))
	agents.DELETE("/canned-replies/:id", s.cannedDelete(s.svc.Admin.DeleteCannedReply))

	admin := api.Group("/admin", s.agentOnly, s.adminOnly)
	admin.GET("/agents", s.adminAgents)
	admin.POST("/conversations/:id/contact", s.adminRelinkContact)
	admin.POST("/agents", s.adminCreateAgent)
	admin.PATCH("/agents/:id", s.adminUpdateAgent)
	admin.GET("/form-fields", s.adminFormFields)
	admin.POST("/form-fields", s.adminCreateField)
	admin.PUT("/form-fields/:key", s.adminUpdateField)
	admin.DELETE("/form-fields/:key", s.adminDeleteField)
	admin.PUT("/form-fields-order", s.adminReorderFields)
	admin.GET("/settings", s.adminSettings)
	admin.PUT("/settings", s.adminSaveSettings)
	admin.GET("/canned-replies", s.cannedItems(s.svc.Admin.AdminCannedReplies))
	admin.POST("/canned-replies", s.cannedCreate(s.svc.Admin.AdminCreateCannedReply))
	admin.PUT("/canned-replies/:id", s.cannedUpdate(s.svc.Admin.AdminUpdateCannedReply))
	admin.DELETE("/canned-replies/:id", s.cannedDelete(s.svc.Admin.AdminDeleteCannedReply))
	admin.GET("/stats", s.adminStats)
	admin.GET("/stats.csv", s.adminStatsCSV)
	admin.GET("/bot", s.adminBot)
	admin.PUT("/bot", s.adminSaveBot)
	admin.GET("/office-hours", s.adminOfficeHours)
	admin.PUT("/office-hours", s.adminSaveOfficeHours)
	admin.GET("/identity", s.adminIdentity)
	admin.PUT("/identity", s.adminSaveIdentity)
	admin.POST("/identity/secret", s.adminRotateIdentitySecret)
	admin.POST("/search/rebuild", s.adminRebuildSearch)
	s.integrationRoutes(admin, mixed)
	s.complianceRoutes(agents, admin)

	r.NoRoute(func(c *gin.Context) {
		s.fail(c, errNoRoute)
	})
	return r, nil
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) readyz(c *gin.Context) {
	mErr, rErr := s.svc.Ready(c.Request.Context())
	if mErr != nil || rErr != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "mongo": errText(mErr), "redis": errText(rErr)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "mongo": "ok", "redis": "ok"})
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return "unreachable"
}

// clientIP is the caller's address by the node's one rule
// (internal/clientaddr): forwarding headers count only from trusted proxies.
func (s *Server) clientIP(c *gin.Context) string { return s.cfg.ClientAddr(c.Request) }

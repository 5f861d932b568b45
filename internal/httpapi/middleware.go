package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

const (
	requestIDKey = "request_id"
	actorKey     = "actor"
	// MaxBodyBytes bounds every JSON request body.
	MaxBodyBytes = 64 << 10
)

// requestID reuses a sane X-Request-ID from Nginx or makes one, and echoes it.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \t\r\n") {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// accessLog writes one structured line per request. Query strings are left
// out: they may hold tokens.
func accessLog(log *slog.Logger, clientIP func(*gin.Context) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		if c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/readyz" || c.Request.URL.Path == "/metrics" {
			return
		}
		log.Info("http", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(),
			"ms", time.Since(start).Milliseconds(), "ip", clientIP(c), "request_id", c.GetString(requestIDKey))
	}
}

// securityHeaders sets headers every answer carries, also where no Nginx
// of ours is in front: no sniffing, no framing, and a CSP that lets
// nothing load or run. Pages (static.go) replace the CSP with their own.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		c.Next()
	}
}

// cors answers the widget's cross-origin REST calls for allowed origins only.
func (s *Server) cors() gin.HandlerFunc {
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if origin != "" && s.svc.Admin.OriginAllowed(c.Request.Context(), origin, s.cfg.PublicURL) {
			h := c.Writer.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			h.Set("Access-Control-Max-Age", "600")
		}
		if c.Request.Method == http.MethodOptions {
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}

// bind decodes a JSON body strictly into v: size-limited, typed (a value of
// the wrong JSON type is refused), and a single object.
func bind(c *gin.Context, v any) error {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &chat.Error{Code: chat.EINVALID, Message: "Dữ liệu gửi lên không hợp lệ.", Fields: map[string]string{typeErr.Field: "Kiểu dữ liệu không hợp lệ."}}
		}
		return errBadJSON
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadJSON
	}
	return nil
}

func bearer(c *gin.Context) string {
	h := c.GetHeader("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// anyActor requires a visitor or an agent token.
func (s *Server) anyActor(c *gin.Context) {
	a, err := s.svc.Auth.Authenticate(c.Request.Context(), bearer(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	a.IP = s.clientIP(c)
	c.Set(actorKey, a)
	c.Next()
}

// agentOnly requires an agent (or admin) token.
func (s *Server) agentOnly(c *gin.Context) {
	tok := bearer(c)
	if tok == "" {
		s.fail(c, chat.ErrUnauthorized)
		return
	}
	if _, err := s.svc.Auth.AuthenticateVisitor(tok); err == nil {
		s.fail(c, chat.ErrForbidden)
		return
	}
	a, err := s.svc.Auth.AuthenticateAgent(c.Request.Context(), tok)
	if err != nil {
		s.fail(c, err)
		return
	}
	a.IP = s.clientIP(c) // rate limits, audit log: from where
	c.Set(actorKey, a)
	c.Next()
}

// adminOnly runs after agentOnly.
func (s *Server) adminOnly(c *gin.Context) {
	if !actor(c).IsAdmin() {
		s.fail(c, chat.ErrForbidden)
		return
	}
	c.Next()
}

func actor(c *gin.Context) desk.Actor {
	a, _ := c.Get(actorKey)
	act, _ := a.(desk.Actor)
	return act
}

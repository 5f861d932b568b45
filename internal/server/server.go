// Package server assembles a chatdesk node from its parts — MongoDB store,
// Redis coordination and bus, the service, REST and WebSocket transports —
// and runs it until its context ends, then drains gracefully.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ulule/limiter/v3"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/bot"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clientaddr"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/httpapi"
	"github.com/chatdesk/chatdesk/internal/mail"
	"github.com/chatdesk/chatdesk/internal/metrics"
	"github.com/chatdesk/chatdesk/internal/mongo"
	"github.com/chatdesk/chatdesk/internal/ratelimit"
	"github.com/chatdesk/chatdesk/internal/realtime"
	"github.com/chatdesk/chatdesk/internal/redis"
	"github.com/chatdesk/chatdesk/internal/webhook"
)

// Version is set by the build (-ldflags) and shown in /demo and logs.
var Version = "dev"

// Hooks let the development harness act at points of the start-up.
type Hooks struct {
	// AfterSetup runs once storage is ready, before serving (dev seeding).
	AfterSetup func(ctx context.Context, core *desk.Core) error
	// Listening is told the bound address (useful with port 0).
	Listening func(addr string)
	// Realtime, when set, adjusts the WebSocket hub's settings (tests).
	Realtime func(*realtime.Config)
	// Desk, when set, adjusts the core's settings (tests: a clock, the
	// coalescing window).
	Desk func(*desk.Config)
}

// NewLogger builds the node's structured logger.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var h slog.Handler
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(w, nil)
	} else {
		h = slog.NewJSONHandler(w, nil)
	}
	return slog.New(h).With("node", cfg.NodeID)
}

// Run serves until ctx is cancelled, then drains: WebSocket clients are told
// to reconnect elsewhere, in-flight requests finish, the message batcher is
// flushed.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger, hooks Hooks) error {
	reg := metrics.New(cfg.NodeID)
	if cfg.PprofAddr != "" {
		servePprof(ctx, cfg.PprofAddr, log)
	}

	db, err := openMongo(ctx, cfg, reg, log)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = db.Close(cctx)
	}()

	rc, err := redis.OpenWith(ctx, redis.Options{
		Mode: redis.Mode(cfg.RedisMode), URL: cfg.RedisURL, Prefix: cfg.RedisPrefix,
		Username: cfg.RedisUsername, Password: cfg.RedisPassword, SentinelPassword: cfg.RedisSentinelPassword,
	})
	if err != nil {
		return err
	}
	defer rc.Close()

	tokens, err := auth.NewTokens(cfg.JWTSecret, cfg.JWTTTL, cfg.VisitorTTL)
	if err != nil {
		return err
	}
	bus := rc.NewBus()
	defer bus.Close()

	rules := ratelimit.DefaultRules()
	overrides := map[string]limiter.Rate{}
	for name, rl := range cfg.RateLimits {
		overrides[name] = limiter.Rate{Limit: rl.Limit, Period: rl.Period}
	}
	if err := rules.Override(overrides); err != nil {
		return err
	}
	lim, err := ratelimit.New(rc.Raw(), rc.Prefix(), rules)
	if err != nil {
		return err
	}
	deskCfg := desk.Config{
		NodeID: cfg.NodeID, PresenceTTL: cfg.PresenceTTL, Grace: cfg.Grace, TakeoverTimeout: cfg.TakeoverTimeout,
		EnvOrigins: cfg.AllowedOrigins, AllowAnyOrigin: cfg.Dev(), MaxUploadBytes: cfg.MaxUploadBytes,
		FormChallengeBits: cfg.FormChallengeBits,
		// A claim outlasts an attempt (its timeout) and the write of its outcome.
		WebhookLease: 2*cfg.WebhookTimeout + 10*time.Second, WebhookRetryBase: cfg.WebhookRetryBase,
		Mail: envMail(cfg), PublicURL: cfg.PublicURL,
	}
	if hooks.Desk != nil {
		hooks.Desk(&deskCfg)
	}
	svc := desk.New(desk.Deps{
		Store: db, Coord: rc, Bus: bus, Tokens: tokens, Limiter: lim, Bot: bot.New(), Metrics: reg, Log: log,
		Integrations: db, WebhookSender: webhook.New(cfg.WebhookTimeout), Mailer: mail.New(), Search: db,
	}, deskCfg)
	if err := svc.Setup(ctx); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if hooks.AfterSetup != nil {
		if err := hooks.AfterSetup(ctx, svc); err != nil {
			return err
		}
	}

	// One rule for the client's address, for REST and WebSocket alike.
	addrs, err := clientaddr.New(cfg.TrustedProxies)
	if err != nil {
		return fmt.Errorf("CHATDESK_TRUSTED_PROXIES: %w", err)
	}
	rtCfg := realtime.Config{
		PublicURL: cfg.PublicURL, NodeID: cfg.NodeID, ClientAddr: addrs.Of,
		MaxPerAddr: cfg.WSMaxPerAddr, MaxPerVisitor: cfg.WSMaxPerVisitor,
	}
	if hooks.Realtime != nil {
		hooks.Realtime(&rtCfg)
	}
	// The core registered its bus handlers when it was made; the hub adds
	// its fan-out after them.
	hub := realtime.New(realtime.Deps{
		Auth: svc.Auth, Sessions: svc.Conversations, Messages: svc.Messages, Presence: svc.Presence, Origins: svc.Admin,
		Bus: bus, Metrics: reg, Queue: svc.Conversations, Takeovers: svc.Conversations, Pages: svc.Pages, Log: log,
	}, rtCfg)
	if err := hub.Start(ctx); err != nil {
		return fmt.Errorf("realtime: %w", err)
	}
	svc.Start()
	defer svc.Stop()

	router, err := httpapi.New(svc, httpapi.Config{
		PublicURL: cfg.PublicURL, ClientAddr: addrs.Of,
		WidgetFile: cfg.WidgetFile, DashboardDir: cfg.DashboardDir, Version: Version,
	}, log, httpapi.Extra{WebSocket: hub, Metrics: reg})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("chatdesk listening", "addr", ln.Addr().String(), "env", cfg.Env, "version", Version)
	if hooks.Listening != nil {
		hooks.Listening(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining connections")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	hub.Drain(sctx)
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown", "err", err)
	}
	log.Info("stopped")
	return nil
}

// openMongo connects and creates indexes, retrying for a while so nodes
// started together with the database (docker compose) wait for it.
func openMongo(ctx context.Context, cfg config.Config, reg *metrics.Registry, log *slog.Logger) (*mongo.DB, error) {
	var lastErr error
	for attempt := 0; attempt < 30; attempt++ {
		db, err := mongo.Open(ctx, cfg.MongoURI, cfg.MongoDB, mongo.Options{
			MaxBatch: cfg.BatchMax, FlushInterval: cfg.BatchInterval, OnFlush: reg.Flush,
		})
		if err == nil {
			if err = db.EnsureIndexes(ctx); err == nil {
				return db, nil
			}
			_ = db.Close(ctx)
		}
		lastErr = err
		log.Warn("mongodb not ready, retrying", "err", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return nil, fmt.Errorf("mongodb: %w", lastErr)
}

// envMail is the SMTP connection CHATDESK_SMTP_URL configures (nil when
// unset): it overrides the admin's.
func envMail(cfg config.Config) *chat.MailSettings {
	host, port, security, user, ok := cfg.SMTP()
	if !ok {
		return nil
	}
	return &chat.MailSettings{Host: host, Port: port, Security: chat.MailSecurity(security), Username: user, Password: cfg.SMTPPassword, From: cfg.SMTPFrom}
}

// Package desk is chatdesk's application core: conversations, messages,
// assignment, presence and administration, over the storage and
// coordination interfaces it defines. Transports (REST, WebSocket) call it;
// it never imports them.
package desk

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
)

// Config tunes the service.
type Config struct {
	NodeID string
	// PresenceTTL is how long an agent stays online without a heartbeat from
	// its node; a crashed node's agents go offline within PresenceTTL plus
	// one janitor tick.
	PresenceTTL time.Duration
	// Grace is how long an owner may stay offline before their open
	// conversations go back to the queue.
	Grace time.Duration
	// JanitorEvery is the period of presence reaping, grace checks and
	// queue draining.
	JanitorEvery time.Duration
	// EnvOrigins are embedding origins allowed by configuration, on top of
	// the admin setting.
	EnvOrigins []string
	// AllowAnyOrigin is for development only.
	AllowAnyOrigin bool
	// MaxUploadBytes bounds one attachment (default chat.DefaultMaxUploadBytes).
	MaxUploadBytes int64
}

// Metrics receives counters; nil-safe wrapper below.
type Metrics interface {
	MessageStored(d time.Duration)
	RedisError()
	MongoError()
	// BotCall counts the bot's turns by outcome: answered, dropped (an agent
	// took over meanwhile), empty, error.
	BotCall(outcome string)
}

// Service is the application core shared by every transport.
type Service struct {
	store   Store
	coord   Coordinator
	pub     Publisher
	tokens  *auth.Tokens
	cfg     Config
	log     *slog.Logger
	now     Clock
	metrics metricsOrNil

	limiter Limiter
	bot     BotClient
	touches *toucher
	cache   *cache
	convs   *convCache
	replays *replayCache
	updates *coalescer

	stop chan struct{}
	wg   sync.WaitGroup
}

// New wires a service. Call Start to run its background loops.
func New(store Store, coord Coordinator, pub Publisher, tokens *auth.Tokens, cfg Config, log *slog.Logger, m Metrics) *Service {
	if cfg.PresenceTTL == 0 {
		cfg.PresenceTTL = 20 * time.Second
	}
	if cfg.Grace == 0 {
		cfg.Grace = 2 * time.Minute
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = chat.DefaultMaxUploadBytes
	}
	if cfg.JanitorEvery == 0 {
		cfg.JanitorEvery = 5 * time.Second
	}
	convs := newConvCache()
	s := &Service{
		store: cachingStore{Store: store, convs: convs}, convs: convs, replays: newReplayCache(), coord: coord, pub: pub, tokens: tokens, cfg: cfg, log: log,
		now: time.Now, metrics: metricsOrNil{m}, stop: make(chan struct{}),
	}
	s.touches = newToucher(s.store, coord, cfg.NodeID+"/touch", log)
	s.touches.observe = convs.touch
	s.cache = newCache(store)
	s.updates = newCoalescer(s, time.Second)
	return s
}

// Setup prepares durable defaults (the pre-chat form). Safe on every start
// and on several nodes at once.
func (s *Service) Setup(ctx context.Context) error {
	return s.store.EnsureFormFields(ctx, chat.DefaultFormFields())
}

// Start runs the background loops until Stop.
func (s *Service) Start() {
	s.wg.Add(3)
	go func() { defer s.wg.Done(); s.touches.run(s.stop) }()
	go func() { defer s.wg.Done(); s.updates.run(s.stop) }()
	go func() { defer s.wg.Done(); s.janitor() }()
}

// Stop ends the background loops after flushing pending touches.
func (s *Service) Stop() {
	close(s.stop)
	s.wg.Wait()
}

// SetClock replaces the service's clock. Tests use it to write
// conversations and messages at chosen times (statistics with known
// answers); production never calls it. Set it before traffic: it is not
// synchronised with running requests.
func (s *Service) SetClock(c Clock) { s.now = c }

// NodeID names this node.
func (s *Service) NodeID() string { return s.cfg.NodeID }

// Ready checks both backing services.
func (s *Service) Ready(ctx context.Context) (mongoErr, redisErr error) {
	return s.store.Ping(ctx), s.coord.Ping(ctx)
}

type metricsOrNil struct{ m Metrics }

func (m metricsOrNil) messageStored(d time.Duration) {
	if m.m != nil {
		m.m.MessageStored(d)
	}
}
func (m metricsOrNil) redisError() {
	if m.m != nil {
		m.m.RedisError()
	}
}
func (m metricsOrNil) mongoError() {
	if m.m != nil {
		m.m.MongoError()
	}
}
func (m metricsOrNil) botCall(outcome string) {
	if m.m != nil {
		m.m.BotCall(outcome)
	}
}

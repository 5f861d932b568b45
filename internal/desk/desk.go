// Package desk is chatdesk's application core: conversations, messages,
// assignment, presence and administration, over the storage and
// coordination interfaces it defines. Transports (REST, WebSocket) call its
// services; it never imports them.
//
// The core is cut in three levels (docs/architecture.md):
//   - use cases a reader can name: Auth, Messages, Conversations, Presence,
//     Admin (one type each, in files named after them);
//   - the domain operations they share: the transcript (storing a message
//     and what follows it), ownership (the reply lock and its mirror),
//     routing (assignment, the queue, requeue), the bot;
//   - machinery that makes them fast, wrapped around the port it speeds up:
//     the conversation cache around the store, the replay cache around
//     message reads, the toucher and the coalescer in front of the store and
//     the publisher.
package desk

import (
	"context"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
)

// Config tunes the core.
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
	// UpdateWindow is how often, at most, one conversation's activity is
	// published to every agent (default 1 s).
	UpdateWindow time.Duration
	// Clock is the time the core writes (default time.Now); tests set it to
	// write data at chosen times.
	Clock Clock
	// FormChallengeBits is the proof of work a new conversation needs (the
	// widget solves it; see challenge.go); 0 turns the challenge off.
	FormChallengeBits int
	// Webhook deliveries (webhookqueue.go): how often every node polls for
	// due deliveries (default 5 s), how long a claim lasts (default 60 s;
	// longer than an attempt), the first retry's delay (default 30 s,
	// doubling up to 1 h, for 24 h) and the attempts in flight per node
	// (default 16).
	WebhookPoll      time.Duration
	WebhookLease     time.Duration
	WebhookRetryBase time.Duration
	WebhookWorkers   int
	// WebhookBacklogEvery is how often each node counts the pending
	// deliveries for its metrics (default 1 min).
	WebhookBacklogEvery time.Duration
	// Mail, when set, is the SMTP connection the environment configures
	// (CHATDESK_SMTP_URL), overriding the admin's; PublicURL is linked
	// from the emails to admins.
	Mail      *chat.MailSettings
	PublicURL string
	// TakeoverTimeout is how long an owner has to answer a takeover
	// request (default 60 s; takeover.go).
	TakeoverTimeout time.Duration
	// SearchEvery is how often the search indexer looks at its queue
	// (default 1s).
	SearchEvery time.Duration
}

// Clock tells the time.
type Clock func() time.Time

// Deps are the ports the core runs on. Limiter, Bot and Metrics are
// optional.
type Deps struct {
	Store   Store
	Coord   Coordinator
	Bus     EventBus
	Tokens  *auth.Tokens
	Limiter Limiter
	Bot     BotClient
	Metrics Metrics
	Log     *slog.Logger
	// Integrations stores webhooks and the SMTP settings (default: Store,
	// when it implements IntegrationStore; without one, no webhooks). The
	// WebhookSender makes deliveries (none: they are queued, not sent).
	Integrations  IntegrationStore
	WebhookSender WebhookSender
	// Mailer sends email (none: nothing is sent).
	Mailer Mailer
	// Search is the history search index; nil searches names and phones
	// only.
	Search SearchStore
}

// EventBus carries encoded events between nodes. The core publishes on it
// and registers the handlers that keep its caches right; transports
// register their own fan-out.
type EventBus interface {
	Publisher
	// Handle registers a handler for every event of the topics this node
	// subscribed to, called in order on one goroutine.
	Handle(func(topic string, payload []byte))
	// OnResubscribe registers a handler called when delivery was cut and
	// restored: events may have been missed meanwhile.
	OnResubscribe(func())
}

// Limiter counts requests per named rule and key across nodes.
// internal/ratelimit implements it.
type Limiter interface {
	Take(ctx context.Context, rule, key string) (retryAfter int, err error)
	Peek(ctx context.Context, rule, key string) (retryAfter int, err error)
	Reset(ctx context.Context, rule, key string) error
}

// BotClient is what the core needs from an OpenAI-compatible
// chat-completions API. internal/bot implements it.
type BotClient interface {
	Complete(ctx context.Context, b chat.BotSettings, turns []chat.BotTurn) (string, error)
}

// Metrics receives counters. internal/metrics implements it.
type Metrics interface {
	MessageStored(d time.Duration)
	RedisError()
	MongoError()
	// BotCall counts the bot's turns by outcome: answered, dropped (an agent
	// took over meanwhile), empty, error.
	BotCall(outcome string)
	// QueueWait is how long a new conversation waited for its first agent.
	QueueWait(d time.Duration)
	// WebhookAttempt counts a delivery attempt by outcome: delivered,
	// retrying, failed (given up).
	WebhookAttempt(outcome string)
	// WebhookBacklog is the number of pending deliveries, sampled.
	WebhookBacklog(n int)
}

// Core is the application core of one node: its services and the
// background work they share.
type Core struct {
	Auth          *Auth
	Messages      *Messages
	Conversations *Conversations
	Presence      *Presence
	Admin         *Admin
	Blocks        *Blocks
	Privacy       *Privacy
	Integrations  *Integrations
	Contacts      *Contacts
	Pages         *Pages
	Search        *Search

	cfg      Config
	store    Store
	coord    Coordinator
	tasks    *tasks
	events   *events
	reserves *reserver
	touches  *toucher
	updates  *coalescer
	janitor  *janitor
	settings *settingsCache
	hooks    *webhooks
	dispatch *dispatcher
	// grace is how long Stop lets background work finish (stopGrace).
	grace time.Duration
}

// New wires the core. Call Start to run its background loops.
func New(d Deps, cfg Config) *Core {
	cfg = withDefaults(cfg)
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	m := metricsOrNil{d.Metrics}
	now := cfg.Clock
	tasks := newTasks()
	fail := failures{log: d.Log, metrics: m}
	ev := &events{pub: d.Bus, fail: fail, queue: batchQueue[queued]{max: outboxMax}}

	convs := newConvCache(tasks.detached)
	store := cachingStore{Store: d.Store, convs: convs}
	settings := newSettingsCache(d.Store)
	replays := newReplayCache(tasks.detached)
	touches := newToucher(store, d.Coord, cfg.NodeID+"/touch", d.Log)
	touches.observe = convs.touch
	updates := newCoalescer(ev, convReader{store: store, convs: convs}, d.Coord, cfg.UpdateWindow)
	limits := limits{lim: d.Limiter, log: d.Log}
	avail := availability{presence: d.Coord, settings: settings, now: now}

	hooks, dispatch := newWebhooks(d, cfg, tasks, fail)
	mail := newMailer(d, cfg, hooks.storeOrNil(), store, settings, avail, limits, tasks, fail)

	rl := replyLock{locks: d.Coord, store: store, fail: fail}
	reserves := &reserver{seq: d.Coord}
	tr := &transcript{store: store, seq: d.Coord, reserves: reserves, lock: rl, replays: replays, touches: touches, updates: updates, events: ev, hooks: hooks, now: now, metrics: m, fail: fail}
	locks := convLocks{named: d.Coord, store: store, nodeID: cfg.NodeID, fail: fail}
	owners := &ownership{lock: rl, store: store, settings: settings, transcript: tr, events: ev, hooks: hooks, now: now, fail: fail}
	bot := &botRunner{client: d.Bot, store: store, settings: settings, locks: locks, named: d.Coord, transcript: tr, events: ev, avail: avail, tasks: tasks, now: now, metrics: m, log: d.Log, nodeID: cfg.NodeID, every: cfg.JanitorEvery}
	route := &router{store: store, locks: locks, owners: owners, replyLocks: d.Coord, named: d.Coord, rotation: d.Coord, avail: avail, settings: settings, transcript: tr, events: ev, bot: bot, now: now, log: d.Log, nodeID: cfg.NodeID}

	audit := auditLog{store: d.Store, now: now, log: d.Log}
	blocks := &blockCache{store: d.Store, now: now, log: d.Log}
	privacy := &privacyCache{store: d.Store}
	var challengeKey []byte
	if d.Tokens != nil {
		challengeKey = d.Tokens.DeriveKey("form-challenge")
	}
	formChallenges := &challenges{key: challengeKey, bits: cfg.FormChallengeBits, ttl: challengeTTL, spent: d.Coord, now: now}

	c := &Core{cfg: cfg, store: d.Store, coord: d.Coord, tasks: tasks, events: ev, reserves: reserves, touches: touches, updates: updates, settings: settings, hooks: hooks, dispatch: dispatch, grace: stopGrace}
	c.Auth = &Auth{agents: store, records: d.Store, tokens: d.Tokens, limits: limits, lim: d.Limiter, audit: audit, now: now, fail: fail}
	c.Presence = &Presence{presence: d.Coord, avail: avail, settings: settings, events: ev, queue: route, bot: bot, tasks: tasks, nodeID: cfg.NodeID, ttl: cfg.PresenceTTL, log: d.Log, fail: fail}
	c.Messages = &Messages{settings: settings, blocks: blocks, store: store, convs: convReader{store: store, convs: convs}, lock: rl, transcript: tr, typing: d.Coord, unread: d.Coord, seqs: d.Coord, touches: touches, events: ev, replays: replayReader{msgs: store, seq: d.Coord, cache: replays, metrics: m}, route: route, bot: bot, limits: limits, tasks: tasks, maxUpload: cfg.MaxUploadBytes, fail: fail, log: d.Log}
	c.Pages = &Pages{marks: d.Coord, store: store, locks: locks, events: ev, limits: limits, now: now, fail: fail, log: d.Log}
	c.Conversations = &Conversations{pages: c.Pages, blocks: blocks, privacy: privacy, challenges: formChallenges, store: store, convs: convReader{store: store, convs: convs}, settings: settings, tokens: d.Tokens, transcript: tr, owners: owners, lock: rl, locks: locks, replyLocks: d.Coord, route: route, bot: bot, events: ev, hooks: hooks, mail: mail, limits: limits, now: now, fail: fail, log: d.Log, waits: &typicalWait{},
		takeover: takeovers{pending: d.Coord, avail: avail, notes: agentNotes{store: store, seqs: d.Coord, events: ev, now: now, log: fail}, tasks: tasks, timeout: cfg.TakeoverTimeout}}
	c.Admin = &Admin{store: store, settings: settings, events: ev, route: route, avail: avail, mail: mail, tasks: tasks, cfg: cfg, now: now, fail: fail, audit: audit}
	c.Integrations = &Integrations{store: hooks.storeOrNil(), hooks: hooks, dispatch: dispatch, mail: mail, audit: audit, now: now, fail: fail}
	c.Blocks = &Blocks{store: store, cache: blocks, audit: audit, now: now, fail: fail}
	contacts := &contactIndex{store: store, named: d.Coord, locks: locks, convs: convs, events: ev, nodeID: cfg.NodeID, fail: fail, log: d.Log}
	c.Conversations.contacts = contacts
	c.Contacts = &Contacts{store: store, convs: convReader{store: store, convs: convs}, index: contacts, audit: audit, fail: fail}
	erase := &eraser{store: store, locks: locks, replyLocks: d.Coord, pages: d.Coord, convs: convs, replays: replays, events: ev, contacts: contacts, log: d.Log}
	c.Privacy = &Privacy{store: store, cache: privacy, erase: erase, blocks: blocks, audit: audit, now: now, fail: fail, contactErased: c.ContactErased, forget: hooks.forget}
	c.Privacy.retention = &retention{privacy: c.Privacy, named: d.Coord, nodeID: cfg.NodeID, every: retentionEvery}
	c.janitor = &janitor{presence: d.Coord, announce: c.Presence.announce, avail: avail, route: route, bot: bot, takeovers: c.Conversations.sweepTakeovers, grace: cfg.Grace, every: cfg.JanitorEvery, now: now}

	// The core keeps its own state right from the event stream: a
	// conversation written on another node reaches this one as an event; a
	// connection re-established (Redis restarted or failed over) may have
	// lost events, and Redis may have lost lock changes.
	c.Search = &Search{index: d.Search, convs: convReader{store: store, convs: convs}, list: c.Conversations, tasks: tasks, fail: fail,
		indexer: &indexer{index: d.Search, named: d.Coord, nodeID: cfg.NodeID, every: cfg.SearchEvery, log: d.Log}}

	repair := &lockRepair{store: store, locks: d.Coord, named: d.Coord, convs: locks, tasks: tasks, log: d.Log, nodeID: cfg.NodeID}
	if d.Bus != nil {
		d.Bus.Handle(convs.observe)
		d.Bus.OnResubscribe(convs.forgetAll)
		d.Bus.OnResubscribe(repair.soon)
	}
	return c
}

func withDefaults(cfg Config) Config {
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
	if cfg.TakeoverTimeout <= 0 {
		cfg.TakeoverTimeout = 60 * time.Second
	}
	if cfg.UpdateWindow == 0 {
		cfg.UpdateWindow = time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.WebhookPoll <= 0 {
		cfg.WebhookPoll = 5 * time.Second
	}
	if cfg.WebhookLease <= 0 {
		cfg.WebhookLease = 60 * time.Second
	}
	if cfg.WebhookRetryBase <= 0 {
		cfg.WebhookRetryBase = 30 * time.Second
	}
	if cfg.WebhookBacklogEvery <= 0 {
		cfg.WebhookBacklogEvery = time.Minute
	}
	if cfg.SearchEvery <= 0 {
		cfg.SearchEvery = time.Second
	}
	if cfg.WebhookWorkers <= 0 {
		cfg.WebhookWorkers = 16
	}
	return cfg
}

// Setup prepares durable defaults (the pre-chat form). Safe on every start
// and on several nodes at once.
func (c *Core) Setup(ctx context.Context) error {
	return c.store.EnsureFormFields(ctx, chat.DefaultFormFields())
}

// Start runs the background loops until Stop.
func (c *Core) Start() {
	c.events.start()
	c.tasks.loop(c.events.run)
	c.reserves.start()
	c.tasks.loop(c.reserves.run)
	c.tasks.loop(c.touches.run)
	c.tasks.loop(c.updates.run)
	c.tasks.loop(c.janitor.run)
	c.tasks.loop(c.Privacy.retention.run)
	if c.Search.index != nil {
		c.tasks.loop(c.Search.indexer.run)
	}
	c.startWebhooks()
	c.tasks.goWithin(time.Hour, func(ctx context.Context) {
		if err := c.Contacts.index.backfill(ctx); err != nil {
			c.Contacts.index.log.Error("contacts backfill failed; the next start resumes it", "err", err)
		}
	})
}

// Stop ends the background loops after flushing pending touches and inbox
// updates, and waits for every goroutine the core started: background
// work gets stopGrace to finish, then its context is cancelled.
func (c *Core) Stop() { c.tasks.stop(c.grace) }

// stopGrace is how long background work (a reopen, a bot turn, a drain)
// may run on after Stop before its context is cancelled.
const stopGrace = 5 * time.Second

// NodeID names this node.
func (c *Core) NodeID() string { return c.cfg.NodeID }

// Ready checks both backing services.
func (c *Core) Ready(ctx context.Context) (mongoErr, redisErr error) {
	return c.store.Ping(ctx), c.coord.Ping(ctx)
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
func (m metricsOrNil) queueWait(d time.Duration) {
	if m.m != nil {
		m.m.QueueWait(d)
	}
}
func (m metricsOrNil) webhookAttempt(outcome string) {
	if m.m != nil {
		m.m.WebhookAttempt(outcome)
	}
}
func (m metricsOrNil) webhookBacklog(n int) {
	if m.m != nil {
		m.m.WebhookBacklog(n)
	}
}

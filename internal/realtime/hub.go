// Package realtime is chatdesk's WebSocket transport (melody) for the
// protocol of internal/protocol (docs/protocol.md). A node keeps only its
// own sockets: an index from conversation to local connections, the local
// agent connections, and one reference-counted Redis subscription per
// conversation that has local sockets. Events arrive from the bus already
// encoded and are written to the interested sockets as they are.
//
// Layout: hub.go owns the sockets of the node (upgrade, drain, heartbeat);
// conn.go is one socket (its state, its context, its writes and its one
// reply method); dispatch.go parses a frame once into a command and routes
// it through one table; handlers.go answers each request; send.go keeps the
// per-conversation send FIFOs; fanout.go delivers bus events; topic.go
// counts subscriptions. deps.go lists what the hub consumes.
package realtime

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/clientaddr"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Config tunes the hub.
type Config struct {
	PublicURL string
	// NodeID names this node in session.ready.
	NodeID       string
	HelloTimeout time.Duration
	// PingEvery is how often the server pings each socket; a socket that
	// does not answer within 2×PingEvery is closed.
	PingEvery time.Duration
	// MaxInFlight bounds concurrent requests per socket.
	MaxInFlight int
	// MaxHellos bounds the hellos (authentication, conversation, replay)
	// handled at once on this node; more wait in line.
	MaxHellos int
	// RequestTimeout bounds one request, its replay included (a hello's
	// time starts once it is its turn).
	RequestTimeout time.Duration
	// MaxPerAddr bounds this node's sockets from one client address, and
	// MaxPerVisitor the sockets of one visitor token (its conversation):
	// more are closed with protocol.CloseTooMany (0: no bound).
	MaxPerAddr, MaxPerVisitor int
	// ClientAddr is the node's one rule for a request's client address
	// (internal/clientaddr, shared with REST); nil: the connection's peer.
	ClientAddr func(*http.Request) string
}

// Hub owns this node's sockets.
type Hub struct {
	auth     Authenticator
	sessions Sessions
	messages Messages
	presence Presence
	takeover Takeovers
	origins  Origins
	bus      Bus
	met      Metrics
	cfg      Config
	log      *slog.Logger
	// widgets and dashboards differ only in their queue depth.
	widgets, dashboards *melody.Melody

	mu         sync.RWMutex
	conns      map[*melody.Session]*conn
	byConv     map[string]map[*conn]struct{}
	agents     map[*conn]struct{}
	visitors   map[*conn]struct{}
	agentCount map[string]int // local sockets per agent id
	caps       socketCaps
	subs       map[string]*topicSub
	hellos     chan struct{}
	online     int // agents online anywhere, from presence events
	draining   bool

	queue     Queue
	pages     Pages
	queueKick chan struct{}
	queueMu   sync.Mutex
	queueLast desk.QueueSnapshot
	queueAt   time.Time

	stop chan struct{}
	wg   sync.WaitGroup
}

// New creates the hub. Call Start before serving.
func New(d Deps, cfg Config) *Hub {
	d.check()
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if cfg.HelloTimeout == 0 {
		cfg.HelloTimeout = 10 * time.Second
	}
	if cfg.PingEvery == 0 {
		cfg.PingEvery = 25 * time.Second
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = 32
	}
	if cfg.MaxHellos == 0 {
		cfg.MaxHellos = 32
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 15 * time.Second
	}
	if cfg.ClientAddr == nil {
		none, _ := clientaddr.New(nil)
		cfg.ClientAddr = none.Of
	}
	widgets := newMelody(cfg, widgetQueue)
	dashboards := newMelody(cfg, dashboardQueue)
	h := &Hub{
		auth: d.Auth, sessions: d.Sessions, messages: d.Messages, presence: d.Presence, takeover: d.Takeovers,
		origins: d.Origins, bus: d.Bus, met: d.Metrics, cfg: cfg, log: d.Log,
		widgets: widgets, dashboards: dashboards,
		conns:      map[*melody.Session]*conn{},
		byConv:     map[string]map[*conn]struct{}{},
		agents:     map[*conn]struct{}{},
		visitors:   map[*conn]struct{}{},
		agentCount: map[string]int{},
		subs:       map[string]*topicSub{},
		hellos:     make(chan struct{}, cfg.MaxHellos),
		stop:       make(chan struct{}),
		queue:      d.Queue,
		pages:      d.Pages,
		queueKick:  make(chan struct{}, 1),
	}
	for _, m := range []*melody.Melody{widgets, dashboards} {
		m.Upgrader.CheckOrigin = h.checkOrigin
		m.HandleConnect(h.onConnect)
		m.HandleDisconnect(h.onDisconnect)
		m.HandleMessage(h.onMessage)
		m.HandleMessageBinary(h.onBinary)
		m.HandleError(h.onError)
		m.HandleSentMessage(h.onSent)
	}
	// The hub's fan-out: every event of the topics this node subscribed
	// to, after the core's own handlers (registered when it was made).
	d.Bus.Handle(h.OnBus)
	d.Bus.OnResubscribe(h.Resync)
	return h
}

// Frames queued per socket before it counts as a slow consumer (melody's
// queue is allocated up front, 8 bytes a slot). A widget receives its own
// conversation's events; a dashboard receives every conversation's inbox
// updates, which the coalescer releases in bursts (one per busy
// conversation per second), so dashboards (/ws?client=dashboard) get a
// melody of their own with a deeper queue.
const (
	widgetQueue    = 64   // 0.5 KB per widget socket
	dashboardQueue = 1024 // 8 KB per dashboard socket
)

func newMelody(cfg Config, queue int) *melody.Melody {
	m := melody.New()
	// melody's default of 512 bytes closes sockets on long messages
	m.Config.MaxMessageSize = protocol.MaxFrameBytes
	m.Config.MessageBufferSize = queue
	m.Config.PingPeriod = cfg.PingEvery
	m.Config.PongWait = 2 * cfg.PingEvery
	m.Config.WriteWait = 10 * time.Second
	// Frames are read through a small buffer, just above gorilla's minimum
	// of 125 (larger frames are read in several calls; most sockets are idle
	// widgets that send a hello and little else): 512 → 128 saved 0.7 KB
	// per idle socket (docs/benchmarks.md, 2026-12-02). Writes borrow a
	// pooled buffer only while writing.
	m.Upgrader.ReadBufferSize = 128
	m.Upgrader.WriteBufferSize = 1024
	m.Upgrader.WriteBufferPool = &sync.Pool{}
	return m
}

// Start subscribes to agent-wide events and starts the presence heartbeat.
func (h *Hub) Start(ctx context.Context) error {
	if err := h.bus.Subscribe(ctx, desk.AgentsTopic); err != nil {
		return err
	}
	h.online = boolToCount(h.presence.SupportOnline(ctx))
	h.wg.Add(3)
	go h.heartbeat()
	go h.sweeper()
	go h.queueLoop()
	return nil
}

// ServeHTTP upgrades /ws requests.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.RLock()
	draining := h.draining
	h.mu.RUnlock()
	if draining {
		http.Error(w, "draining", http.StatusServiceUnavailable)
		return
	}
	// The socket lives on its own goroutine, and this handler returns as
	// soon as the upgrade is done: the HTTP server's goroutine then ends,
	// and with it what it held for the connection's lifetime (its 4 KB
	// read and write buffers, the response, the gin context) and a stack
	// that gin, net/http and the upgrade made deep. An idle socket keeps a
	// shallow read loop and melody's write pump (docs/benchmarks.md, idle).
	upgraded := make(chan struct{})
	var once sync.Once
	done := func() { once.Do(func() { close(upgraded) }) }
	go func() {
		defer done() // upgrade refused: the error was written, w is ours again
		m, queue := h.widgets, widgetQueue
		if r.URL.Query().Get("client") == "dashboard" {
			// a hint for the queue depth only: the hello decides who it is
			m, queue = h.dashboards, dashboardQueue
		}
		_ = m.HandleRequestWithKeys(w, r, map[string]any{upgradedKey: done, queueKey: queue, addrKey: h.cfg.ClientAddr(r)})
	}()
	<-upgraded
}

// Melody session keys, read once by onConnect: upgradedKey carries the
// function that lets ServeHTTP return once the connection is registered,
// queueKey the depth of the socket's send queue, addrKey the client's
// address (decided at upgrade, by the same rule as REST).
const (
	upgradedKey = "upgraded"
	queueKey    = "queue"
	addrKey     = "addr"
)

func (h *Hub) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // not a browser: cross-site WebSocket hijacking needs one
	}
	return h.origins.OriginAllowed(r.Context(), origin, h.cfg.PublicURL)
}

// Connections returns the number of local sockets.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

// Drain tells every client to reconnect elsewhere and closes the sockets
// with 1001 (going away); new upgrades are refused meanwhile. Used on
// SIGTERM.
func (h *Hub) Drain(ctx context.Context) {
	h.mu.Lock()
	h.draining = true
	h.mu.Unlock()
	msg := protocol.Encode(protocol.EvtServerDraining, nil)
	for _, c := range h.all(false) {
		c.write(msg)
	}
	// Give the frames a moment to flush before closing.
	select {
	case <-time.After(200 * time.Millisecond):
	case <-ctx.Done():
	}
	// melody's Close would send a close frame without a status (seen as
	// 1005); each socket's queue gets this one instead.
	bye := websocket.FormatCloseMessage(protocol.CloseGoingAway, "server shutting down")
	_ = h.widgets.CloseWithMsg(bye)
	_ = h.dashboards.CloseWithMsg(bye)
	close(h.stop)
	h.wg.Wait()
}

// all returns the local connections (only those past hello if ready).
func (h *Hub) all(ready bool) []*conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]*conn, 0, len(h.conns))
	for _, c := range h.conns {
		if !ready || c.ready() {
			out = append(out, c)
		}
	}
	return out
}

func (h *Hub) heartbeat() {
	defer h.wg.Done()
	tick := time.NewTicker(h.presence.HeartbeatEvery())
	defer tick.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-tick.C:
			h.mu.RLock()
			ids := make([]string, 0, len(h.agentCount))
			for id := range h.agentCount {
				ids = append(ids, id)
			}
			h.mu.RUnlock()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			if err := h.presence.Heartbeat(ctx, ids); err != nil {
				h.log.Warn("presence heartbeat failed", "err", err)
			} else {
				// Office hours open and close with no presence event: each
				// node checks whether anyone can take a chat and tells its
				// visitors when that changed (not while Redis fails: an
				// unreadable presence is no reason to say "offline").
				h.updateSupportStatus(boolToCount(h.presence.SupportOnline(ctx)))
			}
			cancel()
		}
	}
}

// Resync asks every local socket to resync: called when the bus connection
// was re-established and live events may have been lost.
func (h *Hub) Resync() {
	msg := protocol.Encode(protocol.EvtSessionResync, nil)
	for _, c := range h.all(true) {
		c.write(msg)
	}
}

func boolToCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

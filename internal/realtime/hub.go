// Package realtime is chatdesk's WebSocket transport (melody). A node keeps
// only its own sockets: an index from conversation to local sessions, the
// local agent sessions, and one reference-counted Redis subscription per
// conversation that has local sockets. Events arrive from the bus already
// encoded and are written to the interested sockets as they are.
package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Bus is the node's pub/sub connection (internal/redis.Bus).
type Bus interface {
	Subscribe(ctx context.Context, topic string) error
	Unsubscribe(ctx context.Context, topics ...string) error
}

// Config tunes the hub.
type Config struct {
	PublicURL    string
	HelloTimeout time.Duration
	// PingEvery is how often the server pings each socket; a socket that
	// does not answer within 2×PingEvery is closed.
	PingEvery time.Duration
	// MaxInFlight bounds concurrent requests per socket.
	MaxInFlight int
	// MaxHellos bounds the hellos (authentication, conversation, replay)
	// handled at once on this node; more wait in line.
	MaxHellos int
}

// Metrics receives connection counts.
type Metrics interface {
	Connected(role string)
	Disconnected(role string)
}

// Hub owns this node's sockets.
type Hub struct {
	svc *desk.Core
	bus Bus
	cfg Config
	log *slog.Logger
	// widgets and dashboards differ only in their queue depth.
	widgets, dashboards *melody.Melody
	met                 Metrics

	mu         sync.RWMutex
	sessions   map[*melody.Session]*session
	byConv     map[string]map[*melody.Session]struct{}
	agents     map[*melody.Session]struct{}
	visitors   map[*melody.Session]struct{}
	agentCount map[string]int // local sockets per agent id
	subs       map[string]*topicSub
	hellos     chan struct{}
	online     int // agents online anywhere, from presence events
	draining   bool

	stop chan struct{}
	wg   sync.WaitGroup
}

// New creates the hub. Call Start before serving.
func New(svc *desk.Core, bus Bus, cfg Config, log *slog.Logger, met Metrics) *Hub {
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
	widgets := newMelody(cfg, widgetQueue)
	dashboards := newMelody(cfg, dashboardQueue)
	h := &Hub{
		svc: svc, bus: bus, cfg: cfg, log: log, widgets: widgets, dashboards: dashboards, met: met,
		sessions:   map[*melody.Session]*session{},
		byConv:     map[string]map[*melody.Session]struct{}{},
		agents:     map[*melody.Session]struct{}{},
		visitors:   map[*melody.Session]struct{}{},
		agentCount: map[string]int{},
		subs:       map[string]*topicSub{},
		hellos:     make(chan struct{}, cfg.MaxHellos),
		stop:       make(chan struct{}),
	}
	for _, m := range []*melody.Melody{widgets, dashboards} {
		m.Upgrader.CheckOrigin = h.checkOrigin
		m.HandleConnect(h.onConnect)
		m.HandleDisconnect(h.onDisconnect)
		m.HandleMessage(h.onMessage)
		m.HandleError(h.onError)
		m.HandleSentMessage(h.onSent)
	}
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
	m.Config.MaxMessageSize = 16 << 10 // melody's default of 512 bytes closes sockets on long messages
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
	h.online = boolToCount(h.svc.Presence.SupportOnline(ctx))
	h.wg.Add(2)
	go h.heartbeat()
	go h.sweeper()
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
		_ = m.HandleRequestWithKeys(w, r, map[string]any{upgradedKey: done, queueKey: queue})
	}()
	<-upgraded
}

// Melody session keys, read once by onConnect: upgradedKey carries the
// function that lets ServeHTTP return once the connection is registered,
// queueKey the depth of the socket's send queue.
const (
	upgradedKey = "upgraded"
	queueKey    = "queue"
)

func (h *Hub) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // not a browser: cross-site WebSocket hijacking needs one
	}
	return h.svc.Admin.OriginAllowed(r.Context(), origin, h.cfg.PublicURL)
}

// Connections returns the number of local sockets.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.sessions)
}

// Drain tells every client to reconnect elsewhere and closes the sockets;
// new upgrades are refused meanwhile. Used on SIGTERM.
func (h *Hub) Drain(ctx context.Context) {
	h.mu.Lock()
	h.draining = true
	all := make([]*melody.Session, 0, len(h.sessions))
	for s := range h.sessions {
		all = append(all, s)
	}
	h.mu.Unlock()
	msg := protocol.Encode("server.draining", struct{}{})
	for _, s := range all {
		_ = s.Write(msg)
	}
	// Give the frames a moment to flush before closing.
	select {
	case <-time.After(200 * time.Millisecond):
	case <-ctx.Done():
	}
	_ = h.widgets.Close()
	_ = h.dashboards.Close()
	close(h.stop)
	h.wg.Wait()
}

func (h *Hub) heartbeat() {
	defer h.wg.Done()
	tick := time.NewTicker(h.svc.Presence.HeartbeatEvery())
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
			if err := h.svc.Presence.Heartbeat(ctx, ids); err != nil {
				h.log.Warn("presence heartbeat failed", "err", err)
			}
			cancel()
		}
	}
}

// OnBus is the bus handler: it fans an encoded event out to local sockets.
func (h *Hub) OnBus(topic string, payload []byte) {
	if topic == desk.AgentsTopic {
		h.onAgentsEvent(payload)
		return
	}
	if len(topic) < 5 || topic[:5] != "conv:" {
		return
	}
	convID := topic[5:]
	skipSide := typingSide(payload)
	h.mu.RLock()
	targets := make([]*melody.Session, 0, len(h.byConv[convID]))
	for s := range h.byConv[convID] {
		if skipSide != "" && h.sessions[s] != nil && h.sessions[s].side() == skipSide {
			continue // nobody needs to see their own typing indicator
		}
		targets = append(targets, s)
	}
	h.mu.RUnlock()
	for _, s := range targets {
		h.write(s, payload)
	}
}

func (h *Hub) onAgentsEvent(payload []byte) {
	var head struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(payload, &head); err != nil {
		return
	}
	switch head.Type {
	case protocol.EvtAgentPresence:
		var p protocol.AgentPresence
		if json.Unmarshal(head.Data, &p) == nil {
			h.updateSupportStatus(p.OnlineCount)
		}
	case protocol.EvtAgentUpdated:
		var u protocol.AgentUpdated
		if json.Unmarshal(head.Data, &u) == nil {
			h.kickAgent(u.AgentID, u.Disabled)
		}
		return // internal event
	}
	h.mu.RLock()
	targets := make([]*melody.Session, 0, len(h.agents))
	for s := range h.agents {
		targets = append(targets, s)
	}
	h.mu.RUnlock()
	for _, s := range targets {
		h.write(s, payload)
	}
}

func (h *Hub) updateSupportStatus(count int) {
	h.mu.Lock()
	was := h.online > 0
	h.online = count
	now := count > 0
	var targets []*melody.Session
	if was != now {
		for s := range h.visitors {
			targets = append(targets, s)
		}
	}
	h.mu.Unlock()
	msg := protocol.Encode("support.status", map[string]bool{"online": now})
	for _, s := range targets {
		h.write(s, msg)
	}
}

// kickAgent closes an agent's local sockets after a disable or a password
// change: their tokens are revoked.
func (h *Hub) kickAgent(agentID string, disabled bool) {
	h.mu.RLock()
	var targets []*melody.Session
	for s := range h.agents {
		if st := h.sessions[s]; st != nil && st.getAgent() != nil && st.getAgent().ID == agentID {
			targets = append(targets, s)
		}
	}
	h.mu.RUnlock()
	code, text := closeUnauthorized, "token revoked"
	if disabled {
		code, text = closeDisabled, "account disabled"
	}
	for _, s := range targets {
		closeWith(s, code, text)
	}
}

// Resync asks every local socket to resync: called when the bus connection
// was re-established and live events may have been lost.
func (h *Hub) Resync() {
	h.mu.RLock()
	all := make([]*melody.Session, 0, len(h.sessions))
	for s, st := range h.sessions {
		if st.ready() {
			all = append(all, s)
		}
	}
	h.mu.RUnlock()
	msg := protocol.Encode("session.resync", struct{}{})
	for _, s := range all {
		h.write(s, msg)
	}
}

// write queues a frame. Nothing more is queued for a socket that
// overflowed: it is being closed (see onError).
func (h *Hub) write(s *melody.Session, payload []byte) {
	h.writeTo(s, h.sessionOf(s), payload)
}

// writeTo is write for a caller that has looked up st already (nil for a
// socket not registered yet).
func (h *Hub) writeTo(s *melody.Session, st *session, payload []byte) {
	if st != nil {
		if st.overflowed.Load() {
			return
		}
		st.pending.Add(1)
	}
	_ = s.Write(payload)
}

// writePaced is write for bulk senders (replays): it waits while the
// socket's queue is nearly full, leaving room for live events, instead of
// overflowing it (which would close the socket).
func (h *Hub) writePaced(ctx context.Context, s *melody.Session, payload []byte) error {
	st := h.sessionOf(s)
	for st != nil && st.pending.Load() >= st.queueCap-liveRoom && !s.IsClosed() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	h.writeTo(s, st, payload)
	return nil
}

// liveRoom is the part of a socket's queue that replays leave to live events.
const liveRoom = 16

func (h *Hub) onSent(s *melody.Session, _ []byte) {
	if st := h.sessionOf(s); st != nil {
		st.pending.Add(-1)
	}
}

// onError receives melody's errors. melody drops a frame that does not fit
// in a socket's queue and reports it only here (Write returns nil): such a
// socket is closed with closeTryAgain, so that its client reconnects and
// resumes by seq instead of silently missing events.
func (h *Hub) onError(s *melody.Session, err error) {
	if !errors.Is(err, melody.ErrMessageBufferFull) {
		return
	}
	st := h.sessionOf(s)
	if st == nil {
		return
	}
	if st.overflowed.Swap(true) {
		st.closeDropped.Store(true) // a frame (maybe closeSlow's close frame) did not fit
		return
	}
	h.log.Warn("slow consumer disconnected", "side", st.side())
	go h.closeSlow(s, st)
}

// closeSlow queues the close frame of an overflowed socket, retrying until
// the write pump has made room for it; a client that stopped reading
// altogether is cut by the write deadline meanwhile.
func (h *Hub) closeSlow(s *melody.Session, st *session) {
	for i := 0; i < 400 && !s.IsClosed(); i++ {
		st.closeDropped.Store(false)
		closeWith(s, closeTryAgain, "slow consumer")
		if !st.closeDropped.Load() {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func boolToCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

package realtime

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// conn is one socket: who it is once its hello succeeded, what it
// follows, its pending sends, and the context its requests run on, which
// ends when the socket closes. Every frame leaves through write; every
// reply to a request through reply.
type conn struct {
	h  *Hub
	s  *melody.Session
	ip string
	// addrCounted and visitorCounted: the socket counts against its
	// address's and its visitor token's caps (caps.go; guarded by Hub.mu).
	addrCounted    bool
	visitorCounted string
	// ctx ends when the socket is gone: requests run on contexts derived
	// from it, so a replay or a hello stops working for nobody.
	ctx    context.Context
	cancel context.CancelFunc

	mu         sync.Mutex
	actor      desk.Actor
	isReady    bool
	joined     map[string]bool // conversations an agent follows
	helloTimer *time.Timer
	// sends holds, per conversation, the message.send requests waiting to
	// be stored; inflight bounds how many a socket may have pending.
	sends    map[string]*sendQueue
	inflight chan struct{}
	// queuePos is the queue position this visitor was told last; mayWait:
	// its conversation waits, or may (see queue.go).
	queuePos int
	mayWait  bool

	// pending counts the frames queued and not yet written (of queueCap):
	// replays wait for room rather than overflow the queue. overflowed: a
	// frame did not fit in the socket's queue, so it is being closed;
	// closeDropped: a frame was dropped since closeSlow last tried;
	// closing: a close frame is queued, further frames are not handled.
	pending                           atomic.Int32
	queueCap                          int32
	overflowed, closeDropped, closing atomic.Bool
}

// Sides of a conversation, as typing events name their sender.
const (
	sideAgent   = string(chat.SenderAgent)
	sideVisitor = string(chat.SenderVisitor)
)

func (c *conn) ready() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.isReady
}

// who returns the actor of a ready connection, with the socket's address.
func (c *conn) who() desk.Actor {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.actor
	a.IP = c.ip
	return a
}

func (c *conn) side() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.actor.IsAgent():
		return sideAgent
	case c.actor.Visitor:
		return sideVisitor
	}
	return ""
}

// agent is set once hello succeeded for an agent socket.
func (c *conn) agent() *chat.Agent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.actor.Agent
}

// setReady records a successful hello.
func (c *conn) setReady(actor desk.Actor) {
	c.mu.Lock()
	c.actor, c.isReady = actor, true
	c.mu.Unlock()
}

// stopHelloTimer: the hello arrived, the hello timeout no longer applies
// (even if the hello waits in the queue).
func (c *conn) stopHelloTimer() {
	c.mu.Lock()
	if c.helloTimer != nil {
		c.helloTimer.Stop()
		c.helloTimer = nil // ~0.4 KB per idle socket otherwise
	}
	c.mu.Unlock()
}

// write queues a frame. Nothing more is queued for a socket that
// overflowed: it is being closed (see onError).
func (c *conn) write(payload []byte) {
	if c.overflowed.Load() {
		return
	}
	c.pending.Add(1)
	_ = c.s.Write(payload)
}

// writePaced is write for bulk senders (replays): it waits while the
// socket's queue is nearly full, leaving room for live events, instead of
// overflowing it (which would close the socket).
func (c *conn) writePaced(ctx context.Context, payload []byte) error {
	for c.pending.Load() >= c.queueCap-liveRoom && !c.s.IsClosed() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	c.write(payload)
	return nil
}

// liveRoom is the part of a socket's queue that replays leave to live events.
const liveRoom = 16

// result is a request's answer when it succeeds: the reply's type (ack
// unless set: a hello answers session.ready) and data, and what follows
// the reply (a replay, a presence announcement), run on the request's
// context once the reply is queued.
type result struct {
	typ  string
	data any
	then func(ctx context.Context)
}

// closeError is an error after whose reply the socket is closed.
type closeError struct {
	err    error
	code   int
	reason string
}

func (e *closeError) Error() string { return e.err.Error() }
func (e *closeError) Unwrap() error { return e.err }

// closing wraps err: the reply is sent, then the socket closed with code.
func closing(err error, code int, reason string) error {
	return &closeError{err: err, code: code, reason: reason}
}

// reply is the one way an answer leaves: the result's frame (ack or
// session.ready) or an error frame, with the request's id, then the close
// an error may ask for. Errors are sent whether or not the request had an
// id (an error without id is about the session); an ack without an id
// would answer nothing and is not sent.
func (c *conn) reply(id string, res result, err error) {
	if c.ctx.Err() != nil {
		return // the socket is gone: nobody to answer
	}
	if err != nil {
		if chat.ErrorCode(err) == chat.EINTERNAL {
			c.h.log.Error("websocket request failed", "err", err)
		}
		c.write(protocol.Reply(protocol.EvtError, id, protocol.ErrorOf(err)))
		var ce *closeError
		if errors.As(err, &ce) {
			c.close(ce.code, ce.reason)
		}
		return
	}
	typ := res.typ
	if typ == "" {
		typ = protocol.EvtAck
	}
	if id == "" && typ == protocol.EvtAck {
		return
	}
	c.write(protocol.Reply(typ, id, res.data))
}

// close queues a close frame with code; frames that arrive meanwhile are
// not handled.
func (c *conn) close(code int, reason string) {
	c.closing.Store(true)
	_ = c.s.CloseWithMsg(websocket.FormatCloseMessage(code, reason))
}

// connOf returns the connection of a registered socket, nil otherwise.
func (h *Hub) connOf(s *melody.Session) *conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.conns[s]
}

func (h *Hub) onConnect(s *melody.Session) {
	// joined, sends and inflight are made on first use: most sockets are
	// visitors' idle widgets.
	c := &conn{h: h, s: s, queueCap: widgetQueue}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if q, ok := s.Keys[queueKey].(int); ok {
		c.queueCap = int32(q)
	}
	c.ip, _ = s.Keys[addrKey].(string)
	// Nothing needs the upgrade request any longer (the IP is kept).
	s.Request = nil
	if done, ok := s.Keys[upgradedKey].(func()); ok {
		s.Keys = nil
		defer done()
	}
	c.helloTimer = time.AfterFunc(h.cfg.HelloTimeout, func() {
		if !c.ready() {
			c.reply("", result{}, closing(errNoHello, protocol.CloseTryAgain, "hello timeout"))
		}
	})
	h.mu.Lock()
	if !h.admitAddr(c) {
		h.mu.Unlock()
		c.helloTimer.Stop()
		c.cancel()
		refuseTooMany(s, "too many sockets from this address")
		return
	}
	h.conns[s] = c
	h.mu.Unlock()
}

var errNoHello = &chat.Error{Code: chat.EUNAUTHORIZED, Message: "Chưa xác thực kết nối."}

func (h *Hub) onDisconnect(s *melody.Session) {
	h.mu.Lock()
	c := h.conns[s]
	delete(h.conns, s)
	if c == nil {
		h.mu.Unlock()
		return
	}
	delete(h.visitors, c)
	delete(h.agents, c)
	h.releaseCaps(c)
	var topics []string
	var lastOfAgent *chat.Agent
	c.mu.Lock()
	if c.helloTimer != nil {
		c.helloTimer.Stop()
	}
	ready := c.isReady
	if c.isReady {
		if c.actor.Visitor {
			topics = append(topics, desk.ConversationTopic(c.actor.ConversationID))
			h.removeFromConv(c.actor.ConversationID, c)
		}
		for id := range c.joined { // nil for visitors
			topics = append(topics, desk.ConversationTopic(id))
			h.removeFromConv(id, c)
		}
		if a := c.actor.Agent; a != nil {
			h.agentCount[a.ID]--
			if h.agentCount[a.ID] <= 0 {
				delete(h.agentCount, a.ID)
				lastOfAgent = a
			}
		}
	}
	c.mu.Unlock()
	c.cancel() // under h.mu: see ifOpen
	h.mu.Unlock()
	for _, t := range topics {
		h.unref(t)
	}
	if ready && h.met != nil {
		h.met.Disconnected(c.side())
	}
	if lastOfAgent != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			h.presence.AgentOffline(ctx, lastOfAgent)
		}()
	}
}

func (h *Hub) onSent(s *melody.Session, _ []byte) {
	if c := h.connOf(s); c != nil {
		c.pending.Add(-1)
	}
}

// onError receives melody's errors. melody drops a frame that does not fit
// in a socket's queue and reports it only here (Write returns nil): such a
// socket is closed with CloseTryAgain, so that its client reconnects and
// resumes by seq instead of silently missing events.
func (h *Hub) onError(s *melody.Session, err error) {
	if !errors.Is(err, melody.ErrMessageBufferFull) {
		return
	}
	c := h.connOf(s)
	if c == nil {
		return
	}
	if c.overflowed.Swap(true) {
		c.closeDropped.Store(true) // a frame (maybe closeSlow's close frame) did not fit
		return
	}
	h.log.Warn("slow consumer disconnected", "side", c.side())
	go c.closeSlow()
}

// closeSlow queues the close frame of an overflowed socket, retrying until
// the write pump has made room for it; a client that stopped reading
// altogether is cut by the write deadline meanwhile.
func (c *conn) closeSlow() {
	for i := 0; i < 400 && !c.s.IsClosed(); i++ {
		c.closeDropped.Store(false)
		c.close(protocol.CloseTryAgain, "slow consumer")
		if !c.closeDropped.Load() {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
}

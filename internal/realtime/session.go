package realtime

import (
	"context"
	"encoding/json"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Close codes the clients act on (docs/protocol.md).
const (
	closeUnauthorized = 4401
	closeDisabled     = 4403
	closeTryAgain     = 4000 // reconnect with backoff (slow consumer, hello timeout)
)

// session is the state of one socket.
type session struct {
	mu     sync.Mutex
	actor  desk.Actor
	hello  bool
	joined map[string]bool // conversations an agent follows
	timer  *time.Timer
	// sends holds, per conversation, the message.send requests waiting to
	// be stored; inflight bounds how many a socket may have pending.
	sends    map[string]*sendQueue
	inflight chan struct{}
	ip       string
	// pending counts the frames queued and not yet written (of queueCap):
	// replays wait for room rather than overflow the queue. overflowed: a
	// frame did not fit in the socket's queue, so it is being closed;
	// closeDropped: a frame was dropped since closeSlow last tried.
	pending                  atomic.Int32
	queueCap                 int32
	overflowed, closeDropped atomic.Bool
}

func (st *session) ready() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.hello
}

func (st *session) side() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case st.actor.IsAgent():
		return "agent"
	case st.actor.Visitor:
		return "visitor"
	}
	return ""
}

// agent is set once hello succeeded for an agent socket.
func (st *session) getAgent() *chat.Agent {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.actor.Agent
}

func closeWith(s *melody.Session, code int, text string) {
	_ = s.CloseWithMsg(websocket.FormatCloseMessage(code, text))
}

// sessionOf returns the state of a registered socket, nil otherwise.
func (h *Hub) sessionOf(s *melody.Session) *session {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.sessions[s]
}

func (h *Hub) onConnect(s *melody.Session) {
	// joined, sends and inflight are made on first use: most sockets are
	// visitors' idle widgets.
	st := &session{ip: clientIP(s), queueCap: widgetQueue}
	if q, ok := s.Keys[queueKey].(int); ok {
		st.queueCap = int32(q)
	}
	// Nothing needs the upgrade request any longer (the IP is kept).
	s.Request = nil
	if done, ok := s.Keys[upgradedKey].(func()); ok {
		s.Keys = nil
		defer done()
	}
	st.timer = time.AfterFunc(h.cfg.HelloTimeout, func() {
		if !st.ready() {
			h.sendError(s, "", &chat.Error{Code: chat.EUNAUTHORIZED, Message: "Chưa xác thực kết nối."})
			closeWith(s, closeTryAgain, "hello timeout")
		}
	})
	h.mu.Lock()
	h.sessions[s] = st
	h.mu.Unlock()
}

func (h *Hub) onDisconnect(s *melody.Session) {
	h.mu.Lock()
	st := h.sessions[s]
	delete(h.sessions, s)
	delete(h.visitors, s)
	delete(h.agents, s)
	var topics []string
	var lastOfAgent *chat.Agent
	if st != nil {
		st.mu.Lock()
		if st.timer != nil {
			st.timer.Stop()
		}
		if st.hello {
			if st.actor.Visitor {
				topics = append(topics, desk.ConversationTopic(st.actor.ConversationID))
				h.removeFromConv(st.actor.ConversationID, s)
			}
			for id := range st.joined { // nil for visitors
				topics = append(topics, desk.ConversationTopic(id))
				h.removeFromConv(id, s)
			}
			if a := st.actor.Agent; a != nil {
				h.agentCount[a.ID]--
				if h.agentCount[a.ID] <= 0 {
					delete(h.agentCount, a.ID)
					lastOfAgent = a
				}
			}
		}
		st.mu.Unlock()
	}
	h.mu.Unlock()
	for _, t := range topics {
		h.unref(t)
	}
	if st != nil && st.hello && h.met != nil {
		h.met.Disconnected(st.side())
	}
	if lastOfAgent != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			h.svc.Presence.AgentOffline(ctx, lastOfAgent)
		}()
	}
}

// removeFromConv must be called with h.mu held.
func (h *Hub) removeFromConv(convID string, s *melody.Session) {
	if set := h.byConv[convID]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(h.byConv, convID)
		}
	}
}

// addToConv indexes s under a conversation after its subscription is live.
func (h *Hub) addToConv(ctx context.Context, convID string, s *melody.Session) {
	h.ref(ctx, desk.ConversationTopic(convID))
	h.mu.Lock()
	set := h.byConv[convID]
	if set == nil {
		set = map[*melody.Session]struct{}{}
		h.byConv[convID] = set
	}
	set[s] = struct{}{}
	h.mu.Unlock()
}

type inbound struct {
	Type string          `json:"type"`
	ID   string          `json:"id"`
	Data json.RawMessage `json:"data"`
}

// onMessage handles one frame. Frames of a socket are handled in order, so
// two messages sent in a row get increasing seqs.
//
// The handling runs on a short-lived goroutine while the read loop waits:
// a hello (JSON, Redis, MongoDB calls) would otherwise grow the read loop's
// stack to 8–16 KB, kept for the socket's lifetime although the loop itself
// needs a few hundred bytes. A panic closes the socket, not the node (the
// read loop no longer runs under net/http's recovery, see ServeHTTP).
func (h *Hub) onMessage(s *melody.Session, raw []byte) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				h.log.Error("websocket handler panic", "panic", p, "stack", string(debug.Stack()))
				closeWith(s, websocket.CloseInternalServerErr, "internal error")
			}
		}()
		h.handleFrame(s, raw)
	}()
	<-done
}

func (h *Hub) handleFrame(s *melody.Session, raw []byte) {
	st := h.sessionOf(s)
	if st == nil {
		return
	}
	var in inbound
	if err := json.Unmarshal(raw, &in); err != nil || in.Type == "" || len(in.ID) > 64 {
		h.sendError(s, "", &chat.Error{Code: chat.EINVALID, Message: "Dữ liệu gửi lên không hợp lệ."})
		return
	}
	if in.Type == "hello" {
		h.handleHello(s, st, in)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if !st.ready() {
		h.sendError(s, in.ID, chat.ErrUnauthorized)
		closeWith(s, closeUnauthorized, "hello first")
		return
	}
	st.mu.Lock()
	actor := st.actor
	st.mu.Unlock()
	actor.IP = st.ip
	var reply any
	var err error
	switch in.Type {
	case "message.send":
		h.enqueueSend(s, st, actor, in)
		return
	case "typing":
		err = h.handleTyping(ctx, actor, in.Data)
	case "conversation.read":
		err = h.handleRead(ctx, actor, in.Data)
	case "conversation.join":
		h.handleJoin(ctx, s, st, actor, in)
		return
	case "conversation.leave":
		err = h.handleLeave(s, st, actor, in.Data)
	case "sync":
		h.handleSync(ctx, s, actor, in)
		return
	case "agent.status":
		err = h.handleStatus(ctx, actor, in.Data)
	default:
		err = &chat.Error{Code: chat.EINVALID, Message: "Loại yêu cầu không được hỗ trợ."}
	}
	if err != nil {
		h.sendError(s, in.ID, err)
		return
	}
	if reply == nil {
		reply = struct{}{}
	}
	if in.ID != "" {
		h.send(s, protocol.Envelope{Type: "ack", ID: in.ID, Data: reply})
	}
}

func (h *Hub) send(s *melody.Session, env protocol.Envelope) {
	b, err := json.Marshal(env)
	if err != nil {
		return
	}
	h.write(s, b)
}

func (h *Hub) sendError(s *melody.Session, id string, err error) {
	d := chat.ErrorCode(err)
	if d == chat.EINTERNAL {
		h.log.Error("websocket request failed", "err", err)
	}
	body := map[string]any{"code": d, "message": chat.ErrorMessage(err)}
	if e, ok := chat.AsError(err); ok {
		if len(e.Fields) > 0 {
			body["fields"] = e.Fields
		}
		if e.RetryAfter > 0 {
			body["retryAfter"] = e.RetryAfter
		}
	}
	h.send(s, protocol.Envelope{Type: "error", ID: id, Data: body})
}

func clientIP(s *melody.Session) string {
	r := s.Request
	// X-Real-IP is set by our Nginx; the REST layer applies the trusted
	// proxy list, here the header is only used for rate-limit keys.
	if ip := r.Header.Get("X-Real-IP"); ip != "" && len(ip) < 64 {
		return ip
	}
	host := r.RemoteAddr
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			return host[:i]
		}
	}
	return host
}

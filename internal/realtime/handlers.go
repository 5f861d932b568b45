package realtime

import (
	"context"
	"encoding/json"
	"time"

	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

var errBadData = &chat.Error{Code: chat.EINVALID, Message: "Dữ liệu gửi lên không hợp lệ."}

// decode reads a request's data strictly: wrong JSON types are refused.
func decode(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return errBadData
	}
	return nil
}

type helloData struct {
	Token   string `json:"token"`
	LastSeq int64  `json:"lastSeq"`
}

type ready struct {
	Role          string             `json:"role"`
	Conversation  *chat.Conversation `json:"conversation,omitempty"`
	Agent         *chat.Agent        `json:"agent,omitempty"`
	Agents        []chat.AgentView   `json:"agents,omitempty"`
	SupportOnline bool               `json:"supportOnline"`
	Heartbeat     int                `json:"heartbeat"`
	Node          string             `json:"node"`
}

// helloQueueWait bounds how long a hello waits for its turn.
const helloQueueWait = 30 * time.Second

func (h *Hub) handleHello(s *melody.Session, st *session, in inbound) {
	if st.ready() {
		h.sendError(s, in.ID, &chat.Error{Code: chat.EINVALID, Message: "Kết nối đã được xác thực."})
		return
	}
	// The hello arrived: the hello timeout no longer applies, even if the
	// hello waits in the queue below.
	st.mu.Lock()
	if st.timer != nil {
		st.timer.Stop()
		st.timer = nil // ~0.4 KB per idle socket otherwise
	}
	st.mu.Unlock()
	// A bounded number of hellos run at once on this node: in a reconnect
	// storm the others wait here (bounded by the request context)
	// instead of all hitting MongoDB and timing out together.
	wait := time.NewTimer(helloQueueWait)
	select {
	case h.hellos <- struct{}{}:
		wait.Stop()
		defer func() { <-h.hellos }()
	case <-wait.C:
		h.sendError(s, in.ID, chat.ErrUnavailable)
		closeWith(s, closeTryAgain, "busy")
		return
	}
	// The request's own time starts once it is its turn.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var d helloData
	if err := decode(in.Data, &d); err != nil {
		h.sendError(s, in.ID, err)
		closeWith(s, closeUnauthorized, "bad hello")
		return
	}
	actor, err := h.svc.Auth.Authenticate(ctx, d.Token)
	if err != nil {
		h.sendError(s, in.ID, err)
		code := closeUnauthorized
		if chat.ErrorCode(err) == chat.EDISABLED {
			code = closeDisabled
		} else if chat.ErrorCode(err) == chat.EUNAVAILABLE {
			code = closeTryAgain
		}
		closeWith(s, code, "unauthorized")
		return
	}
	r := ready{Heartbeat: int(h.cfg.PingEvery.Seconds()), Node: h.svc.NodeID()}
	if actor.Visitor {
		conv, err := h.svc.Conversations.ConversationForSession(ctx, actor, actor.ConversationID)
		if err != nil {
			h.sendError(s, in.ID, err)
			if chat.ErrorCode(err) == chat.ENOTFOUND {
				closeWith(s, closeUnauthorized, "unknown conversation")
			} else {
				closeWith(s, closeTryAgain, "unavailable")
			}
			return
		}
		h.addToConv(ctx, conv.ID, s)
		st.mu.Lock()
		st.actor, st.hello = actor, true
		st.mu.Unlock()
		h.mu.Lock()
		h.visitors[s] = struct{}{}
		r.SupportOnline = h.online > 0
		h.mu.Unlock()
		r.Role, r.Conversation = "visitor", conv
		if h.met != nil {
			h.met.Connected("visitor")
		}
		h.send(s, protocol.Envelope{Type: "session.ready", ID: in.ID, Data: r})
		h.replay(ctx, s, actor, conv.ID, d.LastSeq)
		return
	}
	agents, err := h.svc.Presence.Agents(ctx, actor)
	if err != nil {
		h.sendError(s, in.ID, err)
		closeWith(s, closeTryAgain, "unavailable")
		return
	}
	st.mu.Lock()
	st.actor, st.hello = actor, true
	st.mu.Unlock()
	h.mu.Lock()
	h.agents[s] = struct{}{}
	h.agentCount[actor.Agent.ID]++
	first := h.agentCount[actor.Agent.ID] == 1
	r.SupportOnline = h.online > 0
	h.mu.Unlock()
	if h.met != nil {
		h.met.Connected("agent")
	}
	// The agent is online (assignable) before session.ready is sent: a
	// client that acts on session.ready must find itself online. The
	// presence event follows session.ready.
	announce := func() {}
	if first {
		announce = h.svc.Presence.AgentOnline(ctx, actor.Agent)
	}
	for i := range agents {
		if agents[i].ID == actor.Agent.ID && !agents[i].Online {
			agents[i].Online, agents[i].Status = true, "online"
		}
	}
	r.Role, r.Agent, r.Agents = string(actor.Agent.Role), actor.Agent, agents
	h.send(s, protocol.Envelope{Type: "session.ready", ID: in.ID, Data: r})
	announce()
}

// replay sends every stored message after `after`, in seq order, then
// replay.done. Live events may interleave; clients dedupe by id.
func (h *Hub) replay(ctx context.Context, s *melody.Session, actor desk.Actor, convID string, after int64) {
	last := after
	for {
		ms, err := h.svc.Messages.Replay(ctx, actor, convID, last, desk.MaxReplay)
		if err != nil {
			h.sendError(s, "", err)
			return
		}
		for _, m := range ms {
			if h.writePaced(ctx, s, protocol.Encode(protocol.EvtMessageCreated, protocol.MessageCreated{Message: m})) != nil {
				return // gave up (the socket is gone or stuck); the client resumes from what it got
			}
			last = m.Seq
		}
		if len(ms) < desk.MaxReplay {
			break
		}
	}
	h.write(s, protocol.Encode("replay.done", map[string]any{"conversationId": convID, "lastSeq": last}))
}

type sendData struct {
	ConversationID string `json:"conversationId"`
	ClientID       string `json:"clientId"`
	Text           string `json:"text"`
}

func conversationOf(actor desk.Actor, requested string) string {
	if actor.Visitor && requested == "" {
		return actor.ConversationID
	}
	return requested
}

func (h *Hub) handleSend(ctx context.Context, actor desk.Actor, raw json.RawMessage) (any, error) {
	var d sendData
	if err := decode(raw, &d); err != nil {
		return nil, err
	}
	m, _, err := h.svc.Messages.SendMessage(ctx, actor, conversationOf(actor, d.ConversationID), d.ClientID, d.Text)
	if err != nil {
		return nil, err
	}
	return protocol.MessageCreated{Message: m}, nil
}

type typingData struct {
	ConversationID string `json:"conversationId"`
	Typing         bool   `json:"typing"`
}

func (h *Hub) handleTyping(ctx context.Context, actor desk.Actor, raw json.RawMessage) error {
	var d typingData
	if err := decode(raw, &d); err != nil {
		return err
	}
	return h.svc.Messages.SetTyping(ctx, actor, conversationOf(actor, d.ConversationID), d.Typing)
}

type readData struct {
	ConversationID string `json:"conversationId"`
	Seq            int64  `json:"seq"`
}

func (h *Hub) handleRead(ctx context.Context, actor desk.Actor, raw json.RawMessage) error {
	var d readData
	if err := decode(raw, &d); err != nil {
		return err
	}
	return h.svc.Messages.MarkRead(ctx, actor, conversationOf(actor, d.ConversationID))
}

type joinData struct {
	ConversationID string `json:"conversationId"`
	AfterSeq       int64  `json:"afterSeq"`
}

func (h *Hub) handleJoin(ctx context.Context, s *melody.Session, st *session, actor desk.Actor, in inbound) {
	var d joinData
	if err := decode(in.Data, &d); err != nil {
		h.sendError(s, in.ID, err)
		return
	}
	if !actor.IsAgent() {
		h.sendError(s, in.ID, chat.ErrForbidden)
		return
	}
	conv, err := h.svc.Conversations.ConversationForSession(ctx, actor, d.ConversationID)
	if err != nil {
		h.sendError(s, in.ID, err)
		return
	}
	st.mu.Lock()
	already := st.joined[conv.ID]
	if st.joined == nil {
		st.joined = map[string]bool{}
	}
	st.joined[conv.ID] = true
	st.mu.Unlock()
	if !already {
		h.addToConv(ctx, conv.ID, s)
	}
	h.send(s, protocol.Envelope{Type: "ack", ID: in.ID, Data: map[string]any{"conversation": conv}})
	h.replay(ctx, s, actor, conv.ID, d.AfterSeq)
}

type leaveData struct {
	ConversationID string `json:"conversationId"`
}

func (h *Hub) handleLeave(s *melody.Session, st *session, actor desk.Actor, raw json.RawMessage) error {
	var d leaveData
	if err := decode(raw, &d); err != nil {
		return err
	}
	if !actor.IsAgent() {
		return chat.ErrForbidden
	}
	st.mu.Lock()
	joined := st.joined[d.ConversationID]
	delete(st.joined, d.ConversationID)
	st.mu.Unlock()
	if joined {
		h.mu.Lock()
		h.removeFromConv(d.ConversationID, s)
		h.mu.Unlock()
		h.unref(desk.ConversationTopic(d.ConversationID))
	}
	return nil
}

type syncData struct {
	ConversationID string `json:"conversationId"`
	AfterSeq       int64  `json:"afterSeq"`
}

func (h *Hub) handleSync(ctx context.Context, s *melody.Session, actor desk.Actor, in inbound) {
	var d syncData
	if err := decode(in.Data, &d); err != nil {
		h.sendError(s, in.ID, err)
		return
	}
	convID := conversationOf(actor, d.ConversationID)
	if _, err := h.svc.Conversations.ConversationForSession(ctx, actor, convID); err != nil {
		h.sendError(s, in.ID, err)
		return
	}
	if in.ID != "" {
		h.send(s, protocol.Envelope{Type: "ack", ID: in.ID, Data: struct{}{}})
	}
	h.replay(ctx, s, actor, convID, d.AfterSeq)
}

type statusData struct {
	Status string `json:"status"`
}

func (h *Hub) handleStatus(ctx context.Context, actor desk.Actor, raw json.RawMessage) error {
	var d statusData
	if err := decode(raw, &d); err != nil {
		return err
	}
	return h.svc.Presence.SetAgentStatus(ctx, actor, d.Status)
}

// typingSide returns the sender side of a typing event ("" for other
// events), cheaply: only typing frames are parsed.
func typingSide(payload []byte) string {
	const prefix = `{"type":"typing"`
	if len(payload) < len(prefix) || string(payload[:len(prefix)]) != prefix {
		return ""
	}
	var ev struct {
		Data protocol.Typing `json:"data"`
	}
	if json.Unmarshal(payload, &ev) != nil {
		return ""
	}
	return string(ev.Data.SenderType)
}

package realtime

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// The request handlers. Each takes its typed payload and returns its
// result or an error; dispatch replies (see conn.reply).

// helloQueueWait bounds how long a hello waits for its turn.
const helloQueueWait = 30 * time.Second

// waitHelloTurn admits a hello. A bounded number of hellos run at once on
// this node: in a reconnect storm the others wait here instead of all
// hitting MongoDB and timing out together.
func (c *conn) waitHelloTurn() (release func(), err error) {
	c.stopHelloTimer()
	wait := time.NewTimer(helloQueueWait)
	defer wait.Stop()
	select {
	case c.h.hellos <- struct{}{}:
		return func() { <-c.h.hellos }, nil
	case <-wait.C:
		return nil, closing(chat.ErrUnavailable, protocol.CloseTryAgain, "busy")
	case <-c.ctx.Done():
		return nil, c.ctx.Err() // the socket is gone; the reply goes nowhere
	}
}

// hello authenticates the socket, then opens a visitor's or an agent's
// session.
func (c *conn) hello(ctx context.Context, p *protocol.Hello) (result, error) {
	actor, err := c.h.auth.Authenticate(ctx, p.Token)
	if err != nil {
		code := protocol.CloseUnauthorized
		switch chat.ErrorCode(err) {
		case chat.EDISABLED:
			code = protocol.CloseDisabled
		case chat.EUNAVAILABLE:
			code = protocol.CloseTryAgain
		}
		return result{}, closing(err, code, "unauthorized")
	}
	if actor.Visitor {
		return c.helloVisitor(ctx, actor, p.LastSeq)
	}
	return c.helloAgent(ctx, actor)
}

// helloVisitor follows the visitor's conversation (live delivery in place
// before the replay starts), answers session.ready, then replays what the
// visitor lacks.
func (c *conn) helloVisitor(ctx context.Context, actor desk.Actor, lastSeq int64) (result, error) {
	h := c.h
	conv, err := h.sessions.ConversationForSession(ctx, actor, actor.ConversationID)
	if err != nil {
		if chat.ErrorCode(err) == chat.ENOTFOUND {
			return result{}, closing(err, protocol.CloseUnauthorized, "unknown conversation")
		}
		return result{}, closing(err, protocol.CloseTryAgain, "unavailable")
	}
	if err := h.admitVisitor(c, conv.ID); err != nil {
		return result{}, err
	}
	var supportOnline bool
	if !h.follow(ctx, c, conv.ID, func() {
		c.setReady(actor)
		h.visitors[c] = struct{}{}
		supportOnline = h.online > 0
	}) {
		return result{}, c.ctx.Err() // the socket is gone
	}
	if h.met != nil {
		h.met.Connected(sideVisitor)
	}
	return result{
		typ: protocol.EvtSessionReady,
		data: protocol.SessionReady{
			Role: sideVisitor, Conversation: chat.VisitorView(conv), SupportOnline: supportOnline, Queue: h.helloQueue(ctx, c, conv),
			Heartbeat: int(h.cfg.PingEvery.Seconds()), Node: h.cfg.NodeID,
		},
		then: func(ctx context.Context) { c.replay(ctx, actor, conv.ID, lastSeq) },
	}, nil
}

// helloAgent registers an agent's socket. The agent is online (assignable)
// before session.ready is sent: a client that acts on session.ready must
// find itself online. The presence event follows session.ready.
func (c *conn) helloAgent(ctx context.Context, actor desk.Actor) (result, error) {
	h := c.h
	agents, err := h.presence.Agents(ctx, actor)
	if err != nil {
		return result{}, closing(err, protocol.CloseTryAgain, "unavailable")
	}
	var first, supportOnline bool
	if !h.ifOpen(c, func() {
		c.setReady(actor)
		h.agents[c] = struct{}{}
		h.agentCount[actor.Agent.ID]++
		first = h.agentCount[actor.Agent.ID] == 1
		supportOnline = h.online > 0
	}) {
		return result{}, c.ctx.Err() // the socket is gone
	}
	if h.met != nil {
		h.met.Connected(sideAgent)
	}
	announce := func() {}
	if first {
		announce = h.presence.AgentOnline(ctx, actor.Agent)
	}
	for i := range agents {
		if agents[i].ID == actor.Agent.ID && !agents[i].Online {
			agents[i].Online, agents[i].Status = true, "online"
		}
	}
	return result{
		typ: protocol.EvtSessionReady,
		data: protocol.SessionReady{
			Role: string(actor.Agent.Role), Agent: actor.Agent, Agents: agents, SupportOnline: supportOnline,
			Heartbeat: int(h.cfg.PingEvery.Seconds()), Node: h.cfg.NodeID,
		},
		then: func(context.Context) { announce() },
	}, nil
}

// replay sends every stored message after `after`, in seq order, then
// replay.done. Live events may interleave; clients dedupe by id. A replay
// that fails sends an error without id (the request was answered already).
func (c *conn) replay(ctx context.Context, actor desk.Actor, convID string, after int64) {
	last := after
	for {
		ms, err := c.h.messages.Replay(ctx, actor, convID, last, desk.MaxReplay)
		if err != nil {
			c.reply("", result{}, err)
			return
		}
		for _, m := range ms {
			if c.writePaced(ctx, protocol.Encode(protocol.EvtMessageCreated, protocol.MessageCreated{Message: m})) != nil {
				return // gave up (the socket is gone or stuck); the client resumes from what it got
			}
			last = m.Seq
		}
		if len(ms) < desk.MaxReplay {
			break
		}
	}
	c.write(protocol.Encode(protocol.EvtReplayDone, protocol.ReplayDone{ConversationID: convID, LastSeq: last}))
}

// conversationOf is the conversation a request names; visitors may omit
// it (their token names theirs).
func conversationOf(actor desk.Actor, requested string) string {
	if actor.Visitor && requested == "" {
		return actor.ConversationID
	}
	return requested
}

// send stores a message; it runs in the socket's FIFO for the
// conversation (send.go). The ack carries the stored message.
func (c *conn) send(ctx context.Context, p *protocol.MessageSend) (result, error) {
	actor := c.who()
	m, _, err := c.h.messages.SendMessage(ctx, actor, conversationOf(actor, p.ConversationID), p.ClientID, p.Text)
	if err != nil {
		return result{}, err
	}
	return result{data: protocol.MessageCreated{Message: m}}, nil
}

// note stores an internal note (agents only: desk refuses anyone else).
func (c *conn) note(ctx context.Context, p *protocol.NoteSend) (result, error) {
	m, _, err := c.h.messages.AddNote(ctx, c.who(), p.ConversationID, p.ClientID, p.Text)
	if err != nil {
		return result{}, err
	}
	return result{data: protocol.NoteCreated{Note: m}}, nil
}

func (c *conn) typing(ctx context.Context, p *protocol.TypingRequest) (result, error) {
	actor := c.who()
	return result{}, c.h.messages.SetTyping(ctx, actor, conversationOf(actor, p.ConversationID), p.Typing)
}

// pageView records the page the visitor is on; desk refuses anyone but
// the conversation's own visitor.
func (c *conn) pageView(ctx context.Context, p *protocol.PageView) (result, error) {
	if c.h.pages == nil {
		return result{}, chat.ErrForbidden
	}
	actor := c.who()
	return result{}, c.h.pages.SetPage(ctx, actor, conversationOf(actor, p.ConversationID), p.Path, p.Title)
}

func (c *conn) read(ctx context.Context, p *protocol.ConversationRead) (result, error) {
	actor := c.who()
	return result{}, c.h.messages.MarkRead(ctx, actor, conversationOf(actor, p.ConversationID), p.Seq)
}

// join makes an agent's socket follow a conversation: the ack carries the
// conversation, then the replay after afterSeq follows.
func (c *conn) join(ctx context.Context, p *protocol.ConversationJoin) (result, error) {
	actor := c.who()
	if !actor.IsAgent() {
		return result{}, chat.ErrForbidden
	}
	if err := c.h.messages.AdmitRead(ctx, actor); err != nil {
		return result{}, err
	}
	conv, err := c.h.sessions.ConversationForSession(ctx, actor, p.ConversationID)
	if err != nil {
		return result{}, err
	}
	c.mu.Lock()
	already := c.joined[conv.ID]
	c.mu.Unlock()
	if !already && !c.h.follow(ctx, c, conv.ID, func() {
		c.mu.Lock()
		if c.joined == nil {
			c.joined = map[string]bool{}
		}
		c.joined[conv.ID] = true
		c.mu.Unlock()
	}) {
		return result{}, c.ctx.Err() // the socket is gone
	}
	return result{
		data: protocol.JoinAck{Conversation: conv},
		then: func(ctx context.Context) { c.replay(ctx, actor, conv.ID, p.AfterSeq) },
	}, nil
}

func (c *conn) leave(_ context.Context, p *protocol.ConversationLeave) (result, error) {
	if !c.who().IsAgent() {
		return result{}, chat.ErrForbidden
	}
	c.mu.Lock()
	joined := c.joined[p.ConversationID]
	delete(c.joined, p.ConversationID)
	c.mu.Unlock()
	if joined {
		c.h.mu.Lock()
		c.h.removeFromConv(p.ConversationID, c)
		c.h.mu.Unlock()
		c.h.unref(desk.ConversationTopic(p.ConversationID))
	}
	return result{}, nil
}

// sync replays a conversation the socket may read: the ack, then the
// messages after afterSeq.
func (c *conn) sync(ctx context.Context, p *protocol.Sync) (result, error) {
	actor := c.who()
	convID := conversationOf(actor, p.ConversationID)
	if err := c.h.messages.AdmitRead(ctx, actor); err != nil {
		return result{}, err
	}
	if _, err := c.h.sessions.ConversationForSession(ctx, actor, convID); err != nil {
		return result{}, err
	}
	return result{then: func(ctx context.Context) { c.replay(ctx, actor, convID, p.AfterSeq) }}, nil
}

func (c *conn) agentStatus(ctx context.Context, p *protocol.AgentStatus) (result, error) {
	return result{}, c.h.presence.SetAgentStatus(ctx, c.who(), p.Status)
}

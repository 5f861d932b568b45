package realtime

import (
	"context"
	"encoding/json"
	"runtime/debug"
	"unicode/utf8"

	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// command is a request as parsed, once, from its frame: its id, how it is
// served, and its payload decoded into the type its handler takes.
type command struct {
	id      string
	route   *route
	payload any
}

// route is how one request type is served.
type route struct {
	// opensSession: the request is the hello, the only one allowed before
	// the session is ready, and only then.
	opensSession bool
	// decode reads the payload into its type, or returns the error to
	// answer with.
	decode func(json.RawMessage) (any, error)
	// admit, if set, runs before the request's time starts and says when
	// it may (a hello waits for its turn); release ends the admission.
	admit func(c *conn) (release func(), err error)
	// queued requests are handled off the read loop, in the socket's FIFO
	// for their conversation (message.send, see send.go), and run to their
	// end once started.
	queued bool
	// handle answers the request.
	handle func(ctx context.Context, c *conn, payload any) (result, error)
}

// routes is the dispatch table: every request type of docs/protocol.md.
var routes = map[string]*route{
	protocol.ReqHello:             typed((*conn).hello).opening((*conn).waitHelloTurn, closing(errBadData, protocol.CloseUnauthorized, "bad hello")),
	protocol.ReqMessageSend:       typed((*conn).send).inFIFO(),
	protocol.ReqTyping:            typed((*conn).typing),
	protocol.ReqConversationRead:  typed((*conn).read),
	protocol.ReqConversationJoin:  typed((*conn).join),
	protocol.ReqConversationLeave: typed((*conn).leave),
	protocol.ReqSync:              typed((*conn).sync),
	protocol.ReqAgentStatus:       typed((*conn).agentStatus),
	protocol.ReqNoteSend:          typed((*conn).note),
	protocol.ReqTakeoverRequest:   typed((*conn).takeoverRequest),
	protocol.ReqTakeoverAccept:    takeoverStep(Takeovers.AcceptTakeover),
	protocol.ReqTakeoverDecline:   takeoverStep(Takeovers.DeclineTakeover),
	protocol.ReqTakeoverCancel:    takeoverStep(Takeovers.CancelTakeover),
	protocol.ReqTakeoverForce:     takeoverStep(Takeovers.ForceTakeover),
	protocol.ReqPageView:          typed((*conn).pageView),
}

// typed makes the route of a handler that takes a payload of type T,
// decoded strictly (protocol.DecodeData).
func typed[T any](fn func(c *conn, ctx context.Context, p *T) (result, error)) *route {
	return &route{
		decode: func(raw json.RawMessage) (any, error) {
			p := new(T)
			if err := protocol.DecodeData(raw, p); err != nil {
				return nil, errBadData
			}
			return p, nil
		},
		handle: func(ctx context.Context, c *conn, p any) (result, error) { return fn(c, ctx, p.(*T)) },
	}
}

// opening marks the hello's route: admitted by admit, and a payload that
// does not decode is answered with badData.
func (r *route) opening(admit func(*conn) (func(), error), badData error) *route {
	decode := r.decode
	r.opensSession, r.admit = true, admit
	r.decode = func(raw json.RawMessage) (any, error) {
		p, err := decode(raw)
		if err != nil {
			return nil, badData
		}
		return p, nil
	}
	return r
}

func (r *route) inFIFO() *route {
	r.queued = true
	return r
}

var (
	errBadData        = &chat.Error{Code: chat.EINVALID, Message: "Dữ liệu gửi lên không hợp lệ."}
	errUnknownRequest = &chat.Error{Code: chat.EINVALID, Message: "Loại yêu cầu không được hỗ trợ."}
	errAlreadyReady   = &chat.Error{Code: chat.EINVALID, Message: "Kết nối đã được xác thực."}
)

// onMessage handles one text frame. Frames of a socket are handled in
// order, so two messages sent in a row get increasing seqs.
//
// The handling runs on a short-lived goroutine while the read loop waits:
// a hello (JSON, Redis, MongoDB calls) would otherwise grow the read loop's
// stack to 8–16 KB, kept for the socket's lifetime although the loop itself
// needs a few hundred bytes. A panic closes the socket, not the node (the
// read loop no longer runs under net/http's recovery, see ServeHTTP).
func (h *Hub) onMessage(s *melody.Session, raw []byte) {
	c := h.connOf(s)
	if c == nil || c.closing.Load() {
		return
	}
	if !utf8.Valid(raw) { // RFC 6455 §8.1: a text frame is UTF-8
		c.close(protocol.CloseInvalidPayload, "invalid UTF-8")
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer c.recoverPanic()
		c.dispatch(raw)
	}()
	<-done
}

// onBinary refuses binary frames: the protocol is JSON in text frames.
func (h *Hub) onBinary(s *melody.Session, _ []byte) {
	if c := h.connOf(s); c != nil && !c.closing.Load() {
		c.close(protocol.CloseUnsupportedData, "binary frames are not supported")
	}
}

// recoverPanic, deferred, closes the socket whose handling panicked.
func (c *conn) recoverPanic() {
	if p := recover(); p != nil {
		c.h.log.Error("websocket handler panic", "panic", p, "stack", string(debug.Stack()))
		c.close(protocol.CloseInternalError, "internal error")
	}
}

// dispatch parses a frame into a command and serves it. Every way out
// answers a request exactly once, through reply: with the command's
// result, or with the error that stopped it (which carries the frame's id
// whenever the frame had one, see protocol.DecodeFrame).
func (c *conn) dispatch(raw []byte) {
	in, err := protocol.DecodeFrame(raw)
	if err != nil {
		c.reply(in.ID, result{}, errBadData)
		return
	}
	r := routes[in.Type]
	ready := c.ready()
	switch {
	case !ready && (r == nil || !r.opensSession):
		c.reply(in.ID, result{}, closing(chat.ErrUnauthorized, protocol.CloseUnauthorized, "hello first"))
		return
	case r == nil:
		c.reply(in.ID, result{}, errUnknownRequest)
		return
	case ready && r.opensSession:
		c.reply(in.ID, result{}, errAlreadyReady)
		return
	}
	p, err := r.decode(in.Data)
	if err != nil {
		c.reply(in.ID, result{}, err)
		return
	}
	cmd := command{id: in.ID, route: r, payload: p}
	if r.queued {
		c.enqueue(cmd)
		return
	}
	c.execute(cmd)
}

// execute runs a command on a context derived from the socket's, bounded
// by the request timeout, replies, then runs what follows the reply. A
// queued command (a send) that has started runs to its end even if the
// socket closes meanwhile: its write may be in the batcher already, and
// cancelling it would give its seq back while the message is still
// stored (the client's resend with the same clientId finds it).
func (c *conn) execute(cmd command) {
	if c.ctx.Err() != nil {
		return // the socket is gone: nobody to answer
	}
	if cmd.route.admit != nil {
		release, err := cmd.route.admit(c)
		if err != nil {
			c.reply(cmd.id, result{}, err)
			return
		}
		defer release()
	}
	parent := c.ctx
	if cmd.route.queued {
		parent = context.WithoutCancel(c.ctx)
	}
	ctx, cancel := context.WithTimeout(parent, c.h.cfg.RequestTimeout)
	defer cancel()
	res, err := cmd.route.handle(ctx, c, cmd.payload)
	c.reply(cmd.id, res, err)
	if err == nil && res.then != nil {
		res.then(ctx)
	}
}

// Package wsclient is the Go client of the chatdesk WebSocket protocol
// (docs/protocol.md, names and payloads from internal/protocol), and the
// one WebSocket client of the Go test harnesses.
//
// Client is the protocol as the widget speaks it: hello with the last
// gap-free seq, reconnect with exponential backoff and full jitter, replay
// on resume, resync on request, and sends retried with the same clientId
// until acknowledged. Conn is one socket in raw mode, for protocol-level
// tests: any frame out, every frame recorded, the close code observed.
// Inbox records frames and waits for one matching a predicate, with an
// error that lists what did arrive.
package wsclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Frame is one frame as received, its data not yet decoded.
type Frame = protocol.Inbound

// ServerError is the data of an error reply.
type ServerError protocol.Error

func (e *ServerError) Error() string { return e.Code + ": " + e.Message }

// Options configure a client.
type Options struct {
	URL   string // ws://host:port/ws
	Token string
	// BaseDelay and MaxDelay shape the reconnect backoff:
	// random(0, min(MaxDelay, BaseDelay·2^attempt)).
	BaseDelay, MaxDelay time.Duration
	// OnEvent receives every pushed frame other than messages (typing,
	// presence, conversation updates...). It must not block.
	OnEvent func(Frame)
	// OnMessage is told about each message the first time it is seen.
	OnMessage func(*chat.Message)
	// Dialer lets load tests pick a source address.
	Dialer *websocket.Dialer
	Header http.Header
}

// Client is one logical connection that survives reconnects.
type Client struct {
	opt Options

	mu         sync.Mutex
	conn       *websocket.Conn
	connected  chan struct{} // closed while a session is ready
	convs      map[string]*convState
	waiting    map[string]chan Frame
	ready      Frame
	role       string
	visitorOf  string
	nextID     int
	reconnects int
	closed     bool

	writeMu sync.Mutex
	done    chan struct{}
	fatal   error
}

type convState struct {
	msgs       map[int64]*chat.Message
	contiguous int64
	joined     bool
}

// ErrClosed is returned after Close.
var ErrClosed = errors.New("wsclient: closed")

// Dial connects and completes the hello; then the client keeps itself
// connected until Close or until the server refuses its token.
func Dial(ctx context.Context, opt Options) (*Client, error) {
	if opt.BaseDelay == 0 {
		opt.BaseDelay = 500 * time.Millisecond
	}
	if opt.MaxDelay == 0 {
		opt.MaxDelay = 30 * time.Second
	}
	if opt.Dialer == nil {
		opt.Dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	}
	c := &Client{opt: opt, connected: make(chan struct{}), convs: map[string]*convState{}, waiting: map[string]chan Frame{}, done: make(chan struct{})}
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	go c.loop()
	return c, nil
}

// Ready returns the session.ready frame of the current session.
func (c *Client) Ready() Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ready
}

// Reconnects counts successful reconnections.
func (c *Client) Reconnects() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reconnects
}

func (c *Client) connect(ctx context.Context) error {
	conn, _, err := c.opt.Dialer.DialContext(ctx, c.opt.URL, c.opt.Header)
	if err != nil {
		return err
	}
	conn.SetReadLimit(1 << 20)
	c.mu.Lock()
	c.conn = conn
	lastSeq := int64(0)
	if c.visitorOf != "" {
		lastSeq = c.convs[c.visitorOf].contiguous
	}
	c.mu.Unlock()
	readerDone := make(chan error, 1)
	helloID := c.newID()
	reply := c.expect(helloID)
	go func() { readerDone <- c.read(conn) }()
	if err := c.write(conn, protocol.ReqHello, helloID, protocol.Hello{Token: c.opt.Token, LastSeq: lastSeq}); err != nil {
		conn.Close()
		return err
	}
	var f Frame
	select {
	case f = <-reply:
	case err := <-readerDone:
		return fmt.Errorf("connection closed during hello: %w", err)
	case <-ctx.Done():
		conn.Close()
		return ctx.Err()
	}
	if f.Type == protocol.EvtError {
		conn.Close()
		return serverError(f)
	}
	var rd protocol.SessionReady
	_ = json.Unmarshal(f.Data, &rd)
	c.mu.Lock()
	c.ready, c.role = f, rd.Role
	if rd.Conversation != nil {
		c.visitorOf = rd.Conversation.ID
		c.state(rd.Conversation.ID)
	}
	var rejoin []string
	for id, st := range c.convs {
		if st.joined {
			rejoin = append(rejoin, id)
		}
	}
	close(c.connected)
	c.mu.Unlock()
	go func() {
		err := <-readerDone
		c.onDisconnect(conn, err)
	}()
	for _, id := range rejoin {
		go func(id string) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _ = c.request(ctx, conn, protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: id, AfterSeq: c.Contiguous(id)})
		}(id)
	}
	return nil
}

// state must be called with c.mu held.
func (c *Client) state(id string) *convState {
	st := c.convs[id]
	if st == nil {
		st = &convState{msgs: map[int64]*chat.Message{}}
		c.convs[id] = st
	}
	return st
}

func (c *Client) onDisconnect(conn *websocket.Conn, _ error) {
	c.mu.Lock()
	if c.conn == conn {
		c.conn = nil
		select {
		case <-c.connected:
			c.connected = make(chan struct{})
		default:
		}
	}
	for id, ch := range c.waiting {
		close(ch) // callers retry on the next session
		delete(c.waiting, id)
	}
	c.mu.Unlock()
}

// loop reconnects whenever the connection drops.
func (c *Client) loop() {
	attempt := 0
	for {
		c.mu.Lock()
		connected, closed, fatal := c.connected, c.closed, c.fatal
		c.mu.Unlock()
		if closed || fatal != nil {
			close(c.done)
			return
		}
		select {
		case <-connected:
			// wait for the disconnect
			c.waitDisconnect()
			attempt = 0
			continue
		default:
		}
		delay := c.backoff(attempt)
		attempt++
		time.Sleep(delay)
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err := c.connect(ctx)
		cancel()
		var se *ServerError
		if errors.As(err, &se) && (se.Code == chat.EUNAUTHORIZED || se.Code == chat.EDISABLED) {
			c.mu.Lock()
			c.fatal = err
			c.mu.Unlock()
			continue
		}
		if err == nil {
			c.mu.Lock()
			c.reconnects++
			c.mu.Unlock()
		}
	}
}

func (c *Client) waitDisconnect() {
	for {
		c.mu.Lock()
		conn, closed := c.conn, c.closed
		c.mu.Unlock()
		if conn == nil || closed {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *Client) backoff(attempt int) time.Duration {
	ceil := float64(c.opt.BaseDelay) * math.Pow(2, float64(attempt))
	if ceil > float64(c.opt.MaxDelay) {
		ceil = float64(c.opt.MaxDelay)
	}
	return time.Duration(mrand.Float64() * ceil)
}

func (c *Client) read(conn *websocket.Conn) error {
	for {
		_, raw, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		var f Frame
		if json.Unmarshal(raw, &f) != nil {
			continue
		}
		c.dispatch(conn, f)
	}
}

func (c *Client) dispatch(conn *websocket.Conn, f Frame) {
	if f.ID != "" {
		c.mu.Lock()
		ch := c.waiting[f.ID]
		delete(c.waiting, f.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- f
		}
		return
	}
	switch f.Type {
	case protocol.EvtMessageCreated:
		var d protocol.MessageCreated
		if json.Unmarshal(f.Data, &d) == nil && d.Message != nil {
			c.record(d.Message)
		}
		return
	case protocol.EvtSessionResync:
		c.mu.Lock()
		var ids []string
		for id, st := range c.convs {
			if st.joined || id == c.visitorOf {
				ids = append(ids, id)
			}
		}
		c.mu.Unlock()
		for _, id := range ids {
			go func(id string) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_, _ = c.request(ctx, conn, protocol.ReqSync, protocol.Sync{ConversationID: id, AfterSeq: c.Contiguous(id)})
			}(id)
		}
	case protocol.EvtServerDraining:
		// Reconnect elsewhere promptly; the server closes us anyway.
		go func() { time.Sleep(time.Duration(mrand.Int64N(int64(200 * time.Millisecond)))); conn.Close() }()
	}
	if c.opt.OnEvent != nil {
		c.opt.OnEvent(f)
	}
}

func (c *Client) record(m *chat.Message) {
	c.mu.Lock()
	st := c.state(m.ConversationID)
	_, seen := st.msgs[m.Seq]
	if !seen {
		st.msgs[m.Seq] = m
		for st.msgs[st.contiguous+1] != nil {
			st.contiguous++
		}
	}
	c.mu.Unlock()
	if !seen && c.opt.OnMessage != nil {
		c.opt.OnMessage(m)
	}
}

// serverError decodes an error frame.
func serverError(f Frame) *ServerError {
	se := &ServerError{}
	_ = json.Unmarshal(f.Data, se)
	return se
}

func (c *Client) newID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	return fmt.Sprintf("q%d", c.nextID)
}

func (c *Client) expect(id string) chan Frame {
	ch := make(chan Frame, 1)
	c.mu.Lock()
	c.waiting[id] = ch
	c.mu.Unlock()
	return ch
}

func (c *Client) write(conn *websocket.Conn, typ, id string, data any) error {
	b, err := json.Marshal(protocol.Envelope{Type: typ, ID: id, Data: data})
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return conn.WriteMessage(websocket.TextMessage, b)
}

// errDisconnected means the session ended before the reply arrived.
var errDisconnected = errors.New("wsclient: disconnected")

func (c *Client) request(ctx context.Context, conn *websocket.Conn, typ string, data any) (Frame, error) {
	id := c.newID()
	ch := c.expect(id)
	if err := c.write(conn, typ, id, data); err != nil {
		return Frame{}, errDisconnected
	}
	select {
	case f, ok := <-ch:
		if !ok {
			return Frame{}, errDisconnected
		}
		if f.Type == protocol.EvtError {
			return f, serverError(f)
		}
		return f, nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
		return Frame{}, ctx.Err()
	}
}

// current waits for a ready session.
func (c *Client) current(ctx context.Context) (*websocket.Conn, error) {
	for {
		c.mu.Lock()
		connected, conn, closed, fatal := c.connected, c.conn, c.closed, c.fatal
		c.mu.Unlock()
		if closed {
			return nil, ErrClosed
		}
		if fatal != nil {
			return nil, fatal
		}
		select {
		case <-connected:
			if conn != nil {
				return conn, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Request sends one request on the current session (no retry).
func (c *Client) Request(ctx context.Context, typ string, data any) (Frame, error) {
	conn, err := c.current(ctx)
	if err != nil {
		return Frame{}, err
	}
	return c.request(ctx, conn, typ, data)
}

// Send stores a message and returns it once acknowledged, retrying across
// reconnects and "unavailable" answers with the same clientId, so it is
// stored exactly once. conversationID may be "" for visitors.
func (c *Client) Send(ctx context.Context, conversationID, text string) (*chat.Message, error) {
	return c.SendWithID(ctx, conversationID, NewClientID(), text)
}

// SendWithID is Send with a caller-chosen clientId.
func (c *Client) SendWithID(ctx context.Context, conversationID, clientID, text string) (*chat.Message, error) {
	attempt := 0
	for {
		f, err := c.Request(ctx, protocol.ReqMessageSend, protocol.MessageSend{ConversationID: conversationID, ClientID: clientID, Text: text})
		var se *ServerError
		switch {
		case err == nil:
			var d protocol.MessageCreated
			if err := json.Unmarshal(f.Data, &d); err != nil || d.Message == nil {
				return nil, fmt.Errorf("bad ack %s", f.Data)
			}
			c.record(d.Message)
			return d.Message, nil
		case errors.Is(err, errDisconnected), errors.As(err, &se) && se.Code == chat.EUNAVAILABLE:
			select {
			case <-time.After(c.backoff(attempt)):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			attempt++
		default:
			return nil, err
		}
	}
}

// Join follows a conversation (agents) and replays what is missing.
func (c *Client) Join(ctx context.Context, conversationID string) error {
	c.mu.Lock()
	c.state(conversationID).joined = true
	c.mu.Unlock()
	_, err := c.Request(ctx, protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: conversationID, AfterSeq: c.Contiguous(conversationID)})
	return err
}

// Contiguous is the highest seq held with no gap before it.
func (c *Client) Contiguous(conversationID string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.convs[conversationID]; st != nil {
		return st.contiguous
	}
	return 0
}

// Messages returns the messages held for a conversation, by seq.
func (c *Client) Messages(conversationID string) []*chat.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.convs[conversationID]
	if st == nil {
		return nil
	}
	out := make([]*chat.Message, 0, len(st.msgs))
	for _, m := range st.msgs {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// ConversationID is the visitor's conversation ("" for agents).
func (c *Client) ConversationID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.visitorOf
}

// Drop closes the current socket abruptly (tests); the client reconnects.
func (c *Client) Drop() {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// Close ends the client for good.
func (c *Client) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	select {
	case <-c.done:
	case <-time.After(time.Second):
	}
}

// NewClientID returns a random client message id.
func NewClientID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "c" + hex.EncodeToString(b)
}

// LocalDialer returns a dialer binding to a source address (load tests
// spread clients over 127.0.0.x to get past the per-address port limit).
func LocalDialer(src string) *websocket.Dialer {
	return &websocket.Dialer{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		NetDialContext:   (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}).DialContext,
	}
}

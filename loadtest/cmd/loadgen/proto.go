package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/chatdesk/chatdesk/internal/protocol"
)

// delivery is one chat message seen by a connection.
type delivery struct {
	Conv     string
	ClientID string
	From     string // "visitor" | "agent" | "system"
	Text     string
	Seq      int64
}

// ackResult answers one send.
type ackResult struct {
	Err string
	Seq int64
}

// conn is one WebSocket of the generator, speaking either the chatdesk
// protocol (docs/protocol.md) or Socket.IO v4 over a raw WebSocket (the
// baseline). Reads run in their own goroutine; onMessage and onAck are called
// from it and must not block.
type conn struct {
	ws      *websocket.Conn
	sio     bool
	role    string // "visitor" | "agent"
	writeMu sync.Mutex

	mu      sync.Mutex
	nextID  int
	pending map[string]func(ackResult)
	frames  map[string]chan json.RawMessage // chatdesk replies awaited synchronously
	// onMessage receives message.created / "message" events.
	onMessage func(*conn, delivery)
	closed    chan struct{}
	readErr   error
	// out feeds the writer goroutine of asynchronous sends, so a socket
	// the server stops reading never stalls the pacer (no coordinated
	// omission across connections): a full queue is a send error.
	out      chan []byte
	outStart sync.Once
}

// errBackpressure: the connection's send queue is full.
var errBackpressure = errors.New("send queue full (server not reading)")

// enqueue writes b asynchronously.
func (c *conn) enqueue(b []byte) error {
	c.outStart.Do(func() {
		c.out = make(chan []byte, 4096)
		go func() {
			for b := range c.out {
				if c.writeRaw(b) != nil {
					c.Close()
					for range c.out { // drop the rest; pending acks fail on close
					}
					return
				}
			}
		}()
	})
	select {
	case <-c.closed:
		return errors.New("connection closed")
	default:
	}
	select {
	case c.out <- b:
		return nil
	default:
		return errBackpressure
	}
}

func dialer(src string, timeout time.Duration) *websocket.Dialer {
	d := &websocket.Dialer{HandshakeTimeout: timeout, ReadBufferSize: 2048, WriteBufferSize: 2048}
	nd := &net.Dialer{Timeout: timeout}
	if src != "" {
		nd.LocalAddr = &net.TCPAddr{IP: net.ParseIP(src)}
		// Binding a source address with port 0 makes bind() search the
		// ephemeral ports among every bound socket: with 10,000 sockets the
		// generator spent 75 % of its CPU there (reconnect storm profile).
		// IP_BIND_ADDRESS_NO_PORT leaves the port to connect(), which
		// picks it per destination, quickly.
		nd.Control = func(_, _ string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) {
				_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
			})
		}
	}
	d.NetDialContext = nd.DialContext
	return d
}

const ipBindAddressNoPort = 24 // linux/in.h IP_BIND_ADDRESS_NO_PORT

func newConn(ws *websocket.Conn, sio bool, role string, onMessage func(*conn, delivery)) *conn {
	c := &conn{ws: ws, sio: sio, role: role, pending: map[string]func(ackResult){}, frames: map[string]chan json.RawMessage{}, onMessage: onMessage, closed: make(chan struct{})}
	ws.SetReadLimit(4 << 20)
	return c
}

func (c *conn) id() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	return strconv.Itoa(c.nextID)
}

func (c *conn) writeRaw(b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *conn) Close() { _ = c.ws.Close() }

// ---- chatdesk protocol (names and payloads from internal/protocol) ----

// wireMessage is the part of a message.created's message (chat.Message in
// protocol.MessageCreated) the generator reads: decoding whole messages
// (times, attachments) would take CPU the generator needs to keep pace.
type wireMessage struct {
	ConversationID string `json:"conversationId"`
	Seq            int64  `json:"seq"`
	ClientID       string `json:"clientId"`
	SenderType     string `json:"senderType"`
	Text           string `json:"text"`
}

// dialChatdesk opens /ws and completes hello; it returns once session.ready
// (and, for visitors, replay.done) arrived.
func dialChatdesk(ctx context.Context, wsURL, src, token, role string, onMessage func(*conn, delivery)) (*conn, error) {
	ws, _, err := dialer(src, 15*time.Second).DialContext(ctx, wsURL, nil)
	if err != nil {
		return nil, err
	}
	c := newConn(ws, false, role, onMessage)
	replayed := make(chan struct{}, 1)
	go c.readChatdesk(replayed)
	reply, err := c.request(ctx, protocol.ReqHello, protocol.Hello{Token: token})
	if err != nil {
		c.Close()
		return nil, err
	}
	_ = reply
	if role == "visitor" {
		select {
		case <-replayed:
		case <-c.closed:
			return nil, fmt.Errorf("closed before replay.done: %v", c.readErr)
		case <-ctx.Done():
			c.Close()
			return nil, ctx.Err()
		}
	}
	return c, nil
}

// request sends a chatdesk request and waits for its reply.
func (c *conn) request(ctx context.Context, typ string, data any) (json.RawMessage, error) {
	id := c.id()
	ch := make(chan json.RawMessage, 1)
	errCh := make(chan string, 1)
	c.mu.Lock()
	c.frames[id] = ch
	c.pending[id] = func(r ackResult) { errCh <- r.Err }
	c.mu.Unlock()
	b, _ := json.Marshal(protocol.Envelope{Type: typ, ID: id, Data: data})
	if err := c.writeRaw(b); err != nil {
		return nil, err
	}
	select {
	case d := <-ch:
		return d, nil
	case e := <-errCh:
		return nil, errors.New(e)
	case <-c.closed:
		return nil, fmt.Errorf("connection closed: %v", c.readErr)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// sendChatdesk sends message.send without waiting; cb gets the ack.
func (c *conn) sendChatdesk(conv, clientID, text string, cb func(ackResult)) error {
	id := c.id()
	c.mu.Lock()
	c.pending[id] = cb
	c.mu.Unlock()
	data := protocol.MessageSend{ClientID: clientID, Text: text}
	if c.role == "agent" {
		data.ConversationID = conv // a visitor's token names theirs
	}
	b, _ := json.Marshal(protocol.Envelope{Type: protocol.ReqMessageSend, ID: id, Data: data})
	if err := c.enqueue(b); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return err
	}
	return nil
}

func (c *conn) readChatdesk(replayed chan struct{}) {
	defer close(c.closed)
	for {
		_, raw, err := c.ws.ReadMessage()
		if err != nil {
			c.readErr = err
			c.failPending(err)
			return
		}
		var f protocol.Inbound
		if json.Unmarshal(raw, &f) != nil {
			continue
		}
		switch f.Type {
		case protocol.EvtMessageCreated:
			var d struct {
				Message wireMessage `json:"message"`
			}
			if json.Unmarshal(f.Data, &d) == nil && c.onMessage != nil {
				m := d.Message
				c.onMessage(c, delivery{Conv: m.ConversationID, ClientID: m.ClientID, From: m.SenderType, Text: m.Text, Seq: m.Seq})
			}
			continue
		case protocol.EvtReplayDone:
			select {
			case replayed <- struct{}{}:
			default:
			}
			continue
		}
		if f.ID == "" {
			continue
		}
		c.mu.Lock()
		ch, cb := c.frames[f.ID], c.pending[f.ID]
		delete(c.frames, f.ID)
		delete(c.pending, f.ID)
		c.mu.Unlock()
		if f.Type == protocol.EvtError {
			var e protocol.Error
			_ = json.Unmarshal(f.Data, &e)
			if cb != nil {
				cb(ackResult{Err: "error " + e.Code})
			}
			continue
		}
		if ch != nil {
			ch <- f.Data
			continue
		}
		if cb != nil {
			var d struct {
				Message wireMessage `json:"message"`
			}
			_ = json.Unmarshal(f.Data, &d)
			cb(ackResult{Seq: d.Message.Seq})
		}
	}
}

func (c *conn) failPending(err error) {
	c.mu.Lock()
	cbs := c.pending
	c.pending = map[string]func(ackResult){}
	c.mu.Unlock()
	for _, cb := range cbs {
		cb(ackResult{Err: "closed: " + err.Error()})
	}
}

// ---- Socket.IO v4 (Engine.IO v4, websocket transport only) ----

// dialSIO connects to the baseline at base (http://host:port), joining rooms.
func dialSIO(ctx context.Context, base, src, role string, rooms []string, onMessage func(*conn, delivery)) (*conn, error) {
	u := "ws" + strings.TrimPrefix(base, "http") + "/socket.io/?EIO=4&transport=websocket"
	ws, _, err := dialer(src, 15*time.Second).DialContext(ctx, u, nil)
	if err != nil {
		return nil, err
	}
	c := newConn(ws, true, role, onMessage)
	_ = ws.SetReadDeadline(time.Now().Add(15 * time.Second))
	_, open, err := ws.ReadMessage() // 0{"sid":...}
	if err != nil || len(open) == 0 || open[0] != '0' {
		ws.Close()
		return nil, fmt.Errorf("engine.io open: %v %q", err, open)
	}
	auth, _ := json.Marshal(map[string]any{"rooms": rooms})
	if err := c.writeRaw(append([]byte("40"), auth...)); err != nil {
		ws.Close()
		return nil, err
	}
	_, ok, err := ws.ReadMessage() // 40{"sid":...}
	if err != nil || !strings.HasPrefix(string(ok), "40") {
		ws.Close()
		return nil, fmt.Errorf("socket.io connect: %v %q", err, ok)
	}
	_ = ws.SetReadDeadline(time.Time{})
	go c.readSIO()
	return c, nil
}

type sioMessage struct {
	Room     string `json:"room"`
	ClientID string `json:"clientId"`
	From     string `json:"from"`
	Text     string `json:"text"`
}

func (c *conn) sendSIO(room, clientID, text string, cb func(ackResult)) error {
	id := c.id()
	c.mu.Lock()
	c.pending[id] = cb
	c.mu.Unlock()
	b, _ := json.Marshal([]any{"send", sioMessage{Room: room, ClientID: clientID, From: c.role, Text: text}})
	if err := c.enqueue(append([]byte("42"+id), b...)); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return err
	}
	return nil
}

func (c *conn) readSIO() {
	defer close(c.closed)
	for {
		_, raw, err := c.ws.ReadMessage()
		if err != nil {
			c.readErr = err
			c.failPending(err)
			return
		}
		s := string(raw)
		switch {
		case s == "2": // engine.io ping
			_ = c.writeRaw([]byte("3"))
		case strings.HasPrefix(s, "42"): // event
			var ev []json.RawMessage
			if json.Unmarshal(raw[2:], &ev) != nil || len(ev) < 2 {
				continue
			}
			var m sioMessage
			if json.Unmarshal(ev[1], &m) == nil && c.onMessage != nil {
				c.onMessage(c, delivery{Conv: m.Room, ClientID: m.ClientID, From: m.From, Text: m.Text})
			}
		case strings.HasPrefix(s, "43"): // ack: 43<id>[...]
			i := 2
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			id := s[2:i]
			var args []struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
			}
			_ = json.Unmarshal(raw[i:], &args)
			c.mu.Lock()
			cb := c.pending[id]
			delete(c.pending, id)
			c.mu.Unlock()
			if cb != nil {
				r := ackResult{}
				if len(args) == 0 || !args[0].OK {
					r.Err = "nack"
					if len(args) > 0 {
						r.Err += " " + args[0].Error
					}
				}
				cb(r)
			}
		}
	}
}

// send dispatches on the protocol.
func (c *conn) send(conv, clientID, text string, cb func(ackResult)) error {
	if c.sio {
		return c.sendSIO(conv, clientID, text, cb)
	}
	return c.sendChatdesk(conv, clientID, text, cb)
}

package wsclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Conn is one WebSocket in raw mode, for protocol-level tests: no hello of
// its own, no reconnection, no interpretation of what arrives. It writes
// any frame (well-formed or not, text or binary), records every frame it
// receives in its Inbox, and reports the close code the server sent.
type Conn struct {
	ws      *websocket.Conn
	writeMu sync.Mutex
	inbox   *Inbox
	paused  chan struct{} // closed when reading starts
	once    sync.Once
	closed  chan struct{}

	mu        sync.Mutex
	closeCode int
	closeText string
	nextID    int
}

// ConnOptions configure DialConn.
type ConnOptions struct {
	Header http.Header
	// NetDialContext, if set, opens the TCP connection (a test can shrink
	// its receive buffer to make a slow reader).
	NetDialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Paused leaves the socket unread until Resume: the server's frames
	// pile up in the kernel's buffers, as with a client that stopped
	// reading.
	Paused bool
}

// HandshakeError is an upgrade the server refused with an HTTP status.
type HandshakeError struct {
	Status int
	Err    error
}

func (e *HandshakeError) Error() string {
	return fmt.Sprintf("websocket handshake refused: HTTP %d: %v", e.Status, e.Err)
}

func (e *HandshakeError) Unwrap() error { return e.Err }

// DialConn opens a raw connection to url (ws://host:port/ws).
func DialConn(ctx context.Context, url string, opt ConnOptions) (*Conn, error) {
	d := &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024, NetDialContext: opt.NetDialContext}
	ws, resp, err := d.DialContext(ctx, url, opt.Header)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
			return nil, &HandshakeError{Status: resp.StatusCode, Err: err}
		}
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	c := &Conn{ws: ws, inbox: NewInbox(), paused: make(chan struct{}), closed: make(chan struct{})}
	go c.read()
	if !opt.Paused {
		c.Resume()
	}
	return c, nil
}

// Resume starts reading a connection dialled Paused.
func (c *Conn) Resume() { c.once.Do(func() { close(c.paused) }) }

func (c *Conn) read() {
	defer close(c.closed)
	<-c.paused
	for {
		_, raw, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				c.mu.Lock()
				c.closeCode, c.closeText = ce.Code, ce.Text
				c.mu.Unlock()
				err = fmt.Errorf("closed by the server with %d %q", ce.Code, ce.Text)
			}
			c.inbox.End(err)
			return
		}
		var f Frame
		if json.Unmarshal(raw, &f) != nil {
			f = Frame{Type: "<not json: " + strconv.Quote(string(raw)) + ">"}
		}
		c.inbox.Push(f)
	}
}

// Inbox holds the frames received and not yet taken.
func (c *Conn) Inbox() *Inbox { return c.inbox }

// WriteFrame writes an envelope {type, id, data}.
func (c *Conn) WriteFrame(typ, id string, data any) error {
	b, err := json.Marshal(protocol.Envelope{Type: typ, ID: id, Data: data})
	if err != nil {
		return err
	}
	return c.WriteText(b)
}

// WriteText writes b as one text frame, whatever it holds.
func (c *Conn) WriteText(b []byte) error { return c.write(websocket.TextMessage, b) }

// WriteBinary writes b as one binary frame.
func (c *Conn) WriteBinary(b []byte) error { return c.write(websocket.BinaryMessage, b) }

func (c *Conn) write(kind int, b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(kind, b)
}

// NewID returns a request id not used before on this connection.
func (c *Conn) NewID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	return "r" + strconv.Itoa(c.nextID)
}

// Request writes a request with a fresh id and returns the frame that
// answers it — an error frame is a reply like any other here.
func (c *Conn) Request(ctx context.Context, typ string, data any) (Frame, error) {
	id := c.NewID()
	if err := c.WriteFrame(typ, id, data); err != nil {
		return Frame{}, err
	}
	f, err := c.inbox.WaitFor(ctx, func(f Frame) bool { return f.ID == id })
	if err != nil {
		return Frame{}, fmt.Errorf("%s#%s: %w", typ, id, err)
	}
	return f, nil
}

// WaitFor returns the first received frame matching pred (see
// Inbox.WaitFor); its error lists the frames that did arrive.
func (c *Conn) WaitFor(ctx context.Context, pred func(Frame) bool) (Frame, error) {
	return c.inbox.WaitFor(ctx, pred)
}

// Closed is closed once the connection is: by the server, by Close, or
// by a network error.
func (c *Conn) Closed() <-chan struct{} { return c.closed }

// CloseCode is the status of the server's close frame (0 if none came);
// final once Closed is.
func (c *Conn) CloseCode() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeCode
}

// Close closes the connection abruptly (no close frame) and waits for its
// reader to end.
func (c *Conn) Close() error {
	err := c.ws.Close()
	c.Resume()
	<-c.closed
	return err
}

// Package clienttest gives the Go test harnesses their clients, each
// failing the test on any error: a WebSocket connection in raw mode (on
// wsclient.Conn) and the REST API. internal/server's tests, test/cluster
// and internal/realtime's tests share them.
package clienttest

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// Frame is a received frame.
type Frame = wsclient.Frame

// Wait bounds every wait for a frame.
const Wait = 10 * time.Second

// Conn is a raw WebSocket connection (wsclient.Conn) bound to a test.
type Conn struct {
	t  testing.TB
	ws *wsclient.Conn
}

// WSURL turns an http:// base into its WebSocket endpoint.
func WSURL(base string) string { return "ws" + strings.TrimPrefix(base, "http") + "/ws" }

// Dial opens a raw connection to url; it is closed when the test ends.
func Dial(t testing.TB, url string, opt wsclient.ConnOptions) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	ws, err := wsclient.DialConn(ctx, url, opt)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return &Conn{t: t, ws: ws}
}

// DialHello dials url and completes a hello; it returns the session.ready.
func DialHello(t testing.TB, url, token string, lastSeq int64) (*Conn, Frame) {
	t.Helper()
	c := Dial(t, url, wsclient.ConnOptions{})
	ready := c.Request(protocol.ReqHello, protocol.Hello{Token: token, LastSeq: lastSeq})
	if ready.Type != protocol.EvtSessionReady {
		t.Fatalf("hello answered %s %s", ready.Type, ready.Data)
	}
	return c, ready
}

// Raw is the underlying connection.
func (c *Conn) Raw() *wsclient.Conn { return c.ws }

// Request sends a request with a fresh id and returns its reply (an error
// frame included).
func (c *Conn) Request(typ string, data any) Frame {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	f, err := c.ws.Request(ctx, typ, data)
	if err != nil {
		c.t.Fatalf("request %s: %v", typ, err)
	}
	return f
}

// Send writes a frame {type, id, data} without waiting for anything.
func (c *Conn) Send(typ, id string, data any) {
	c.t.Helper()
	if err := c.ws.WriteFrame(typ, id, data); err != nil {
		c.t.Fatalf("write %s: %v", typ, err)
	}
}

// TrySend is Send for tests in which the server may legitimately close the
// connection mid-write: it returns the write error.
func (c *Conn) TrySend(typ, id string, data any) error { return c.ws.WriteFrame(typ, id, data) }

// WriteText writes b as a text frame, whatever it holds.
func (c *Conn) WriteText(b []byte) {
	c.t.Helper()
	if err := c.ws.WriteText(b); err != nil {
		c.t.Fatalf("write text: %v", err)
	}
}

// WriteBinary writes b as a binary frame.
func (c *Conn) WriteBinary(b []byte) {
	c.t.Helper()
	if err := c.ws.WriteBinary(b); err != nil {
		c.t.Fatalf("write binary: %v", err)
	}
}

// WaitFor returns the first received frame matching pred and consumes it
// (the frames before it stay). The failure names what was awaited and
// lists the last frames that did arrive.
func (c *Conn) WaitFor(pred func(Frame) bool, what string) Frame {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	f, err := c.ws.WaitFor(ctx, pred)
	if err != nil {
		c.t.Fatalf("waiting for %s: %v", what, err)
	}
	return f
}

// WaitType is WaitFor of the first frame of a type.
func (c *Conn) WaitType(typ string) Frame {
	c.t.Helper()
	return c.WaitFor(func(f Frame) bool { return f.Type == typ }, typ)
}

// MessagesUntilReplayDone collects the messages received up to
// replay.done as a client keeps them: one copy of each, ordered by seq. A
// live event may interleave with the replay (docs/protocol.md): a message
// published just before the socket subscribed can arrive live, ahead of
// its replayed copy.
func (c *Conn) MessagesUntilReplayDone() []*chat.Message {
	c.t.Helper()
	var out []*chat.Message
	seen := map[string]bool{}
	for {
		f := c.WaitFor(func(f Frame) bool {
			return f.Type == protocol.EvtMessageCreated || f.Type == protocol.EvtReplayDone
		}, "replay")
		if f.Type == protocol.EvtReplayDone {
			sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
			return out
		}
		m := Data[protocol.MessageCreated](c.t, f).Message
		if seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		out = append(out, m)
	}
}

// Frames takes every frame received and not consumed yet.
func (c *Conn) Frames() []Frame { return c.ws.Inbox().Take() }

// Closed is closed once the connection is.
func (c *Conn) Closed() <-chan struct{} { return c.ws.Closed() }

// CloseCode is the status of the server's close frame (0 if none came).
func (c *Conn) CloseCode() int { return c.ws.CloseCode() }

// WaitClosed waits for the server to close the connection and returns the
// close code.
func (c *Conn) WaitClosed(within time.Duration) int {
	c.t.Helper()
	select {
	case <-c.ws.Closed():
		return c.ws.CloseCode()
	case <-time.After(within):
		c.t.Fatalf("the connection stayed open for %s; last frames: %v", within, types(c.ws.Inbox().Recent()))
		return 0
	}
}

// Close closes the connection (no close frame) and waits for its reader.
func (c *Conn) Close() { _ = c.ws.Close() }

// Data decodes a frame's data.
func Data[T any](t testing.TB, f Frame) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(f.Data, &v); err != nil {
		t.Fatalf("decode %s %s: %v", f.Type, f.Data, err)
	}
	return v
}

// ErrorCode is the code of an error frame ("" for other frames).
func ErrorCode(t testing.TB, f Frame) string {
	t.Helper()
	if f.Type != protocol.EvtError {
		return ""
	}
	return Data[protocol.Error](t, f).Code
}

func types(fs []Frame) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Type
		if f.ID != "" {
			out[i] += "#" + f.ID
		}
	}
	return out
}

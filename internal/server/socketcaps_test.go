package server

import (
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// A node bounds its own sockets per visitor token and per client address
// (#16, finding 8): past the bound a socket is closed with 4429, and a
// closed socket gives its place back.
func TestSocketCapPerVisitor(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.WSMaxPerAddr, c.WSMaxPerVisitor = 0, 2 })
	v := n.newConversation("Khách", "0912000444", "")

	// Two tabs of one visitor: fine; a third: refused, with the reason.
	n.dial(v.VisitorToken, 0)
	second, _ := n.dial(v.VisitorToken, 0)
	third := n.dialRaw()
	f := third.Request(protocol.ReqHello, protocol.Hello{Token: v.VisitorToken})
	if clienttest.ErrorCode(t, f) != chat.ERATELIMITED || clienttest.Data[protocol.Error](t, f).Message == "" {
		t.Fatalf("third socket of one visitor: %s %s", f.Type, f.Data)
	}
	if code := third.WaitClosed(clienttest.Wait); code != protocol.CloseTooMany {
		t.Fatalf("third socket closed with %d, want %d", code, protocol.CloseTooMany)
	}
	// Another visitor is not affected.
	n.dial(n.newConversation("Khách 2", "0912000445", "").VisitorToken, 0)

	second.Close()
	checkfor.Eventually(t, 5*time.Second, func() (bool, string) {
		c := n.dialRaw()
		defer c.Close()
		f := c.Request(protocol.ReqHello, protocol.Hello{Token: v.VisitorToken})
		return f.Type == protocol.EvtSessionReady, "after closing a tab, a new one: " + f.Type + " " + string(f.Data)
	})
}

func TestSocketCapPerAddress(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.WSMaxPerAddr, c.WSMaxPerVisitor = 3, 0 })
	var open []*clienttest.Conn
	for i := 0; i < 3; i++ {
		open = append(open, n.dialRaw())
	}
	// Refused at once, before any hello.
	extra := clienttest.Dial(t, n.wsURL(), wsclient.ConnOptions{})
	if code := extra.WaitClosed(clienttest.Wait); code != protocol.CloseTooMany {
		t.Fatalf("socket over the address cap closed with %d, want %d", code, protocol.CloseTooMany)
	}
	open[0].Close()
	checkfor.Eventually(t, 5*time.Second, func() (bool, string) {
		c := clienttest.Dial(t, n.wsURL(), wsclient.ConnOptions{})
		select {
		case <-c.Closed():
			return false, "a socket after one closed: still refused"
		case <-time.After(200 * time.Millisecond):
			return true, ""
		}
	})
}

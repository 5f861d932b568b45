package server

import (
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Shutting a node down (SIGTERM ends its context) tells every socket
// server.draining, then closes it with 1001 (going away) — not with a
// close frame without a status, which clients see as 1005.
func TestShutdownDrainsSocketsWith1001(t *testing.T) {
	n := startTeam(t)
	conv := n.newConversation("Tắt máy", "0912001400", "")
	visitor, _ := n.dial(conv.VisitorToken, 0)
	visitor.MessagesUntilReplayDone()
	agent, _ := n.dial(n.anTok, 0)
	n.cancel() // what SIGTERM does; the test's cleanup waits for Run to return
	for name, ws := range map[string]*clienttest.Conn{"visitor": visitor, "agent": agent} {
		ws.WaitType(protocol.EvtServerDraining)
		if code := ws.WaitClosed(10 * time.Second); code != protocol.CloseGoingAway {
			t.Errorf("%s: closed with %d, want %d", name, code, protocol.CloseGoingAway)
		}
	}
}

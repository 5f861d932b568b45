package realtime

import (
	"github.com/gorilla/websocket"
	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// socketCaps count this node's sockets per client address and per visitor
// token (its conversation), so that one address or one leaked token cannot
// hold an unbounded share of the node (Nginx caps addresses too, but not
// every deployment runs ours). Guarded by Hub.mu.
type socketCaps struct {
	perAddr    map[string]int
	perVisitor map[string]int
}

var errTooManyVisitorSockets = &chat.Error{Code: chat.ERATELIMITED, Message: "Bạn đang mở quá nhiều cửa sổ trò chuyện. Vui lòng đóng bớt và thử lại.", RetryAfter: 30}

// admitAddr counts a new socket against its address, with h.mu held; false
// when the address has its share already (the socket is then closed,
// never registered).
func (h *Hub) admitAddr(c *conn) bool {
	if h.cfg.MaxPerAddr <= 0 || c.ip == "" {
		return true
	}
	if h.caps.perAddr == nil {
		h.caps.perAddr = map[string]int{}
	}
	if h.caps.perAddr[c.ip] >= h.cfg.MaxPerAddr {
		return false
	}
	h.caps.perAddr[c.ip]++
	c.addrCounted = true
	return true
}

// refuseTooMany closes an unregistered socket with CloseTooMany.
func refuseTooMany(s *melody.Session, reason string) {
	_ = s.CloseWithMsg(websocket.FormatCloseMessage(protocol.CloseTooMany, reason))
}

// admitVisitor counts a visitor's socket against its token's conversation
// before its hello succeeds; the error closes the socket with CloseTooMany.
func (h *Hub) admitVisitor(c *conn, convID string) error {
	if h.cfg.MaxPerVisitor <= 0 {
		return nil
	}
	var full bool
	open := h.ifOpen(c, func() {
		if h.caps.perVisitor == nil {
			h.caps.perVisitor = map[string]int{}
		}
		if h.caps.perVisitor[convID] >= h.cfg.MaxPerVisitor {
			full = true
			return
		}
		h.caps.perVisitor[convID]++
		c.visitorCounted = convID
	})
	switch {
	case !open:
		return c.ctx.Err() // the socket is gone
	case full:
		return closing(errTooManyVisitorSockets, protocol.CloseTooMany, "too many sockets for this visitor")
	}
	return nil
}

// releaseCaps uncounts a closing socket, with h.mu held.
func (h *Hub) releaseCaps(c *conn) {
	if c.addrCounted {
		if h.caps.perAddr[c.ip]--; h.caps.perAddr[c.ip] <= 0 {
			delete(h.caps.perAddr, c.ip)
		}
	}
	if id := c.visitorCounted; id != "" {
		if h.caps.perVisitor[id]--; h.caps.perVisitor[id] <= 0 {
			delete(h.caps.perVisitor, id)
		}
	}
}

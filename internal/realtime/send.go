package realtime

import "github.com/chatdesk/chatdesk/internal/protocol"

// Sends are stored off the socket's read loop so that an agent writing in
// several conversations does not wait for each write in turn: each
// conversation of a socket has its own FIFO, drained by one goroutine while
// it has work, so messages of one conversation keep the order they were
// sent in. A socket may have MaxInFlight sends pending; beyond that the read
// loop blocks, which pushes back on the client.
type sendQueue struct {
	items   []command
	running bool
}

// enqueue queues a decoded message.send in its conversation's FIFO.
func (c *conn) enqueue(cmd command) {
	conv := conversationOf(c.who(), cmd.payload.(*protocol.MessageSend).ConversationID)
	c.mu.Lock()
	if c.inflight == nil {
		c.inflight = make(chan struct{}, c.h.cfg.MaxInFlight)
		c.sends = map[string]*sendQueue{}
	}
	inflight := c.inflight
	c.mu.Unlock()
	select {
	case inflight <- struct{}{}:
	case <-c.ctx.Done():
		return // the socket is gone
	}
	c.mu.Lock()
	q := c.sends[conv]
	if q == nil {
		q = &sendQueue{}
		c.sends[conv] = q
	}
	q.items = append(q.items, cmd)
	start := !q.running
	q.running = true
	c.mu.Unlock()
	if start {
		go c.drainSends(conv, q)
	}
}

func (c *conn) drainSends(conv string, q *sendQueue) {
	defer c.recoverPanic()
	for {
		c.mu.Lock()
		if len(q.items) == 0 {
			q.running = false
			delete(c.sends, conv)
			c.mu.Unlock()
			return
		}
		cmd := q.items[0]
		q.items = q.items[1:]
		c.mu.Unlock()
		c.execute(cmd)
		<-c.inflight
	}
}

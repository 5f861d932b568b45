package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Waiting visitors are told where they stand (queue.position): the hub
// reads the queue again, at most once per queueDebounce, after a change
// that may move it (a conversation created, assigned, claimed, resolved,
// reopened, returned to the queue) — and only while one of its visitors
// waits or may wait. Each node does this for its own sockets: one indexed
// query per node per change burst, instead of one event per waiting
// conversation per change.

const queueDebounce = 500 * time.Millisecond

// messageChangeSuffix ends the coalesced activity updates, by far the most
// frequent conversation events; they never move the queue.
var messageChangeSuffix = []byte(`"change":"` + chat.ChangeMessage + `"}}`)

// onQueueEvent looks at a conversation event of the agents topic: the
// queue may have moved. A visitor of this node whose conversation waits
// now starts being told its position.
func (h *Hub) onQueueEvent(head protocol.EventHead, payload []byte) {
	if h.queue == nil || bytes.HasSuffix(bytes.TrimSpace(payload), messageChangeSuffix) {
		return
	}
	var ev struct {
		Conversation struct {
			ID     string      `json:"id"`
			Status chat.Status `json:"status"`
		} `json:"conversation"`
	}
	if json.Unmarshal(head.Data, &ev) != nil {
		return
	}
	if ev.Conversation.Status == chat.StatusWaiting {
		h.mu.RLock()
		for c := range h.byConv[ev.Conversation.ID] {
			if c.side() == sideVisitor {
				c.setMayWait()
			}
		}
		h.mu.RUnlock()
	}
	select {
	case h.queueKick <- struct{}{}:
	default: // a refresh is due already
	}
}

func (c *conn) setMayWait() {
	c.mu.Lock()
	c.mayWait = true
	c.mu.Unlock()
}

// queueLoop refreshes the positions after changes, debounced.
func (h *Hub) queueLoop() {
	defer h.wg.Done()
	for {
		select {
		case <-h.stop:
			return
		case <-h.queueKick:
		}
		select {
		case <-h.stop:
			return
		case <-time.After(queueDebounce):
		}
		select {
		case <-h.queueKick: // changes during the wait are covered
		default:
		}
		h.refreshQueue()
	}
}

// refreshQueue tells this node's waiting visitors their new positions.
func (h *Hub) refreshQueue() {
	h.mu.RLock()
	var watch []*conn
	for c := range h.visitors {
		c.mu.Lock()
		if c.mayWait || c.queuePos > 0 {
			watch = append(watch, c)
		}
		c.mu.Unlock()
	}
	h.mu.RUnlock()
	if len(watch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	q, err := h.queueSnapshot(ctx, true)
	if err != nil {
		return
	}
	for _, c := range watch {
		c.tellPosition(q)
	}
}

// queueSnapshot reads the queue; hellos share a read made in the last
// moment (many waiting visitors reconnecting at once), a refresh after a
// change (fresh) does not.
func (h *Hub) queueSnapshot(ctx context.Context, fresh bool) (desk.QueueSnapshot, error) {
	h.queueMu.Lock()
	defer h.queueMu.Unlock()
	if !fresh && time.Since(h.queueAt) < queueDebounce {
		return h.queueLast, nil
	}
	q, err := h.queue.Queue(ctx)
	if err != nil {
		return desk.QueueSnapshot{}, err
	}
	h.queueLast, h.queueAt = q, time.Now()
	return q, nil
}

// tellPosition sends the visitor its position when it changed (0: it no
// longer waits).
func (c *conn) tellPosition(q desk.QueueSnapshot) {
	c.mu.Lock()
	id := c.actor.ConversationID
	pos := q.Position(id)
	changed := pos != c.queuePos
	c.queuePos = pos
	if pos == 0 {
		c.mayWait = false
	}
	c.mu.Unlock()
	if !changed {
		return
	}
	p := q.Of(id)
	if p == nil {
		p = &protocol.QueuePosition{ConversationID: id}
	}
	c.write(protocol.Encode(protocol.EvtQueuePosition, p))
}

// helloQueue is the position a visitor's session.ready carries.
func (h *Hub) helloQueue(ctx context.Context, c *conn, conv *chat.Conversation) *protocol.QueuePosition {
	if h.queue == nil || conv.Status != chat.StatusWaiting {
		return nil
	}
	q, err := h.queueSnapshot(ctx, false)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	c.mayWait = true
	c.queuePos = q.Position(conv.ID)
	c.mu.Unlock()
	return q.Of(conv.ID)
}

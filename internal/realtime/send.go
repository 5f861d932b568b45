package realtime

import (
	"context"
	"encoding/json"
	"time"

	"github.com/olahol/melody"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Sends are stored off the socket's read loop so that an agent writing in
// several conversations does not wait for each write in turn: each
// conversation of a socket has its own FIFO, drained by one goroutine while
// it has work, so messages of one conversation keep the order they were
// sent in. A socket may have MaxInFlight sends pending; beyond that the read
// loop blocks, which pushes back on the client.
type sendQueue struct {
	items   []inbound
	running bool
}

func (h *Hub) enqueueSend(s *melody.Session, st *session, actor desk.Actor, in inbound) {
	var d struct {
		ConversationID string `json:"conversationId"`
	}
	_ = json.Unmarshal(in.Data, &d) // a malformed request is answered by handleSend
	conv := conversationOf(actor, d.ConversationID)
	st.mu.Lock()
	if st.inflight == nil {
		st.inflight = make(chan struct{}, h.cfg.MaxInFlight)
		st.sends = map[string]*sendQueue{}
	}
	inflight := st.inflight
	st.mu.Unlock()
	inflight <- struct{}{}
	st.mu.Lock()
	q := st.sends[conv]
	if q == nil {
		q = &sendQueue{}
		st.sends[conv] = q
	}
	q.items = append(q.items, in)
	start := !q.running
	q.running = true
	st.mu.Unlock()
	if start {
		go h.drainSends(s, st, actor, conv, q)
	}
}

func (h *Hub) drainSends(s *melody.Session, st *session, actor desk.Actor, conv string, q *sendQueue) {
	for {
		st.mu.Lock()
		if len(q.items) == 0 {
			q.running = false
			delete(st.sends, conv)
			st.mu.Unlock()
			return
		}
		in := q.items[0]
		q.items = q.items[1:]
		st.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		reply, err := h.handleSend(ctx, actor, in.Data)
		cancel()
		if err != nil {
			h.sendError(s, in.ID, err)
		} else if in.ID != "" {
			h.send(s, protocol.Envelope{Type: "ack", ID: in.ID, Data: reply})
		}
		<-st.inflight
	}
}

package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// OnBus is the bus handler: it fans an encoded event out to local sockets.
func (h *Hub) OnBus(topic string, payload []byte) {
	if topic == desk.AgentsTopic {
		h.onAgentsEvent(payload)
		return
	}
	convID, ok := strings.CutPrefix(topic, desk.ConversationTopic(""))
	if !ok {
		return
	}
	skipSide := typingSide(payload)
	h.mu.RLock()
	targets := make([]*conn, 0, len(h.byConv[convID]))
	var visitors []*conn
	for c := range h.byConv[convID] {
		side := c.side()
		if skipSide != "" && side == skipSide {
			continue // nobody needs to see their own typing indicator
		}
		if side != sideAgent {
			visitors = append(visitors, c)
			continue
		}
		targets = append(targets, c)
	}
	h.mu.RUnlock()
	for _, c := range targets {
		c.write(payload)
	}
	if len(visitors) == 0 {
		return
	}
	// Events are published once for every follower; what a visitor may
	// receive of them is decided here, once per event and node.
	vp, ok := forVisitor(payload)
	if !ok {
		return
	}
	for _, c := range visitors {
		c.write(vp)
	}
}

// Prefixes of the encoded events (protocol.Encode) forVisitor rewrites or
// holds back.
const (
	convUpdatedPrefix = `{"type":"` + protocol.EvtConversationUpdated + `"`
	convCreatedPrefix = `{"type":"` + protocol.EvtConversationCreated + `"`
	visitorPagePrefix = `{"type":"` + protocol.EvtVisitorPage + `"`
)

// forVisitor returns an event of a conversation's topic as its visitor
// may receive it, and false when the visitor gets nothing of it. The
// conversation in conversation.* events carries agent-only fields (triage,
// the contact's history, what the server recorded about the visitor): it
// is re-encoded in chat.VisitorView. visitor.page is for the agents who
// follow the conversation, and so are changes that touch only agent-only
// fields (chat.AgentOnlyChange): their name alone would tell the visitor
// they were tagged. Anything that cannot be read is held back: better a
// missed update than a leak.
func forVisitor(payload []byte) ([]byte, bool) {
	switch {
	case bytes.HasPrefix(payload, []byte(visitorPagePrefix)):
		return nil, false
	case bytes.HasPrefix(payload, []byte(convUpdatedPrefix)), bytes.HasPrefix(payload, []byte(convCreatedPrefix)):
		var ev struct {
			Type string                       `json:"type"`
			Data protocol.ConversationChanged `json:"data"`
		}
		if json.Unmarshal(payload, &ev) != nil || ev.Data.Conversation == nil || chat.AgentOnlyChange(ev.Data.Change) {
			return nil, false
		}
		return protocol.Encode(ev.Type, protocol.VisitorConversationChanged{
			Conversation: chat.VisitorView(ev.Data.Conversation), Change: ev.Data.Change,
		}), true
	}
	return payload, true
}

func (h *Hub) onAgentsEvent(payload []byte) {
	var head protocol.EventHead
	if err := json.Unmarshal(payload, &head); err != nil {
		return
	}
	switch head.Type {
	case protocol.EvtAgentPresence:
		var p protocol.AgentPresence
		if json.Unmarshal(head.Data, &p) == nil {
			h.updateSupportStatus(p.OnlineCount)
		}
	case protocol.EvtConversationCreated, protocol.EvtConversationUpdated:
		h.onQueueEvent(head, payload)
	case protocol.EvtAgentUpdated:
		var u protocol.AgentUpdated
		if json.Unmarshal(head.Data, &u) == nil {
			h.kickAgent(u.AgentID, u.Disabled)
		}
		return // between nodes only
	}
	only := ""
	if head.Type == protocol.EvtNoteMentioned {
		// For the mentioned agent's sockets alone.
		var m protocol.NoteMentioned
		if json.Unmarshal(head.Data, &m) != nil || m.AgentID == "" {
			return
		}
		only = m.AgentID
	}
	h.mu.RLock()
	targets := make([]*conn, 0, len(h.agents))
	for c := range h.agents {
		if only != "" {
			if a := c.agent(); a == nil || a.ID != only {
				continue
			}
		}
		targets = append(targets, c)
	}
	h.mu.RUnlock()
	for _, c := range targets {
		c.write(payload)
	}
}

func (h *Hub) updateSupportStatus(count int) {
	h.mu.Lock()
	was := h.online > 0
	h.online = count
	now := count > 0
	var targets []*conn
	if was != now {
		for c := range h.visitors {
			targets = append(targets, c)
		}
	}
	h.mu.Unlock()
	if len(targets) == 0 {
		return
	}
	msg := protocol.Encode(protocol.EvtSupportStatus, protocol.SupportStatus{Online: now})
	for _, c := range targets {
		c.write(msg)
	}
}

// kickAgent closes an agent's local sockets after a disable or a password
// change: their tokens are revoked.
func (h *Hub) kickAgent(agentID string, disabled bool) {
	h.mu.RLock()
	var targets []*conn
	for c := range h.agents {
		if a := c.agent(); a != nil && a.ID == agentID {
			targets = append(targets, c)
		}
	}
	h.mu.RUnlock()
	code, text := protocol.CloseUnauthorized, "token revoked"
	if disabled {
		code, text = protocol.CloseDisabled, "account disabled"
	}
	for _, c := range targets {
		c.close(code, text)
	}
}

// typingPrefix starts every encoded typing event (protocol.Encode).
const typingPrefix = `{"type":"` + protocol.EvtTyping + `"`

// typingSide returns the sender side of a typing event ("" for other
// events), cheaply: only typing frames are parsed.
func typingSide(payload []byte) string {
	if len(payload) < len(typingPrefix) || string(payload[:len(typingPrefix)]) != typingPrefix {
		return ""
	}
	var ev struct {
		Data protocol.Typing `json:"data"`
	}
	if json.Unmarshal(payload, &ev) != nil {
		return ""
	}
	return string(ev.Data.SenderType)
}

// follow indexes c under a conversation once the topic's subscription is
// live (so no event falls between a replay and live delivery), and runs
// mark with h.mu held to record in c what it follows; onDisconnect undoes
// exactly what was marked. It returns false, having done nothing, when the
// socket closed meanwhile.
func (h *Hub) follow(ctx context.Context, c *conn, convID string, mark func()) bool {
	topic := desk.ConversationTopic(convID)
	h.ref(ctx, topic)
	if !h.ifOpen(c, func() {
		set := h.byConv[convID]
		if set == nil {
			set = map[*conn]struct{}{}
			h.byConv[convID] = set
		}
		set[c] = struct{}{}
		mark()
	}) {
		h.unref(topic)
		return false
	}
	return true
}

// ifOpen runs fn with h.mu held if c is still registered, and reports
// whether it did. A socket that closed during its hello is then never
// counted (an agent online for ever, a conversation index entry that
// nobody removes): onDisconnect unregisters it, and cancels its context,
// under the same lock.
func (h *Hub) ifOpen(c *conn, fn func()) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns[c.s] != c {
		return false
	}
	fn()
	return true
}

// removeFromConv must be called with h.mu held.
func (h *Hub) removeFromConv(convID string, c *conn) {
	if set := h.byConv[convID]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.byConv, convID)
		}
	}
}

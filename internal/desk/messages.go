package desk

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Messages is what happens inside a conversation: sending (text and
// files), reading the transcript, replay, typing and read marks.
type Messages struct {
	store interface {
		ConversationStore
		MessageStore
		AttachmentStore
	}
	convs      convReader
	settings   *settingsCache
	lock       replyLock
	transcript *transcript
	typing     TypingMarks
	unread     UnreadCounters
	seqs       Sequencer
	touches    *toucher
	events     *events
	replays    replayReader
	route      *router
	bot        *botRunner
	limits     limits
	tasks      *tasks
	maxUpload  int64
	fail       failures
	log        *slog.Logger
	blocks     *blockCache
}

// SendMessage stores a message from the conversation's visitor or its
// owning agent and returns it once MongoDB has it. A resend with a known
// clientId returns the stored message without storing it again (resent is
// true then).
func (ms *Messages) SendMessage(ctx context.Context, actor Actor, conversationID, clientID, text string) (m *chat.Message, resent bool, err error) {
	if err := chat.ValidateClientID(clientID); err != nil {
		return nil, false, err
	}
	text, err = chat.CleanMessageText(text)
	if err != nil {
		return nil, false, err
	}
	c, err := ms.senderConversation(ctx, actor, conversationID)
	if err != nil {
		return nil, false, err
	}
	m, err = ms.transcript.append(ctx, c, actor, clientID, text, nil)
	return ms.sent(c, actor, m, err)
}

// senderConversation loads the conversation a message is sent to, once the
// sender may read it and is within the rate limits. Every way of sending
// goes through it; an agent's reply lock is checked by the write itself
// (Sequencer.Reserve, in the same round trip as the seq).
func (ms *Messages) senderConversation(ctx context.Context, actor Actor, conversationID string) (*chat.Conversation, error) {
	if err := canRead(actor, conversationID); err != nil {
		return nil, err
	}
	if actor.Visitor {
		if err := ms.limits.take(ctx, "msg-visitor", conversationID); err != nil {
			return nil, err
		}
		if err := ms.limits.take(ctx, "msg-ip", actor.IP); err != nil {
			return nil, err
		}
	}
	// Cached: who may reply is decided by the reply lock, which is restored
	// from a fresh read of the document when Redis lost it.
	c, err := ms.convs.get(ctx, conversationID)
	if err != nil {
		return nil, ms.fail.unavailable(err)
	}
	if actor.Visitor && ms.blocks.match(ctx, c.ID, c.Visitor.Phone, actor.IP) != nil {
		return nil, chat.ErrBlocked
	}
	return c, nil
}

// sent finishes a send: a resend is reported as such, and a visitor writing
// to a resolved conversation reopens it.
func (ms *Messages) sent(c *chat.Conversation, actor Actor, m *chat.Message, err error) (*chat.Message, bool, error) {
	if errors.Is(err, errResent) {
		return m, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	if actor.Visitor && c.Status == chat.StatusResolved {
		ms.tasks.goWithin(10*time.Second, func(ctx context.Context) { ms.route.reopenForVisitor(ctx, c.ID) })
	}
	if actor.Visitor && c.Status == chat.StatusWaiting && c.HandoffAt == nil {
		ms.bot.wake(c.ID)
	}
	return m, false, nil
}

// Messages returns messages after a seq, for the REST fallback and the
// dashboard's history.
func (ms *Messages) Messages(ctx context.Context, actor Actor, conversationID string, after int64, limit int) ([]*chat.Message, error) {
	if err := canRead(actor, conversationID); err != nil {
		return nil, err
	}
	if err := ms.AdmitRead(ctx, actor); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxReplay {
		limit = MaxReplay
	}
	if after < 0 {
		after = 0
	}
	if actor.IsAgent() {
		// Agents may read any conversation; make sure it exists so a typo
		// answers not_found rather than an empty list.
		if _, err := ms.store.Conversation(ctx, conversationID); err != nil {
			return nil, ms.fail.unavailable(err)
		}
	}
	out, err := ms.store.MessagesAfter(ctx, conversationID, after, limit)
	if err != nil {
		return nil, ms.fail.unavailable(err)
	}
	return out, nil
}

// Replay returns what a resuming socket must receive after `after` (see
// replayReader): the caller subscribed the socket to live events first.
func (ms *Messages) Replay(ctx context.Context, actor Actor, conversationID string, after int64, limit int) ([]*chat.Message, error) {
	if err := canRead(actor, conversationID); err != nil {
		return nil, err
	}
	out, err := ms.replays.read(ctx, conversationID, after, limit)
	if err != nil {
		return nil, ms.fail.unavailable(err)
	}
	return out, nil
}

// SetTyping announces that the visitor or the owning agent is typing.
func (ms *Messages) SetTyping(ctx context.Context, actor Actor, conversationID string, typing bool) error {
	if err := canRead(actor, conversationID); err != nil {
		return err
	}
	if err := ms.limits.take(ctx, "typing-sender", conversationID+"/"+actor.AgentID()); err != nil {
		return err
	}
	ev := protocol.Typing{ConversationID: conversationID, Typing: typing, SenderType: chat.SenderVisitor}
	side := "visitor"
	if actor.IsAgent() {
		c, err := ms.convs.get(ctx, conversationID)
		if err != nil {
			return ms.fail.unavailable(err)
		}
		if err := ms.lock.mustOwn(ctx, c, actor.AgentID()); err != nil {
			return err
		}
		ev.SenderType, ev.SenderName, side = chat.SenderAgent, actor.Agent.Name, "agent"
	}
	_ = ms.typing.SetTyping(ctx, conversationID, side, typing)
	ms.events.publish(ctx, ConversationTopic(conversationID), protocol.EvtTyping, ev)
	return nil
}

// IsTyping reports whether the other side typed recently (REST fallback).
func (ms *Messages) IsTyping(ctx context.Context, actor Actor, conversationID string) (bool, error) {
	if err := canRead(actor, conversationID); err != nil {
		return false, err
	}
	side := "agent"
	if actor.IsAgent() {
		side = "visitor"
	}
	return ms.typing.IsTyping(ctx, conversationID, side)
}

// lastSeq is the last seq handed out in c (Redis), else the last message
// the conversation document knows of.
func (ms *Messages) lastSeq(ctx context.Context, c *chat.Conversation) int64 {
	if seq, ok, err := ms.seqs.CurrentSeq(ctx, c.ID); err == nil && ok {
		return seq
	}
	if c.LastMessage != nil {
		return c.LastMessage.Seq
	}
	return 0
}

// MarkRead marks what the caller's side has read: it resets that side's
// unread counter and raises its read receipt up to seq — the visitor's, or
// the owning agent's (another agent looking at the conversation does not
// tell the visitor their message was seen). A receipt that moved is
// published on the conversation's topic: the visitor sees "Đã xem" under
// their message, the agents following it under theirs.
func (ms *Messages) MarkRead(ctx context.Context, actor Actor, conversationID string, seq int64) error {
	if err := canRead(actor, conversationID); err != nil {
		return err
	}
	side := "visitor"
	if actor.IsAgent() {
		side = "agent"
	}
	ua, uv, err := ms.unread.ResetUnread(ctx, conversationID, side)
	if err != nil {
		return ms.fail.redis(err)
	}
	// Reading is not activity: no UpdatedAt, so the inbox order is kept.
	touch := chat.ConversationTouch{ID: conversationID, UnreadAgent: &ua, UnreadVisit: &uv}
	c, cerr := ms.convs.get(ctx, conversationID)
	receipt := false
	if cerr == nil {
		var mine *int64 // the receipt this reader may raise
		switch {
		case actor.Visitor:
			mine, touch.VisitorReadSeq = &c.VisitorReadSeq, &seq
		case actor.IsAgent() && c.AssigneeID == actor.AgentID():
			mine, touch.AgentReadSeq = &c.AgentReadSeq, &seq
		}
		if mine != nil && seq > *mine {
			seq = min(seq, ms.lastSeq(ctx, c)) // nothing beyond the last message can have been read
		}
		if mine != nil && seq > *mine {
			*mine, receipt = seq, true
		} else {
			touch.VisitorReadSeq, touch.AgentReadSeq = nil, nil
		}
	}
	ms.touches.add(touch)
	if cerr != nil {
		return nil
	}
	c.UnreadAgent, c.UnreadVisit = ua, uv
	changed := protocol.ConversationChanged{Conversation: c, Change: chat.ChangeRead}
	if actor.IsAgent() {
		ms.events.publish(ctx, AgentsTopic, protocol.EvtConversationUpdated, changed)
	}
	if receipt {
		ms.events.publish(ctx, ConversationTopic(conversationID), protocol.EvtConversationUpdated, changed)
	}
	return nil
}

// AdmitRead counts one read of a transcript against its reader's limit
// (read-sender: visitors by conversation, agents by agent), for the reads
// a client asks for — WebSocket sync and join, REST pages — each of which
// may cost hundreds of frames or rows. A hello's own replay is not counted:
// it needs a new socket, which the socket caps and the hello queue bound.
// The rule counts in the node's memory (internal/ratelimit): no Redis.
func (ms *Messages) AdmitRead(ctx context.Context, actor Actor) error {
	key := "v:" + actor.ConversationID
	if actor.IsAgent() {
		key = "a:" + actor.AgentID()
	}
	return ms.limits.take(ctx, "read-sender", key)
}

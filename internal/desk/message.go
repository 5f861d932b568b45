package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// SendMessage stores a message from the conversation's visitor or its
// owning agent and returns it once MongoDB has it. A resend with a known
// clientId returns the stored message without storing it again (resent is
// true then).
func (s *Service) SendMessage(ctx context.Context, actor Actor, conversationID, clientID, text string) (m *chat.Message, resent bool, err error) {
	if err := chat.ValidateClientID(clientID); err != nil {
		return nil, false, err
	}
	text, err = chat.CleanMessageText(text)
	if err != nil {
		return nil, false, err
	}
	c, err := s.senderConversation(ctx, actor, conversationID)
	if err != nil {
		return nil, false, err
	}
	m, err = s.appendMessage(ctx, c, actor, clientID, text)
	return s.sent(c, actor, m, err)
}

// senderConversation loads the conversation a message is sent to, once the
// sender is known to be its visitor or its owning agent and within the
// rate limits. Every way of sending goes through it.
func (s *Service) senderConversation(ctx context.Context, actor Actor, conversationID string) (*chat.Conversation, error) {
	if err := canRead(actor, conversationID); err != nil {
		return nil, err
	}
	if actor.Visitor {
		if err := s.limit(ctx, "msg-visitor", conversationID); err != nil {
			return nil, err
		}
		if err := s.limit(ctx, "msg-ip", actor.IP); err != nil {
			return nil, err
		}
	}
	// Cached: who may reply is decided by the Redis reply lock in s.owner,
	// which re-reads the document when the lock is missing.
	c, err := s.cachedConversation(ctx, conversationID)
	if err != nil {
		return nil, s.unavailable(err)
	}
	if actor.IsAgent() {
		owner, err := s.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner != actor.AgentID() {
			return nil, chat.ErrNotAssigned
		}
	}
	return c, nil
}

// sent finishes a send: a resend is reported as such, and a visitor writing
// to a resolved conversation reopens it.
func (s *Service) sent(c *chat.Conversation, actor Actor, m *chat.Message, err error) (*chat.Message, bool, error) {
	if errors.Is(err, errResent) {
		return m, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	if actor.Visitor && c.Status == chat.StatusResolved {
		go s.reopenForVisitor(c.ID)
	}
	if actor.Visitor && c.Status == chat.StatusWaiting && c.HandoffAt == nil {
		s.wakeBot(c.ID)
	}
	return m, false, nil
}

var errResent = errors.New("resent")

// appendMessage runs the durable write path: reserve a seq, write through
// the batcher, then publish. It returns errResent with the stored message
// for a known clientId.
func (s *Service) appendMessage(ctx context.Context, c *chat.Conversation, actor Actor, clientID, text string) (*chat.Message, error) {
	return s.appendContent(ctx, c, actor, clientID, text, nil)
}

// appendContent is appendMessage for a message that may carry an
// attachment (stored already).
func (s *Service) appendContent(ctx context.Context, c *chat.Conversation, actor Actor, clientID, text string, att *chat.Attachment) (*chat.Message, error) {
	m := &chat.Message{
		ID:             chat.NewID(),
		ConversationID: c.ID,
		ClientID:       clientID,
		Text:           text,
		Kind:           chat.KindText,
		Attachment:     att,
	}
	if att != nil {
		m.Kind = chat.KindFile
		if strings.HasPrefix(att.ContentType, "image/") {
			m.Kind = chat.KindImage
		}
	}
	switch {
	case actor.IsAgent():
		m.SenderType, m.SenderID, m.SenderName = chat.SenderAgent, actor.Agent.ID, actor.Agent.Name
	case actor.Visitor:
		m.SenderType, m.SenderName = chat.SenderVisitor, c.Visitor.Name
	case actor.Bot != "":
		m.SenderType, m.SenderName = chat.SenderBot, actor.Bot
	default:
		m.SenderType = chat.SenderSystem
	}
	for attempt := 0; attempt < 4; attempt++ {
		seq, reused, err := s.nextSeq(ctx, c.ID, clientID)
		if err != nil {
			return nil, err
		}
		if reused {
			// A resend: the first attempt may be stored, in flight, or failed.
			if prev, err := s.store.MessageByClientID(ctx, c.ID, clientID); err == nil {
				return prev, errResent
			}
		}
		m.Seq = seq
		m.CreatedAt = s.now().UTC()
		start := time.Now()
		err = s.store.InsertMessage(ctx, m)
		switch {
		case err == nil:
			s.metrics.messageStored(time.Since(start))
			s.replays.stored(m)
			s.afterStore(ctx, c, m)
			return m, nil
		case errors.Is(err, chat.ErrDuplicateClientID):
			prev, ferr := s.store.MessageByClientID(ctx, c.ID, clientID)
			if ferr != nil {
				return nil, s.unavailable(ferr)
			}
			if prev.Seq != seq {
				_ = s.coord.ReleaseSeq(ctx, c.ID, seq, clientID)
			}
			return prev, errResent
		case errors.Is(err, chat.ErrDuplicateSeq):
			// The counter was rebuilt behind an in-flight write: move it
			// past what is stored and try again.
			_ = s.coord.ForgetClientID(ctx, c.ID, clientID)
			max, ferr := s.store.MaxSeq(ctx, c.ID)
			if ferr != nil {
				return nil, s.unavailable(ferr)
			}
			if err := s.coord.RaiseSeq(ctx, c.ID, max); err != nil {
				return nil, s.unavailable(err)
			}
		default:
			// Not stored (MongoDB down or timed out): give the seq back so
			// the sequence stays gap-free, and refuse. The client retries
			// with the same clientId.
			s.metrics.mongoError()
			rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = s.coord.ReleaseSeq(rctx, c.ID, seq, clientID)
			cancel()
			s.log.Warn("message not stored", "conversation", c.ID, "err", err)
			return nil, chat.ErrUnavailable
		}
	}
	return nil, chat.ErrUnavailable
}

func (s *Service) nextSeq(ctx context.Context, conversationID, clientID string) (int64, bool, error) {
	seq, reused, err := s.coord.NextSeq(ctx, conversationID, clientID)
	if errors.Is(err, chat.ErrSeqUnknown) {
		max, ferr := s.store.MaxSeq(ctx, conversationID)
		if ferr != nil {
			return 0, false, s.unavailable(ferr)
		}
		if err := s.coord.InitSeq(ctx, conversationID, max); err != nil {
			return 0, false, s.unavailable(err)
		}
		seq, reused, err = s.coord.NextSeq(ctx, conversationID, clientID)
	}
	if err != nil {
		s.metrics.redisError()
		return 0, false, s.unavailable(err)
	}
	return seq, reused, nil
}

// afterStore publishes a stored message and records the activity.
func (s *Service) afterStore(ctx context.Context, c *chat.Conversation, m *chat.Message) {
	s.publish(ctx, ConversationTopic(c.ID), EventMessageCreated, MessageCreated{Message: m})
	touch := chat.ConversationTouch{ID: c.ID, UpdatedAt: m.CreatedAt}
	if m.SenderType != chat.SenderSystem {
		// The inbox previews what people wrote, not "An đã tham gia...".
		touch.LastMessage = &chat.Preview{Seq: m.Seq, Text: chat.PreviewText(chat.AttachmentPreview(m)), SenderType: m.SenderType, SenderName: m.SenderName, At: m.CreatedAt}
	}
	var side string
	switch m.SenderType {
	case chat.SenderVisitor:
		side = "agent"
	case chat.SenderAgent, chat.SenderBot:
		side = "visitor"
	}
	if side != "" {
		if ua, uv, err := s.coord.IncrUnread(ctx, c.ID, side); err == nil {
			touch.UnreadAgent, touch.UnreadVisit = &ua, &uv
			c.UnreadAgent, c.UnreadVisit = ua, uv
		}
	}
	if m.SenderType == chat.SenderAgent && c.FirstResponseAt == nil {
		// The first agent answer, for the response-time statistics. c was
		// read for this send, so this rides on the activity write (no write
		// of its own) and stops once the stamp is stored. It goes through
		// the toucher rather than a separate update because FerretDB
		// applies updates as read-modify-write of the whole document: two
		// writers racing on one conversation can lose a field. Two nodes
		// answering first in the same flush period are last writer wins,
		// milliseconds apart: good enough for a median.
		at := m.CreatedAt
		touch.FirstResponseAt = &at
		c.FirstResponseAt = &at
	}
	s.touches.add(touch)
	if touch.LastMessage != nil {
		c.LastMessage = touch.LastMessage
	}
	c.UpdatedAt = m.CreatedAt
	s.updates.add(c) // conversation.updated "message", at most one per conversation per second
}

// systemMessage stores a notice in the transcript; failures are logged, the
// state change it describes has happened regardless.
func (s *Service) systemMessage(ctx context.Context, c *chat.Conversation, text string) {
	if _, err := s.appendMessage(ctx, c, Actor{}, "sys-"+chat.NewID(), text); err != nil && !errors.Is(err, errResent) {
		s.log.Warn("system message not stored", "conversation", c.ID, "err", err)
	}
}

// reopenForVisitor moves a resolved conversation back to the queue when its
// visitor writes again, and assigns it.
func (s *Service) reopenForVisitor(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := s.store.Conversation(ctx, id)
	if err != nil || c.Status != chat.StatusResolved {
		return
	}
	unlock, err := s.lockConversation(ctx, id)
	if err != nil {
		return
	}
	if c, err = s.store.Conversation(ctx, id); err != nil || c.Status != chat.StatusResolved {
		unlock()
		return
	}
	now := s.now().UTC()
	status, empty, zero := chat.StatusWaiting, "", time.Time{}
	if err := s.store.UpdateConversation(ctx, id, chat.ConversationUpdate{Status: &status, AssigneeID: &empty, AssigneeName: &empty, ResolvedAt: &zero, AssignedAt: &zero, UpdatedAt: now}); err != nil {
		unlock()
		return
	}
	c.Status, c.AssigneeID, c.AssigneeName, c.ResolvedAt, c.AssignedAt, c.UpdatedAt = status, "", "", nil, nil, now
	s.systemMessage(ctx, c, "Khách đã nhắn lại, cuộc trò chuyện được mở lại.")
	s.publishConversation(ctx, c, EventConversationUpdated, string(chat.ChangeReopened))
	unlock()
	if err := s.assign(ctx, c); err != nil {
		s.log.Warn("assign after reopen failed", "conversation", id, "err", err)
	}
	s.wakeBot(id) // it speaks only if nobody took the conversation
}

// MaxReplay bounds one page of replayed messages.
const MaxReplay = 500

// Messages returns messages after a seq, for replay and the REST fallback.
func (s *Service) Messages(ctx context.Context, actor Actor, conversationID string, after int64, limit int) ([]*chat.Message, error) {
	if err := canRead(actor, conversationID); err != nil {
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
		if _, err := s.store.Conversation(ctx, conversationID); err != nil {
			return nil, s.unavailable(err)
		}
	}
	ms, err := s.store.MessagesAfter(ctx, conversationID, after, limit)
	if err != nil {
		return nil, s.unavailable(err)
	}
	return ms, nil
}

// SetTyping announces that the visitor or the owning agent is typing.
func (s *Service) SetTyping(ctx context.Context, actor Actor, conversationID string, typing bool) error {
	if err := canRead(actor, conversationID); err != nil {
		return err
	}
	if err := s.limit(ctx, "typing-sender", conversationID+"/"+actor.AgentID()); err != nil {
		return err
	}
	ev := Typing{ConversationID: conversationID, Typing: typing}
	side := "visitor"
	if actor.IsAgent() {
		c, err := s.cachedConversation(ctx, conversationID)
		if err != nil {
			return s.unavailable(err)
		}
		owner, err := s.owner(ctx, c)
		if err != nil {
			return err
		}
		if owner != actor.AgentID() {
			return chat.ErrNotAssigned
		}
		ev.SenderType, ev.SenderName, side = chat.SenderAgent, actor.Agent.Name, "agent"
	} else {
		ev.SenderType = chat.SenderVisitor
	}
	_ = s.coord.SetTyping(ctx, conversationID, side, typing)
	s.publish(ctx, ConversationTopic(conversationID), EventTyping, ev)
	return nil
}

// IsTyping reports whether the other side typed recently (REST fallback).
func (s *Service) IsTyping(ctx context.Context, actor Actor, conversationID string) (bool, error) {
	if err := canRead(actor, conversationID); err != nil {
		return false, err
	}
	side := "agent"
	if actor.IsAgent() {
		side = "visitor"
	}
	return s.coord.IsTyping(ctx, conversationID, side)
}

// MarkRead resets the caller's side's unread counter.
func (s *Service) MarkRead(ctx context.Context, actor Actor, conversationID string) error {
	if err := canRead(actor, conversationID); err != nil {
		return err
	}
	side := "visitor"
	if actor.IsAgent() {
		side = "agent"
	}
	ua, uv, err := s.coord.ResetUnread(ctx, conversationID, side)
	if err != nil {
		return s.unavailable(err)
	}
	// Reading is not activity: no UpdatedAt, so the inbox order is kept.
	s.touches.add(chat.ConversationTouch{ID: conversationID, UnreadAgent: &ua, UnreadVisit: &uv})
	if actor.IsAgent() {
		if c, err := s.cachedConversation(ctx, conversationID); err == nil {
			c.UnreadAgent, c.UnreadVisit = ua, uv
			s.publish(ctx, AgentsTopic, EventConversationUpdated, ConversationChanged{Conversation: c, Change: "read"})
		}
	}
	return nil
}

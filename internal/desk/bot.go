package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// BotClient is what the service needs from an OpenAI-compatible
// chat-completions API.
type BotClient interface {
	Complete(ctx context.Context, b chat.BotSettings, turns []chat.BotTurn) (string, error)
}

// SetBotClient enables the bot machinery (it still answers only when an
// admin enabled it). Call before traffic.
func (s *Service) SetBotClient(c BotClient) { s.bot = c }

// BotSettings returns the bot configuration to an admin, without the key.
func (s *Service) BotSettings(ctx context.Context, actor Actor) (chat.BotSettings, error) {
	if !actor.IsAdmin() {
		return chat.BotSettings{}, chat.ErrForbidden
	}
	b, err := s.store.BotSettings(ctx)
	if err != nil {
		return chat.BotSettings{}, s.unavailable(err)
	}
	return b.Public(), nil
}

// SaveBotSettings validates and stores the bot configuration; an empty key
// keeps the stored one.
func (s *Service) SaveBotSettings(ctx context.Context, actor Actor, b chat.BotSettings) (chat.BotSettings, error) {
	if !actor.IsAdmin() {
		return chat.BotSettings{}, chat.ErrForbidden
	}
	prev, err := s.store.BotSettings(ctx)
	if err != nil {
		return chat.BotSettings{}, s.unavailable(err)
	}
	if err := chat.ValidateBotSettings(&b, prev.APIKey); err != nil {
		return chat.BotSettings{}, err
	}
	if err := s.store.SaveBotSettings(ctx, b); err != nil {
		return chat.BotSettings{}, s.unavailable(err)
	}
	s.cache.invalidate()
	return b.Public(), nil
}

// Handoff records that the visitor wants a person: the bot falls silent in
// this conversation for good, the transcript says so, agents are told
// (conversation.updated "handoff"), and the conversation is offered to an
// available agent. Asking again changes nothing.
func (s *Service) Handoff(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	if !actor.Visitor {
		return nil, &chat.Error{Code: chat.EFORBIDDEN, Message: "Chỉ khách hàng mới có thể yêu cầu gặp nhân viên."}
	}
	if err := s.limit(ctx, "msg-visitor", id); err != nil {
		return nil, err
	}
	changed := false
	c, err := s.withConversation(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.HandoffAt != nil {
			return c, nil
		}
		at := s.stamp()
		if err := s.store.UpdateConversation(ctx, id, chat.ConversationUpdate{HandoffAt: &at}); err != nil {
			return nil, s.unavailable(err)
		}
		c.HandoffAt, changed = &at, true
		s.systemMessage(ctx, c, "Khách muốn gặp nhân viên hỗ trợ.")
		s.publishConversation(ctx, c, EventConversationUpdated, chat.ChangeHandoff)
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	if changed && c.Status == chat.StatusWaiting {
		if err := s.assign(ctx, c); err != nil {
			s.log.Warn("assignment after handoff failed; conversation stays waiting", "conversation", id, "err", err)
		}
	}
	return c, nil
}

// wakeBot lets the bot consider a conversation after a visitor message was
// stored (and acknowledged: the bot never delays it).
func (s *Service) wakeBot(id string) {
	if s.bot == nil {
		return
	}
	go s.runBot(id)
}

// runBot answers the conversation's latest visitor message if the bot may
// speak. One turn per conversation at a time across nodes (the "bot:" lock);
// a wake that finds the lock taken waits for it, then finds the message
// answered or answers it, so a burst of visitor messages gets answers
// without duplicates.
func (s *Service) runBot(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := s.cache.botSettings(ctx)
	if err != nil || !b.Enabled {
		return
	}
	turn := time.Duration(b.TimeoutSeconds)*time.Second + 15*time.Second
	unlock, err := s.waitLock(ctx, "bot:"+id, turn, turn)
	if err != nil || unlock == nil {
		return
	}
	defer unlock()
	c, err := s.store.Conversation(ctx, id)
	if err != nil || !s.botMaySpeak(ctx, b, c) {
		return
	}
	history, err := s.recentMessages(ctx, id)
	if err != nil || !awaitsAnswer(history) {
		return
	}
	s.botTyping(ctx, b, id, true)
	answer, err := s.askBot(ctx, b, c, history)
	s.botTyping(ctx, b, id, false)
	if err != nil {
		s.metrics.botCall("error")
		s.log.Warn("bot did not answer", "conversation", id, "err", err)
		return
	}
	if answer = chat.CleanBotAnswer(answer); answer == "" {
		s.metrics.botCall("empty")
		return
	}
	// An agent may have taken the conversation while the bot composed:
	// check again under the conversation lock, which every ownership change
	// holds, so the answer is stored only while nobody owns it.
	_, err = s.withConversation(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if !s.botMaySpeak(ctx, b, c) {
			s.metrics.botCall("dropped")
			return c, nil
		}
		if _, err := s.appendMessage(ctx, c, Actor{Bot: b.Name}, "bot-"+chat.NewID(), answer); err != nil {
			return nil, err
		}
		s.metrics.botCall("answered")
		return c, nil
	})
	if err != nil {
		s.log.Warn("bot answer not stored", "conversation", id, "err", err)
	}
}

func (s *Service) askBot(ctx context.Context, b chat.BotSettings, c *chat.Conversation, history []*chat.Message) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(b.TimeoutSeconds)*time.Second)
	defer cancel()
	return s.bot.Complete(ctx, b, chat.BotPrompt(b, c, history))
}

// botMaySpeak: enabled, nobody owns the conversation, the visitor has not
// asked for a person, and no agent is online or the wait is over.
func (s *Service) botMaySpeak(ctx context.Context, b chat.BotSettings, c *chat.Conversation) bool {
	if !b.Enabled || c.Status != chat.StatusWaiting || c.HandoffAt != nil {
		return false
	}
	if b.WaitSeconds > 0 && s.now().Sub(c.CreatedAt) >= time.Duration(b.WaitSeconds)*time.Second {
		return true
	}
	return !s.SupportOnline(ctx)
}

// recentMessages returns about the last chat.BotHistory messages.
func (s *Service) recentMessages(ctx context.Context, id string) ([]*chat.Message, error) {
	last, err := s.store.MaxSeq(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.store.MessagesAfter(ctx, id, max(0, last-2*chat.BotHistory), 2*chat.BotHistory)
}

// awaitsAnswer: the latest message that is not a system notice is the
// visitor's.
func awaitsAnswer(history []*chat.Message) bool {
	for i := len(history) - 1; i >= 0; i-- {
		switch history[i].SenderType {
		case chat.SenderSystem:
			continue
		case chat.SenderVisitor:
			return true
		default:
			return false
		}
	}
	return false
}

func (s *Service) botTyping(ctx context.Context, b chat.BotSettings, id string, typing bool) {
	s.publish(ctx, ConversationTopic(id), EventTyping, Typing{ConversationID: id, SenderType: chat.SenderBot, SenderName: b.Name, Typing: typing})
}

// waitLock takes a Redis lock, waiting up to wait for it.
func (s *Service) waitLock(ctx context.Context, name string, ttl, wait time.Duration) (func(), error) {
	holder := s.cfg.NodeID + "/" + chat.NewID()
	deadline := time.Now().Add(wait)
	for {
		unlock, err := s.coord.TryLock(ctx, name, holder, ttl)
		if err != nil || unlock != nil || time.Now().After(deadline) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// botSweep wakes the bot for conversations that have waited longer than
// the configured time since their visitor last wrote. One node sweeps per
// janitor tick.
func (s *Service) botSweep(ctx context.Context) {
	if s.bot == nil {
		return
	}
	b, err := s.cache.botSettings(ctx)
	if err != nil || !b.Enabled || b.WaitSeconds == 0 {
		return
	}
	unlock, err := s.coord.TryLock(ctx, "botsweep", s.cfg.NodeID, s.cfg.JanitorEvery)
	if err != nil || unlock == nil {
		return
	}
	defer unlock()
	waiting, err := s.store.WaitingConversations(ctx, 200)
	if err != nil {
		return
	}
	for _, c := range waiting {
		due := s.now().Sub(c.CreatedAt) >= time.Duration(b.WaitSeconds)*time.Second
		if due && c.HandoffAt == nil && c.LastMessage != nil && c.LastMessage.SenderType == chat.SenderVisitor {
			s.wakeBot(c.ID)
		}
	}
}

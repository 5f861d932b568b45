package desk

import (
	"context"
	"fmt"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// NewConversation is a submitted pre-chat form with what the transport knows
// about the visitor.
type NewConversation struct {
	Fields    map[string]any
	PageURL   string
	Referrer  string
	UserAgent string
	IP        string
}

// Created is the answer to a form submission.
type Created struct {
	Conversation *chat.Conversation `json:"conversation"`
	VisitorToken string             `json:"visitorToken"`
}

// CreateConversation validates the form, stores the conversation, issues the
// visitor token, stores the form's message as the first message and assigns
// an agent (or leaves it waiting).
func (s *Service) CreateConversation(ctx context.Context, in NewConversation) (*Created, error) {
	if err := s.limit(ctx, "conv-ip", in.IP); err != nil {
		return nil, err
	}
	defs, err := s.cache.formFields(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	answers, err := chat.ValidateSubmission(defs, in.Fields)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	c := &chat.Conversation{
		ID:      chat.NewID(),
		Status:  chat.StatusWaiting,
		Answers: answers,
		Visitor: chat.Visitor{
			Name:      chat.AnswerValue(answers, chat.KeyName),
			Phone:     chat.AnswerValue(answers, chat.KeyPhone),
			PageURL:   truncate(in.PageURL, 2000),
			Referrer:  truncate(in.Referrer, 2000),
			UserAgent: truncate(in.UserAgent, 500),
			IP:        in.IP,
		},
		CreatedAt: now,
		UpdatedAt: now,
		Priority:  chat.PriorityNormal,
		Tags:      []string{},
	}
	if err := s.store.CreateConversation(ctx, c); err != nil {
		return nil, s.unavailable(err)
	}
	token, err := s.tokens.IssueVisitor(c.ID)
	if err != nil {
		return nil, err
	}
	visitor := Actor{Visitor: true, ConversationID: c.ID}
	if text := chat.AnswerValue(answers, chat.KeyMessage); text != "" {
		if _, err := s.appendMessage(ctx, c, visitor, "form-"+c.ID, text); err != nil {
			s.log.Warn("storing the form message failed", "conversation", c.ID, "err", err)
		}
	}
	s.publishConversation(ctx, c, EventConversationCreated, "")
	if err := s.assign(ctx, c); err != nil {
		s.log.Warn("assignment failed; conversation stays waiting", "conversation", c.ID, "err", err)
	}
	if c.Status == chat.StatusWaiting && chat.AnswerValue(answers, chat.KeyMessage) != "" {
		s.wakeBot(c.ID)
	}
	return &Created{Conversation: c, VisitorToken: token}, nil
}

// Conversation returns one conversation to its visitor or to any agent.
func (s *Service) Conversation(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		return nil, s.unavailable(err)
	}
	return c, nil
}

// canRead: visitors see only their own conversation; a wrong id answers
// not_found so ids cannot be probed.
func canRead(actor Actor, id string) error {
	switch {
	case actor.IsAgent():
		return nil
	case actor.Visitor && actor.ConversationID == id:
		return nil
	case actor.Visitor:
		return chat.ErrNotFound
	}
	return chat.ErrUnauthorized
}

// ListConversations searches conversations for agents.
func (s *Service) ListConversations(ctx context.Context, actor Actor, f chat.ConversationFilter, order chat.SortOrder) ([]*chat.Conversation, string, error) {
	if !actor.IsAgent() {
		return nil, "", chat.ErrForbidden
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	if f.Limit > chat.MaxPageSize {
		f.Limit = chat.MaxPageSize
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Trạng thái không hợp lệ.", Fields: map[string]string{"status": "Trạng thái không hợp lệ."}}
		}
	}
	for _, p := range f.Priorities {
		if !p.Valid() {
			return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Mức ưu tiên không hợp lệ.", Fields: map[string]string{"priority": "Mức ưu tiên phải là low, normal, high hoặc urgent."}}
		}
	}
	if f.Tag != "" {
		tag, err := chat.CleanTag(f.Tag)
		if err != nil {
			return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Nhãn không hợp lệ.", Fields: map[string]string{"tag": "Nhãn không hợp lệ."}}
		}
		f.Tag = tag
	}
	if order != chat.SortCreatedDesc && order != chat.SortPriority {
		order = chat.SortUpdatedDesc
	}
	items, next, err := s.store.FindConversations(ctx, f, order)
	if err != nil {
		if _, ok := chat.AsError(err); ok {
			return nil, "", err
		}
		return nil, "", s.unavailable(err)
	}
	return items, next, nil
}

// Claim gives an unowned conversation to the calling agent. Exactly one of
// several racing claims wins, on any node.
func (s *Service) Claim(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return s.changeConversation(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status == chat.StatusResolved {
			return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Cuộc trò chuyện đã kết thúc. Hãy mở lại trước khi nhận."}
		}
		owner, err := s.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner == actor.AgentID() {
			return c, nil
		}
		if owner != "" {
			return nil, s.alreadyAssigned(ctx, owner)
		}
		won, err := s.coord.Claim(ctx, id, actor.AgentID())
		if err != nil {
			return nil, s.unavailable(err)
		}
		if won != actor.AgentID() {
			return nil, s.alreadyAssigned(ctx, won)
		}
		return s.recordOwner(ctx, c, actor.Agent, chat.ChangeClaimed, "")
	})
}

func (s *Service) alreadyAssigned(ctx context.Context, owner string) error {
	name := s.agentName(ctx, owner)
	return &chat.Error{Code: chat.EASSIGNED, Message: fmt.Sprintf("%s đang phụ trách cuộc trò chuyện này.", name)}
}

// Transfer hands a conversation to another online-or-not enabled agent. Only
// the owner or an admin may transfer; the lock moves atomically.
func (s *Service) Transfer(ctx context.Context, actor Actor, id, toAgentID string) (*chat.Conversation, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrForbidden
	}
	to, err := s.store.Agent(ctx, toAgentID)
	if err != nil || to.Disabled {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Nhân viên nhận không hợp lệ.", Fields: map[string]string{"agentId": "Nhân viên nhận không hợp lệ."}}
	}
	return s.changeConversation(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		owner, err := s.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner != actor.AgentID() && !actor.IsAdmin() {
			return nil, chat.ErrNotAssigned
		}
		if owner == to.ID {
			return c, nil
		}
		var got string
		if owner == "" {
			got, err = s.coord.Claim(ctx, id, to.ID)
		} else {
			got, err = s.coord.Transfer(ctx, id, owner, to.ID)
		}
		if err != nil {
			return nil, s.unavailable(err)
		}
		if got != to.ID {
			return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Người phụ trách vừa thay đổi, vui lòng thử lại."}
		}
		return s.recordOwner(ctx, c, to, chat.ChangeTransferred, owner)
	})
}

// Resolve closes a conversation: the lock is released and nobody may reply
// until it is reopened (by an agent, or by the visitor writing again).
func (s *Service) Resolve(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return s.changeConversation(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status == chat.StatusResolved {
			return c, nil
		}
		owner, err := s.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner != actor.AgentID() && !actor.IsAdmin() && owner != "" {
			return nil, chat.ErrNotAssigned
		}
		if owner != "" {
			if ok, err := s.coord.Release(ctx, id, owner); err != nil {
				return nil, s.unavailable(err)
			} else if !ok {
				return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Người phụ trách vừa thay đổi, vui lòng thử lại."}
			}
		}
		now := s.now().UTC()
		status := chat.StatusResolved
		u := chat.ConversationUpdate{Status: &status, ResolvedAt: &now, UpdatedAt: now}
		if c.FirstResolvedAt == nil {
			// Kept through reopening: the visitor may still rate.
			u.FirstResolvedAt = &now
			c.FirstResolvedAt = &now
		}
		if err := s.store.UpdateConversation(ctx, id, u); err != nil {
			return nil, s.unavailable(err)
		}
		c.Status, c.ResolvedAt, c.UpdatedAt = status, &now, now
		s.systemMessage(ctx, c, fmt.Sprintf("%s đã kết thúc cuộc trò chuyện.", actor.Agent.Name))
		s.publishConversation(ctx, c, EventConversationUpdated, string(chat.ChangeResolved))
		return c, nil
	})
}

// Reopen puts a resolved conversation back in play: the agent who reopens
// it takes it.
func (s *Service) Reopen(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return s.changeConversation(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status != chat.StatusResolved {
			return c, nil
		}
		won, err := s.coord.Claim(ctx, id, actor.AgentID())
		if err != nil {
			return nil, s.unavailable(err)
		}
		if won != actor.AgentID() {
			return nil, s.alreadyAssigned(ctx, won)
		}
		return s.recordOwner(ctx, c, actor.Agent, chat.ChangeReopened, "")
	})
}

// changeConversation runs an agent's ownership change on the current state
// of a conversation, under the conversation lock.
func (s *Service) changeConversation(ctx context.Context, actor Actor, id string, change func(c *chat.Conversation) (*chat.Conversation, error)) (*chat.Conversation, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrForbidden
	}
	return s.withConversation(ctx, id, change)
}

// withConversation runs change on the current state of a conversation while
// holding its lock: every writer of a conversation document goes through
// here (or holds the lock otherwise), see lockConversation.
func (s *Service) withConversation(ctx context.Context, id string, change func(c *chat.Conversation) (*chat.Conversation, error)) (*chat.Conversation, error) {
	unlock, err := s.lockConversation(ctx, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		return nil, s.unavailable(err)
	}
	return change(c)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

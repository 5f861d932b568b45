package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Handoff records that the visitor wants a person: the bot falls silent in
// this conversation for good, the transcript says so, agents are told
// (conversation.updated "handoff"), and the conversation is offered to an
// available agent. Asking again changes nothing.
func (cs *Conversations) Handoff(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	if !actor.Visitor {
		return nil, &chat.Error{Code: chat.EFORBIDDEN, Message: "Chỉ khách hàng mới có thể yêu cầu gặp nhân viên."}
	}
	if err := cs.limits.take(ctx, "msg-visitor", id); err != nil {
		return nil, err
	}
	changed := false
	c, err := cs.locks.with(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.HandoffAt != nil {
			return c, nil
		}
		at := stamp(cs.now)
		if err := cs.store.UpdateConversation(ctx, id, chat.ConversationUpdate{HandoffAt: &at}); err != nil {
			return nil, cs.fail.unavailable(err)
		}
		c.HandoffAt, changed = &at, true
		cs.transcript.system(ctx, c, chat.Notice{Code: chat.NoticeHandoff}, "Khách muốn gặp nhân viên hỗ trợ.")
		cs.events.updated(ctx, c, chat.ChangeHandoff)
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	if changed && c.Status == chat.StatusWaiting {
		if err := cs.route.assign(ctx, c); err != nil {
			cs.log.Warn("assignment after handoff failed; conversation stays waiting", "conversation", id, "err", err)
		}
	}
	return c, nil
}

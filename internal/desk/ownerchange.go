package desk

import (
	"context"
	"fmt"

	"github.com/chatdesk/chatdesk/internal/chat"
)

var errOwnerChanged = &chat.Error{Code: chat.ECONFLICT, Message: "Người phụ trách vừa thay đổi, vui lòng thử lại."}

// Claim gives an unowned conversation to the calling agent. Exactly one of
// several racing claims wins, on any node.
func (cs *Conversations) Claim(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status == chat.StatusResolved {
			return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Cuộc trò chuyện đã kết thúc. Hãy mở lại trước khi nhận."}
		}
		owner, err := cs.lock.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner == actor.AgentID() {
			return c, nil
		}
		if owner != "" {
			return nil, cs.owners.alreadyAssigned(ctx, owner)
		}
		won, err := cs.replyLocks.Claim(ctx, id, actor.AgentID())
		if err != nil {
			return nil, cs.fail.redis(err)
		}
		if won != actor.AgentID() {
			return nil, cs.owners.alreadyAssigned(ctx, won)
		}
		return cs.owners.record(ctx, c, actor.Agent, chat.ChangeClaimed, "")
	})
}

// Transfer hands a conversation to another enabled agent, online or not.
// Only the owner or an admin may transfer; the lock moves atomically.
func (cs *Conversations) Transfer(ctx context.Context, actor Actor, id, toAgentID string) (*chat.Conversation, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	to, err := cs.store.Agent(ctx, toAgentID)
	if err != nil || to.Disabled {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Nhân viên nhận không hợp lệ.", Fields: map[string]string{"agentId": "Nhân viên nhận không hợp lệ."}}
	}
	return cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		owner, err := cs.lock.owner(ctx, c)
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
			got, err = cs.replyLocks.Claim(ctx, id, to.ID)
		} else {
			got, err = cs.replyLocks.Transfer(ctx, id, owner, to.ID)
		}
		if err != nil {
			return nil, cs.fail.redis(err)
		}
		if got != to.ID {
			return nil, errOwnerChanged
		}
		return cs.owners.record(ctx, c, to, chat.ChangeTransferred, owner)
	})
}

// errResolveUnowned answers an agent who tries to close a conversation
// nobody owns: they claim it first (then it is theirs to close).
var errResolveUnowned = &chat.Error{Code: chat.ENOTASSIGNED, Message: "Cuộc trò chuyện đang chờ chưa có người phụ trách: hãy nhận cuộc trò chuyện trước khi kết thúc (hoặc nhờ quản trị viên)."}

// Resolve closes a conversation: the lock is released and nobody may reply
// until it is reopened (by an agent, or by the visitor writing again).
// Only its owner or an admin may: a waiting conversation (no owner) is
// closed by an admin, or by an agent who claims it first — so no agent can
// silently close chats that are queued for someone else.
func (cs *Conversations) Resolve(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status == chat.StatusResolved {
			return c, nil
		}
		owner, err := cs.lock.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner == "" && !actor.IsAdmin() {
			return nil, errResolveUnowned
		}
		if owner != actor.AgentID() && !actor.IsAdmin() {
			return nil, chat.ErrNotAssigned
		}
		if owner != "" {
			if ok, err := cs.replyLocks.Release(ctx, id, owner); err != nil {
				return nil, cs.fail.redis(err)
			} else if !ok {
				return nil, errOwnerChanged
			}
		}
		now := cs.now().UTC()
		status := chat.StatusResolved
		u := chat.ConversationUpdate{Status: &status, ResolvedAt: &now, UpdatedAt: now}
		if c.FirstResolvedAt == nil {
			// Kept through reopening: the visitor may still rate.
			u.FirstResolvedAt = &now
			c.FirstResolvedAt = &now
		}
		if err := cs.store.UpdateConversation(ctx, id, u); err != nil {
			return nil, cs.fail.unavailable(err)
		}
		c.Status, c.ResolvedAt, c.UpdatedAt = status, &now, now
		cs.transcript.system(ctx, c, chat.Notice{Code: chat.NoticeResolved, Name: actor.Agent.Name}, fmt.Sprintf("%s đã kết thúc cuộc trò chuyện.", actor.Agent.Name))
		cs.events.updated(ctx, c, string(chat.ChangeResolved))
		cs.hooks.conversationResolved(ctx, c, actor.Agent)
		return c, nil
	})
}

// Reopen puts a resolved conversation back in play: the agent who reopens
// it takes it.
func (cs *Conversations) Reopen(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status != chat.StatusResolved {
			return c, nil
		}
		won, err := cs.replyLocks.Claim(ctx, id, actor.AgentID())
		if err != nil {
			return nil, cs.fail.redis(err)
		}
		if won != actor.AgentID() {
			return nil, cs.owners.alreadyAssigned(ctx, won)
		}
		return cs.owners.record(ctx, c, actor.Agent, chat.ChangeReopened, "")
	})
}

// change runs an agent's ownership change on the current state of a
// conversation, under the conversation lock.
func (cs *Conversations) change(ctx context.Context, actor Actor, id string, change func(c *chat.Conversation) (*chat.Conversation, error)) (*chat.Conversation, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	return cs.locks.with(ctx, id, change)
}

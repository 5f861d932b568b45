package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// replyLock answers who may reply in a conversation: the Redis reply lock
// decides; when Redis lost it, it is restored from its durable mirror on
// the conversation document.
type replyLock struct {
	locks ReplyLocks
	store ConversationStore
	fail  failures
}

// owner returns the agent allowed to reply, from the lock. When the lock
// is missing (Redis restarted without persistence), it is restored from
// the mirror on the conversation document with a claim (SET NX), so a
// racing claim cannot be overwritten.
func (l replyLock) owner(ctx context.Context, c *chat.Conversation) (string, error) {
	id, ok, err := l.locks.Owner(ctx, c.ID)
	if err != nil {
		return "", l.fail.redis(err)
	}
	if ok {
		return id, nil
	}
	// No lock: the document decides, and c may come from the cache (the
	// send path), so read it again before granting anything.
	fresh, err := l.store.Conversation(ctx, c.ID)
	if err != nil {
		return "", l.fail.unavailable(err)
	}
	if fresh.Status != chat.StatusAssigned || fresh.AssigneeID == "" {
		return "", nil
	}
	id, err = l.locks.Claim(ctx, c.ID, fresh.AssigneeID)
	if err != nil {
		return "", l.fail.redis(err)
	}
	return id, nil
}

// mustOwn refuses an agent that does not hold the reply lock.
func (l replyLock) mustOwn(ctx context.Context, c *chat.Conversation, agentID string) error {
	owner, err := l.owner(ctx, c)
	if err != nil {
		return err
	}
	if owner != agentID {
		return chat.ErrNotAssigned
	}
	return nil
}

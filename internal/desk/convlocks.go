package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// convLocks serialise the writers of one conversation document across
// nodes (ownership changes, triage, ratings, handoff, the bot's answer, the
// activity flush): FerretDB rewrites whole documents, so two updates racing
// on one conversation would lose one. The reply lock alone decides who may
// send; this lock keeps the changes, their mirror writes and their system
// notices from interleaving.
type convLocks struct {
	named  NamedLocks
	store  ConversationStore
	nodeID string
	fail   failures
}

func convLockName(id string) string { return "conv:" + id }

// lock takes the lock of conversation id, waiting up to a few seconds for
// a concurrent change to finish.
func (l convLocks) lock(ctx context.Context, id string) (func(), error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		unlock, err := l.named.TryLock(ctx, convLockName(id), l.nodeID+"/"+chat.NewID(), 10*time.Second)
		if err != nil {
			return nil, l.fail.redis(err)
		}
		if unlock != nil {
			return unlock, nil
		}
		if time.Now().After(deadline) {
			return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Cuộc trò chuyện đang được cập nhật, vui lòng thử lại."}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(15 * time.Millisecond):
		}
	}
}

// tryLock takes the lock only if it is free now (nil unlock otherwise).
func (l convLocks) tryLock(ctx context.Context, id string) (func(), error) {
	return l.named.TryLock(ctx, convLockName(id), l.nodeID+"/"+chat.NewID(), 10*time.Second)
}

// with runs change on the current state of a conversation while holding
// its lock.
func (l convLocks) with(ctx context.Context, id string, change func(c *chat.Conversation) (*chat.Conversation, error)) (*chat.Conversation, error) {
	unlock, err := l.lock(ctx, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	c, err := l.store.Conversation(ctx, id)
	if err != nil {
		return nil, l.fail.unavailable(err)
	}
	return change(c)
}

// waitLock takes a named lock, waiting up to wait for it.
func waitLock(ctx context.Context, named NamedLocks, name, holder string, ttl, wait time.Duration) (func(), error) {
	deadline := time.Now().Add(wait)
	for {
		unlock, err := named.TryLock(ctx, name, holder, ttl)
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

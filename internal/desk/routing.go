package desk

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// router decides who answers a conversation: assignment of new and
// reopened conversations, the waiting queue drained oldest first, and
// returning an offline agent's conversations to the queue.
type router struct {
	store interface {
		ConversationStore
		AgentStore
	}
	locks      convLocks
	owners     *ownership
	replyLocks ReplyLocks
	named      NamedLocks
	rotation   Rotation
	avail      availability
	settings   *settingsCache
	transcript *transcript
	events     *events
	bot        *botRunner
	now        Clock
	log        *slog.Logger
	nodeID     string
}

// assign gives a waiting conversation to an agent according to the
// settings, or leaves it waiting when nobody is available. It skips a
// conversation whose ownership is being changed right now (the creating
// request and a queue drain take turns, so no rotation turn is spent on a
// claim that then loses).
func (r *router) assign(ctx context.Context, c *chat.Conversation) error {
	_, err := r.tryAssign(ctx, c)
	return err
}

// assignNew is assign for the request that created c: when a concurrent
// change (a queue drain that found c first) holds the conversation, it
// waits for that change and answers with its outcome, so the creator is
// told the assignment rather than "waiting" a moment before it happens.
func (r *router) assignNew(ctx context.Context, c *chat.Conversation) (*chat.Conversation, error) {
	busy, err := r.tryAssign(ctx, c)
	if err != nil || !busy {
		return c, err
	}
	unlock, err := r.locks.lock(ctx, c.ID)
	if err != nil {
		return c, err
	}
	unlock()
	return r.store.Conversation(ctx, c.ID)
}

// tryAssign is assign; busy reports that another change held the
// conversation, so nothing was done.
func (r *router) tryAssign(ctx context.Context, c *chat.Conversation) (busy bool, err error) {
	unlock, err := r.locks.tryLock(ctx, c.ID)
	if err != nil {
		return false, err
	}
	if unlock == nil {
		return true, nil // someone else is changing it right now
	}
	defer unlock()
	if owner, found, err := r.replyLocks.Owner(ctx, c.ID); err != nil {
		return false, err
	} else if found {
		// Owned already. Normally that claim recorded itself; if its mirror
		// write failed the document still says waiting: repair it.
		cur, err := r.store.Conversation(ctx, c.ID)
		if err != nil {
			return false, err
		}
		if cur.Status == chat.StatusWaiting {
			if a, err := r.store.Agent(ctx, owner); err == nil {
				if _, err := r.owners.record(ctx, cur, a, chat.ChangeAssigned, ""); err != nil {
					return false, err
				}
			}
		}
		*c = *cur // the caller answers with what happened
		return false, nil
	}
	agent, err := r.pickAgent(ctx)
	if err != nil || agent == nil {
		return false, err
	}
	won, err := r.replyLocks.Claim(ctx, c.ID, agent.ID)
	if err != nil {
		return false, err
	}
	if won != agent.ID {
		return false, nil // a manual claim won the race
	}
	_, err = r.owners.record(ctx, c, agent, chat.ChangeAssigned, "")
	return false, err
}

// pickAgent chooses the next agent for a new conversation: the default agent
// when that mode is set and the agent is available, otherwise the next
// available agent in the shared rotation. It returns nil when nobody is
// available.
func (r *router) pickAgent(ctx context.Context) (*chat.Agent, error) {
	candidates, err := r.avail.agents(ctx)
	if err != nil || len(candidates) == 0 {
		return nil, err
	}
	set, err := r.settings.settings(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*chat.Agent{}
	ids := make([]string, 0, len(candidates))
	for _, a := range candidates {
		byID[a.ID] = a
		ids = append(ids, a.ID)
	}
	if set.AssignmentMode == chat.AssignDefault {
		if a, ok := byID[set.DefaultAgentID]; ok {
			return a, nil
		}
	}
	id, err := r.rotation.NextInRotation(ctx, ids)
	if err != nil {
		return nil, err
	}
	return byID[id], nil
}

// drain assigns waiting conversations, oldest first, while agents are
// available. One node drains at a time so the rotation stays fair.
func (r *router) drain(ctx context.Context) {
	unlock, err := r.named.TryLock(ctx, "drain", r.nodeID, 30*time.Second)
	if err != nil || unlock == nil {
		return
	}
	defer unlock()
	seen := map[string]bool{}
	for {
		waiting, err := r.store.WaitingConversations(ctx, 50)
		if err != nil {
			r.log.Warn("drain: listing waiting conversations failed", "err", err)
			return
		}
		fresh := 0
		for _, c := range waiting {
			if seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			fresh++
			if agents, err := r.avail.agents(ctx); err != nil || len(agents) == 0 {
				return
			}
			if err := r.assign(ctx, c); err != nil {
				return
			}
		}
		if fresh == 0 || len(waiting) < 50 {
			return
		}
	}
}

// drainQueue is what happens when an agent becomes available: the queue is
// drained, and the bot answers those still waiting past its wait.
func (r *router) drainQueue(ctx context.Context) {
	r.drain(ctx)
	r.bot.sweep(ctx)
}

// requeue returns an offline agent's conversations to the queue.
func (r *router) requeue(ctx context.Context, agentID string) {
	convs, err := r.store.AssignedConversations(ctx, agentID)
	if err != nil {
		r.log.Warn("requeue: listing conversations failed", "agent", agentID, "err", err)
		return
	}
	name := r.settings.agentName(ctx, agentID)
	for _, c := range convs {
		if requeued := r.requeueOne(ctx, c.ID, agentID, name); requeued != nil {
			if err := r.assign(ctx, requeued); err != nil {
				r.log.Warn("requeue: reassignment failed; left in the queue", "conversation", c.ID, "err", err)
			}
		}
	}
}

// requeueOne releases one conversation of an offline agent, under the
// conversation lock, and returns it waiting (nil when it moved on meanwhile).
func (r *router) requeueOne(ctx context.Context, id, agentID, name string) *chat.Conversation {
	unlock, err := r.locks.lock(ctx, id)
	if err != nil {
		return nil
	}
	defer unlock()
	c, err := r.store.Conversation(ctx, id)
	if err != nil || c.Status != chat.StatusAssigned || c.AssigneeID != agentID {
		return nil
	}
	if ok, err := r.replyLocks.Release(ctx, id, agentID); err != nil {
		return nil
	} else if !ok {
		if o, found, _ := r.replyLocks.Owner(ctx, id); found && o != agentID {
			return nil // moved on meanwhile
		}
	}
	now := r.now().UTC()
	status, empty, zero := chat.StatusWaiting, "", time.Time{}
	if err := r.store.UpdateConversation(ctx, id, chat.ConversationUpdate{Status: &status, AssigneeID: &empty, AssigneeName: &empty, AssigneeAvatar: &empty, AssignedAt: &zero, UpdatedAt: now}); err != nil {
		r.log.Warn("requeue: update failed", "conversation", id, "err", err)
		return nil
	}
	c.Status, c.AssigneeID, c.AssigneeName, c.AssigneeAvatarURL, c.AssignedAt, c.UpdatedAt = status, "", "", "", nil, now
	r.transcript.system(ctx, c, chat.Notice{Code: chat.NoticeAgentAway, Name: name}, fmt.Sprintf("%s hiện không trực tuyến. Cuộc trò chuyện đang chờ nhân viên khác.", name))
	r.events.updated(ctx, c, string(chat.ChangeUnassigned))
	return c
}

// reopenForVisitor moves a resolved conversation back to the queue when its
// visitor writes again, and assigns it.
func (r *router) reopenForVisitor(ctx context.Context, id string) {
	c, err := r.store.Conversation(ctx, id)
	if err != nil || c.Status != chat.StatusResolved {
		return
	}
	unlock, err := r.locks.lock(ctx, id)
	if err != nil {
		return
	}
	if c, err = r.store.Conversation(ctx, id); err != nil || c.Status != chat.StatusResolved {
		unlock()
		return
	}
	now := r.now().UTC()
	status, empty, zero := chat.StatusWaiting, "", time.Time{}
	if err := r.store.UpdateConversation(ctx, id, chat.ConversationUpdate{Status: &status, AssigneeID: &empty, AssigneeName: &empty, AssigneeAvatar: &empty, ResolvedAt: &zero, AssignedAt: &zero, UpdatedAt: now}); err != nil {
		unlock()
		return
	}
	c.Status, c.AssigneeID, c.AssigneeName, c.AssigneeAvatarURL, c.ResolvedAt, c.AssignedAt, c.UpdatedAt = status, "", "", "", nil, nil, now
	r.transcript.system(ctx, c, chat.Notice{Code: chat.NoticeReturned}, "Khách đã nhắn lại, cuộc trò chuyện được mở lại.")
	r.events.updated(ctx, c, string(chat.ChangeReopened))
	unlock()
	if err := r.assign(ctx, c); err != nil {
		r.log.Warn("assign after reopen failed", "conversation", id, "err", err)
	}
	r.bot.wake(id) // it speaks only if nobody took the conversation
}

package desk

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// owner returns the agent allowed to reply, from the Redis lock. When Redis
// has forgotten the lock (restart without persistence), it is restored from
// the mirror on the conversation document with SET NX, so a racing claim
// cannot be overwritten.
func (s *Service) owner(ctx context.Context, c *chat.Conversation) (string, error) {
	o, ok, err := s.coord.Owner(ctx, c.ID)
	if err != nil {
		return "", s.unavailable(err)
	}
	if ok {
		return o, nil
	}
	// No lock: the document decides, and c may come from the cache (the
	// send path), so read it again before granting anything.
	fresh, err := s.store.Conversation(ctx, c.ID)
	if err != nil {
		return "", s.unavailable(err)
	}
	c = fresh
	if c.Status != chat.StatusAssigned || c.AssigneeID == "" {
		return "", nil
	}
	o, err = s.coord.Claim(ctx, c.ID, c.AssigneeID)
	if err != nil {
		return "", s.unavailable(err)
	}
	return o, nil
}

// recordOwner mirrors a lock change onto the conversation document, writes
// the system notice and tells everyone.
func (s *Service) recordOwner(ctx context.Context, c *chat.Conversation, to *chat.Agent, change chat.AssignmentChange, from string) (*chat.Conversation, error) {
	now := s.now().UTC()
	status := chat.StatusAssigned
	zero := time.Time{}
	u := chat.ConversationUpdate{Status: &status, AssigneeID: &to.ID, AssigneeName: &to.Name, AssignedAt: &now, UpdatedAt: now}
	if c.Status == chat.StatusResolved {
		u.ResolvedAt = &zero
		c.ResolvedAt = nil
	}
	if err := s.store.UpdateConversation(ctx, c.ID, u); err != nil {
		// The lock is the truth; the mirror is repaired on the next change.
		s.log.Error("mirroring owner failed", "conversation", c.ID, "err", err)
		s.metrics.mongoError()
	}
	c.Status, c.AssigneeID, c.AssigneeName, c.AssignedAt, c.UpdatedAt = status, to.ID, to.Name, &now, now
	var text string
	switch change {
	case chat.ChangeTransferred:
		text = fmt.Sprintf("Cuộc trò chuyện đã được chuyển cho %s.", to.Name)
		if from != "" {
			text = fmt.Sprintf("%s đã chuyển cuộc trò chuyện cho %s.", s.agentName(ctx, from), to.Name)
		}
	case chat.ChangeReopened:
		text = fmt.Sprintf("%s đã mở lại cuộc trò chuyện.", to.Name)
	default:
		text = fmt.Sprintf("%s đã tham gia cuộc trò chuyện.", to.Name)
	}
	s.systemMessage(ctx, c, text)
	s.publishConversation(ctx, c, EventConversationUpdated, string(change))
	return c, nil
}

// lockConversation serialises ownership changes of one conversation across
// nodes (assignment, drain, claim, transfer, resolve, reopen), waiting up to
// a few seconds for a concurrent change to finish. The reply lock alone
// decides who may send; this lock keeps the changes and their mirror writes
// and system notices from interleaving.
func (s *Service) lockConversation(ctx context.Context, id string) (func(), error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		unlock, err := s.coord.TryLock(ctx, "conv:"+id, s.cfg.NodeID+"/"+chat.NewID(), 10*time.Second)
		if err != nil {
			return nil, s.unavailable(err)
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

// assign gives a waiting conversation to an agent according to the
// settings, or leaves it waiting when nobody is available. It skips a
// conversation whose ownership is being changed right now (the creating
// request and a queue drain take turns, so no rotation turn is spent on a
// claim that then loses).
func (s *Service) assign(ctx context.Context, c *chat.Conversation) error {
	unlock, err := s.coord.TryLock(ctx, "conv:"+c.ID, s.cfg.NodeID+"/"+chat.NewID(), 10*time.Second)
	if err != nil || unlock == nil {
		return err // someone else is changing it right now
	}
	defer unlock()
	if owner, found, err := s.coord.Owner(ctx, c.ID); err != nil {
		return err
	} else if found {
		// Owned already. Normally that claim recorded itself; if its mirror
		// write failed the document still says waiting: repair it.
		cur, err := s.store.Conversation(ctx, c.ID)
		if err != nil || cur.Status != chat.StatusWaiting {
			return err
		}
		if a, err := s.store.Agent(ctx, owner); err == nil {
			_, err = s.recordOwner(ctx, cur, a, chat.ChangeAssigned, "")
			return err
		}
		return nil
	}
	agent, err := s.pickAgent(ctx)
	if err != nil || agent == nil {
		return err
	}
	won, err := s.coord.Claim(ctx, c.ID, agent.ID)
	if err != nil {
		return err
	}
	if won != agent.ID {
		return nil // a manual claim won the race
	}
	_, err = s.recordOwner(ctx, c, agent, chat.ChangeAssigned, "")
	return err
}

// pickAgent chooses the next agent for a new conversation: the default agent
// when that mode is set and the agent is available, otherwise the next
// available agent in the shared rotation. Available means online, enabled
// and not away. It returns nil when nobody is available.
func (s *Service) pickAgent(ctx context.Context) (*chat.Agent, error) {
	candidates, err := s.availableAgents(ctx)
	if err != nil || len(candidates) == 0 {
		return nil, err
	}
	set, err := s.cache.settings(ctx)
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
	id, err := s.coord.NextInRotation(ctx, ids)
	if err != nil {
		return nil, err
	}
	return byID[id], nil
}

func (s *Service) availableAgents(ctx context.Context) ([]*chat.Agent, error) {
	online, err := s.coord.OnlineAgents(ctx)
	if err != nil || len(online) == 0 {
		return nil, err
	}
	away, err := s.coord.AwayAgents(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.cache.agents(ctx)
	if err != nil {
		return nil, err
	}
	isOnline := map[string]bool{}
	for _, id := range online {
		isOnline[id] = true
	}
	var out []*chat.Agent
	for _, a := range all {
		if isOnline[a.ID] && !away[a.ID] && !a.Disabled {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// drain assigns waiting conversations, oldest first, while agents are
// available. One node drains at a time so the rotation stays fair.
func (s *Service) drain(ctx context.Context) {
	unlock, err := s.coord.TryLock(ctx, "drain", s.cfg.NodeID, 30*time.Second)
	if err != nil || unlock == nil {
		return
	}
	defer unlock()
	seen := map[string]bool{}
	for {
		waiting, err := s.store.WaitingConversations(ctx, 50)
		if err != nil {
			s.log.Warn("drain: listing waiting conversations failed", "err", err)
			return
		}
		fresh := 0
		for _, c := range waiting {
			if seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			fresh++
			if agents, err := s.availableAgents(ctx); err != nil || len(agents) == 0 {
				return
			}
			if err := s.assign(ctx, c); err != nil {
				return
			}
		}
		if fresh == 0 || len(waiting) < 50 {
			return
		}
	}
}

// requeue returns an offline agent's conversations to the queue.
func (s *Service) requeue(ctx context.Context, agentID string) {
	convs, err := s.store.AssignedConversations(ctx, agentID)
	if err != nil {
		s.log.Warn("requeue: listing conversations failed", "agent", agentID, "err", err)
		return
	}
	name := s.agentName(ctx, agentID)
	for _, c := range convs {
		if requeued := s.requeueOne(ctx, c.ID, agentID, name); requeued != nil {
			if err := s.assign(ctx, requeued); err != nil {
				s.log.Warn("requeue: reassignment failed; left in the queue", "conversation", c.ID, "err", err)
			}
		}
	}
}

// requeueOne releases one conversation of an offline agent, under the
// conversation lock, and returns it waiting (nil when it moved on meanwhile).
func (s *Service) requeueOne(ctx context.Context, id, agentID, name string) *chat.Conversation {
	unlock, err := s.lockConversation(ctx, id)
	if err != nil {
		return nil
	}
	defer unlock()
	c, err := s.store.Conversation(ctx, id)
	if err != nil || c.Status != chat.StatusAssigned || c.AssigneeID != agentID {
		return nil
	}
	if ok, err := s.coord.Release(ctx, id, agentID); err != nil {
		return nil
	} else if !ok {
		if o, found, _ := s.coord.Owner(ctx, id); found && o != agentID {
			return nil // moved on meanwhile
		}
	}
	now := s.now().UTC()
	status, empty, zero := chat.StatusWaiting, "", time.Time{}
	if err := s.store.UpdateConversation(ctx, id, chat.ConversationUpdate{Status: &status, AssigneeID: &empty, AssigneeName: &empty, AssignedAt: &zero, UpdatedAt: now}); err != nil {
		s.log.Warn("requeue: update failed", "conversation", id, "err", err)
		return nil
	}
	c.Status, c.AssigneeID, c.AssigneeName, c.AssignedAt, c.UpdatedAt = status, "", "", nil, now
	s.systemMessage(ctx, c, fmt.Sprintf("%s hiện không trực tuyến. Cuộc trò chuyện đang chờ nhân viên khác.", name))
	s.publishConversation(ctx, c, EventConversationUpdated, string(chat.ChangeUnassigned))
	return c
}

func (s *Service) agentName(ctx context.Context, id string) string {
	agents, err := s.cache.agents(ctx)
	if err == nil {
		for _, a := range agents {
			if a.ID == id {
				return a.Name
			}
		}
	}
	if a, err := s.store.Agent(ctx, id); err == nil {
		return a.Name
	}
	return "Một nhân viên khác"
}

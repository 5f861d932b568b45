package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// AgentView is an agent as other agents see it.
type AgentView = chat.AgentView

// AgentOnline is called by a node when an agent's first socket on it
// connects: from its return the agent counts as online for assignment. If
// the agent was offline everywhere, the returned announce tells everyone
// and drains the waiting conversations to the agents now available; the
// caller runs it once the socket has its session.ready, so that the
// presence event follows it.
func (s *Service) AgentOnline(ctx context.Context, agent *chat.Agent) (announce func()) {
	came, err := s.coord.Join(ctx, agent.ID, s.cfg.NodeID, s.cfg.PresenceTTL)
	if err != nil {
		s.log.Warn("presence join failed", "agent", agent.ID, "err", err)
		return func() {}
	}
	if !came {
		return func() {}
	}
	return func() {
		s.announcePresence(ctx, agent.ID, agent.Name)
		go s.drainSoon()
	}
}

// AgentOffline is called by a node when an agent's last socket on it closes.
func (s *Service) AgentOffline(ctx context.Context, agent *chat.Agent) {
	gone, err := s.coord.Leave(ctx, agent.ID, s.cfg.NodeID)
	if err != nil {
		s.log.Warn("presence leave failed", "agent", agent.ID, "err", err)
		return
	}
	if gone {
		s.announcePresence(ctx, agent.ID, agent.Name)
	}
}

// HeartbeatEvery is how often nodes must refresh their agents' presence:
// a quarter of the TTL, so three missed beats still keep an agent online.
func (s *Service) HeartbeatEvery() time.Duration { return s.cfg.PresenceTTL / 4 }

// Heartbeat keeps this node's agents online; call it every HeartbeatEvery.
func (s *Service) Heartbeat(ctx context.Context, agentIDs []string) error {
	return s.coord.Heartbeat(ctx, s.cfg.NodeID, agentIDs, s.cfg.PresenceTTL)
}

// SetAgentStatus lets an agent pause ("away") or resume new assignments.
func (s *Service) SetAgentStatus(ctx context.Context, actor Actor, status string) error {
	if !actor.IsAgent() {
		return chat.ErrForbidden
	}
	if status != "online" && status != "away" {
		return &chat.Error{Code: chat.EINVALID, Message: "Trạng thái không hợp lệ.", Fields: map[string]string{"status": "Chỉ chấp nhận online hoặc away."}}
	}
	if err := s.coord.SetAway(ctx, actor.AgentID(), status == "away"); err != nil {
		return s.unavailable(err)
	}
	s.announcePresence(ctx, actor.AgentID(), actor.Agent.Name)
	if status == "online" {
		go s.drainSoon()
	}
	return nil
}

// Agents lists agents with their presence, for the dashboard.
func (s *Service) Agents(ctx context.Context, actor Actor) ([]AgentView, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrForbidden
	}
	all, err := s.cache.agents(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	online, away, err := s.presenceSets(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	out := make([]AgentView, 0, len(all))
	for _, a := range all {
		if a.Disabled {
			continue
		}
		out = append(out, AgentView{ID: a.ID, Name: a.Name, Role: a.Role, Online: online[a.ID], Status: statusOf(online[a.ID], away[a.ID])})
	}
	return out, nil
}

// SupportOnline reports whether any agent is online, for visitors.
func (s *Service) SupportOnline(ctx context.Context) bool {
	ids, err := s.coord.OnlineAgents(ctx)
	return err == nil && len(ids) > 0
}

func (s *Service) presenceSets(ctx context.Context) (online, away map[string]bool, err error) {
	ids, err := s.coord.OnlineAgents(ctx)
	if err != nil {
		return nil, nil, err
	}
	away, err = s.coord.AwayAgents(ctx)
	if err != nil {
		return nil, nil, err
	}
	online = make(map[string]bool, len(ids))
	for _, id := range ids {
		online[id] = true
	}
	return online, away, nil
}

func statusOf(online, away bool) string {
	switch {
	case !online:
		return "offline"
	case away:
		return "away"
	}
	return "online"
}

func (s *Service) announcePresence(ctx context.Context, agentID, name string) {
	online, away, err := s.presenceSets(ctx)
	if err != nil {
		s.log.Warn("presence read failed", "err", err)
		return
	}
	if name == "" {
		name = s.agentName(ctx, agentID)
	}
	s.publish(ctx, AgentsTopic, EventAgentPresence, AgentPresence{
		AgentID: agentID, Name: name, Online: online[agentID],
		Status: statusOf(online[agentID], away[agentID]), OnlineCount: len(online),
	})
}

func (s *Service) drainSoon() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.drain(ctx)
	s.botSweep(ctx)
}

// janitor runs on every node: it turns expired presence into offline
// transitions (a crashed node's agents), returns conversations of agents
// offline past the grace period to the queue, and drains the queue. Each
// step is atomic in Redis, so nodes running it concurrently do each piece
// of work once.
func (s *Service) janitor() {
	tick := time.NewTicker(s.cfg.JanitorEvery)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
			s.janitorTick()
		}
	}
}

func (s *Service) janitorTick() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	gone, err := s.coord.Reap(ctx)
	if err != nil {
		return
	}
	for _, id := range gone {
		s.announcePresence(ctx, id, "")
	}
	expired, err := s.coord.TakeOfflineSince(ctx, s.now().Add(-s.cfg.Grace))
	if err != nil {
		return
	}
	online, _, _ := s.presenceSets(ctx)
	for _, id := range expired {
		if !online[id] {
			s.requeue(ctx, id)
		}
	}
	s.drain(ctx)
	s.botSweep(ctx)
}

package desk

import (
	"context"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Presence is whether agents are there: sockets coming and going on every
// node, heartbeats, and the away status that pauses new assignments.
type Presence struct {
	presence PresenceTracker
	avail    availability
	settings *settingsCache
	events   *events
	queue    *router
	bot      *botRunner
	tasks    *tasks
	nodeID   string
	ttl      time.Duration
	log      *slog.Logger
	fail     failures
}

// AgentOnline is called by a node when an agent's first socket on it
// connects: from its return the agent counts as online for assignment. If
// the agent was offline everywhere, the returned announce tells everyone
// and drains the waiting conversations to the agents now available; the
// caller runs it once the socket has its session.ready, so that the
// presence event follows it.
func (p *Presence) AgentOnline(ctx context.Context, agent *chat.Agent) (announce func()) {
	came, err := p.presence.Join(ctx, agent.ID, p.nodeID, p.ttl)
	if err != nil {
		p.log.Warn("presence join failed", "agent", agent.ID, "err", err)
		return func() {}
	}
	if !came {
		return func() {}
	}
	return func() {
		p.announce(ctx, agent.ID, agent.Name)
		p.drainSoon()
	}
}

// AgentOffline is called by a node when an agent's last socket on it closes.
func (p *Presence) AgentOffline(ctx context.Context, agent *chat.Agent) {
	gone, err := p.presence.Leave(ctx, agent.ID, p.nodeID)
	if err != nil {
		p.log.Warn("presence leave failed", "agent", agent.ID, "err", err)
		return
	}
	if gone {
		p.announce(ctx, agent.ID, agent.Name)
	}
}

// HeartbeatEvery is how often nodes must refresh their agents' presence:
// a quarter of the TTL, so three missed beats still keep an agent online.
func (p *Presence) HeartbeatEvery() time.Duration { return p.ttl / 4 }

// Heartbeat keeps this node's agents online; call it every HeartbeatEvery.
func (p *Presence) Heartbeat(ctx context.Context, agentIDs []string) error {
	return p.presence.Heartbeat(ctx, p.nodeID, agentIDs, p.ttl)
}

// SetAgentStatus lets an agent pause ("away") or resume new assignments.
func (p *Presence) SetAgentStatus(ctx context.Context, actor Actor, status string) error {
	if err := requireAgent(actor); err != nil {
		return err
	}
	if status != "online" && status != "away" {
		return &chat.Error{Code: chat.EINVALID, Message: "Trạng thái không hợp lệ.", Fields: map[string]string{"status": "Chỉ chấp nhận online hoặc away."}}
	}
	if err := p.presence.SetAway(ctx, actor.AgentID(), status == "away"); err != nil {
		return p.fail.redis(err)
	}
	p.announce(ctx, actor.AgentID(), actor.Agent.Name)
	if status == "online" {
		p.drainSoon()
	}
	return nil
}

// Agents lists agents with their presence, for the dashboard.
func (p *Presence) Agents(ctx context.Context, actor Actor) ([]chat.AgentView, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	all, err := p.settings.agents(ctx)
	if err != nil {
		return nil, p.fail.unavailable(err)
	}
	online, away, err := p.avail.sets(ctx)
	if err != nil {
		return nil, p.fail.redis(err)
	}
	out := make([]chat.AgentView, 0, len(all))
	for _, a := range all {
		if a.Disabled {
			continue
		}
		out = append(out, chat.AgentView{ID: a.ID, Name: a.Name, Role: a.Role, Online: online[a.ID], Status: statusOf(online[a.ID], away[a.ID]), AvatarURL: a.AvatarURL})
	}
	return out, nil
}

// SupportOnline reports whether an agent is available to take a chat now
// (within office hours, online and not away), for visitors.
func (p *Presence) SupportOnline(ctx context.Context) bool { return p.avail.supportOnline(ctx) }

func (p *Presence) announce(ctx context.Context, agentID, name string) {
	online, away, err := p.avail.sets(ctx)
	if err != nil {
		p.log.Warn("presence read failed", "err", err)
		return
	}
	if name == "" {
		name = p.settings.agentName(ctx, agentID)
	}
	available, err := p.avail.agents(ctx)
	if err != nil {
		p.log.Warn("presence read failed", "err", err)
		return
	}
	p.events.publish(ctx, AgentsTopic, protocol.EvtAgentPresence, protocol.AgentPresence{
		AgentID: agentID, Name: name, Online: online[agentID],
		Status: statusOf(online[agentID], away[agentID]), OnlineCount: len(available),
	})
}

// drainSoon drains the queue in the background: an agent became available.
func (p *Presence) drainSoon() {
	p.tasks.goWithin(30*time.Second, p.queue.drainQueue)
}

package desk

import (
	"context"
	"sort"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// availability answers who can take a conversation now, from presence (a
// socket on some node), the away set and the agent list.
type availability struct {
	presence PresenceTracker
	settings *settingsCache
}

// sets returns who is online and who is away.
func (a availability) sets(ctx context.Context) (online, away map[string]bool, err error) {
	ids, err := a.presence.OnlineAgents(ctx)
	if err != nil {
		return nil, nil, err
	}
	away, err = a.presence.AwayAgents(ctx)
	if err != nil {
		return nil, nil, err
	}
	online = make(map[string]bool, len(ids))
	for _, id := range ids {
		online[id] = true
	}
	return online, away, nil
}

// supportOnline reports whether any agent is online.
func (a availability) supportOnline(ctx context.Context) bool {
	ids, err := a.presence.OnlineAgents(ctx)
	return err == nil && len(ids) > 0
}

// agents returns the agents available for new conversations (online,
// enabled, not away), ordered by id.
func (a availability) agents(ctx context.Context) ([]*chat.Agent, error) {
	online, err := a.presence.OnlineAgents(ctx)
	if err != nil || len(online) == 0 {
		return nil, err
	}
	away, err := a.presence.AwayAgents(ctx)
	if err != nil {
		return nil, err
	}
	all, err := a.settings.agents(ctx)
	if err != nil {
		return nil, err
	}
	isOnline := map[string]bool{}
	for _, id := range online {
		isOnline[id] = true
	}
	var out []*chat.Agent
	for _, ag := range all {
		if isOnline[ag.ID] && !away[ag.ID] && !ag.Disabled {
			out = append(out, ag)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
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

package desk

import (
	"context"
	"sort"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// availability answers who can take a conversation now, from presence (a
// socket on some node), the away set, the agent list and the office hours.
// Online for visitors means exactly this: an agent available to take the
// chat. An agent who is away, or any agent outside office hours, is not.
type availability struct {
	presence PresenceTracker
	settings *settingsCache
	now      Clock
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

// hours returns the office hours; when they cannot be read, support counts
// as open (conversations are assigned rather than parked for a database
// hiccup).
func (a availability) hours(ctx context.Context) chat.OfficeHours {
	h, err := a.settings.officeHours(ctx)
	if err != nil {
		return chat.OfficeHours{}
	}
	return h
}

// open reports whether support is within its office hours now.
func (a availability) open(ctx context.Context) bool { return a.hours(ctx).OpenAt(a.now()) }

// nextOpen returns when support opens next (nil when it is open now or the
// schedule never opens).
func (a availability) nextOpen(ctx context.Context) *time.Time {
	h := a.hours(ctx)
	now := a.now()
	if h.OpenAt(now) {
		return nil
	}
	next, ok := h.NextOpen(now)
	if !ok {
		return nil
	}
	next = next.UTC()
	return &next
}

// supportOnline reports whether an agent is available to take a chat now:
// within office hours, online, not away, enabled.
func (a availability) supportOnline(ctx context.Context) bool {
	agents, err := a.agents(ctx)
	return err == nil && len(agents) > 0
}

// agents returns the agents available for new conversations (within office
// hours: online, enabled, not away), ordered by id.
func (a availability) agents(ctx context.Context) ([]*chat.Agent, error) {
	online, err := a.presence.OnlineAgents(ctx)
	if err != nil || len(online) == 0 {
		return nil, err
	}
	if !a.open(ctx) {
		return nil, nil
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

// leftMessage says why a conversation started now is a message left for
// later (chat.LeftOutsideHours, chat.LeftNoAgent), or "" when an agent can
// take it.
func (a availability) leftMessage(ctx context.Context) string {
	switch {
	case !a.open(ctx):
		return chat.LeftOutsideHours
	case !a.supportOnline(ctx):
		return chat.LeftNoAgent
	}
	return ""
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

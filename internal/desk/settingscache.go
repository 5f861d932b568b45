package desk

import (
	"context"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// settingsCache keeps the small, rarely changing documents every request
// needs (the form, settings, the agent list) for a few seconds. Nodes are
// stateless: a change made on another node shows here within
// settingsCacheTTL, and at once on the node that made it.
type settingsCache struct {
	store interface {
		FormStore
		SettingsStore
		AgentStore
	}
	mu    sync.Mutex
	form  cached[[]chat.FormField]
	sets  cached[chat.Settings]
	bot   cached[chat.BotSettings]
	hours cached[chat.OfficeHours]
	ident cached[chat.IdentitySettings]
	agent cached[[]*chat.Agent]
}

const settingsCacheTTL = 3 * time.Second

type cached[T any] struct {
	val T
	at  time.Time
}

func newSettingsCache(store Store) *settingsCache { return &settingsCache{store: store} }

func load[T any](ctx context.Context, mu *sync.Mutex, c *cached[T], fetch func(context.Context) (T, error)) (T, error) {
	mu.Lock()
	if !c.at.IsZero() && time.Since(c.at) < settingsCacheTTL {
		v := c.val
		mu.Unlock()
		return v, nil
	}
	mu.Unlock()
	v, err := fetch(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	mu.Lock()
	c.val, c.at = v, time.Now()
	mu.Unlock()
	return v, nil
}

func (c *settingsCache) formFields(ctx context.Context) ([]chat.FormField, error) {
	return load(ctx, &c.mu, &c.form, c.store.FormFields)
}

func (c *settingsCache) settings(ctx context.Context) (chat.Settings, error) {
	return load(ctx, &c.mu, &c.sets, c.store.Settings)
}

func (c *settingsCache) botSettings(ctx context.Context) (chat.BotSettings, error) {
	return load(ctx, &c.mu, &c.bot, c.store.BotSettings)
}

func (c *settingsCache) officeHours(ctx context.Context) (chat.OfficeHours, error) {
	return load(ctx, &c.mu, &c.hours, c.store.OfficeHours)
}

func (c *settingsCache) identity(ctx context.Context) (chat.IdentitySettings, error) {
	return load(ctx, &c.mu, &c.ident, c.store.IdentitySettings)
}

func (c *settingsCache) agents(ctx context.Context) ([]*chat.Agent, error) {
	return load(ctx, &c.mu, &c.agent, c.store.Agents)
}

func (c *settingsCache) invalidate() {
	c.mu.Lock()
	c.form.at, c.sets.at, c.agent.at, c.bot.at, c.hours.at, c.ident.at = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	c.mu.Unlock()
}

// agentName names an agent for system notices and errors.
func (c *settingsCache) agentName(ctx context.Context, id string) string {
	agents, err := c.agents(ctx)
	if err == nil {
		for _, a := range agents {
			if a.ID == id {
				return a.Name
			}
		}
	}
	if a, err := c.store.Agent(ctx, id); err == nil {
		return a.Name
	}
	return "Một nhân viên khác"
}

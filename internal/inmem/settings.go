package inmem

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Settings returns the saved settings, or chat.DefaultSettings() when none
// were saved.
func (s *Store) Settings(ctx context.Context) (chat.Settings, error) {
	return read(ctx, s, func() (chat.Settings, error) { return savedOr(s.settings, chat.DefaultSettings(), cloneSettings), nil })
}

// SaveSettings replaces the settings.
func (s *Store) SaveSettings(ctx context.Context, v chat.Settings) error {
	v = cloneSettings(v)
	return s.write(ctx, func() error { s.settings = &v; return nil })
}

// BotSettings returns the saved bot settings, or chat.DefaultBotSettings().
func (s *Store) BotSettings(ctx context.Context) (chat.BotSettings, error) {
	return read(ctx, s, func() (chat.BotSettings, error) {
		return savedOr(s.bot, chat.DefaultBotSettings(), cloneBotSettings), nil
	})
}

// SaveBotSettings replaces the bot settings (APIKeySet is derived, not kept).
func (s *Store) SaveBotSettings(ctx context.Context, b chat.BotSettings) error {
	b = cloneBotSettings(b)
	return s.write(ctx, func() error { s.bot = &b; return nil })
}

// savedOr returns a copy of what was saved, def when nothing was.
func savedOr[T any](saved *T, def T, clone func(T) T) T {
	if saved == nil {
		return def
	}
	return clone(*saved)
}

// OfficeHours returns the saved office hours, or chat.DefaultOfficeHours().
func (s *Store) OfficeHours(ctx context.Context) (chat.OfficeHours, error) {
	return read(ctx, s, func() (chat.OfficeHours, error) {
		return savedOr(s.hours, chat.DefaultOfficeHours(), cloneOfficeHours), nil
	})
}

// SaveOfficeHours replaces the office hours.
func (s *Store) SaveOfficeHours(ctx context.Context, h chat.OfficeHours) error {
	h = cloneOfficeHours(h)
	return s.write(ctx, func() error { s.hours = &h; return nil })
}

// IdentitySettings returns the saved identity settings, or the zero ones.
func (s *Store) IdentitySettings(ctx context.Context) (chat.IdentitySettings, error) {
	return read(ctx, s, func() (chat.IdentitySettings, error) {
		return savedOr(s.identity, chat.IdentitySettings{}, cloneIdentity), nil
	})
}

// SaveIdentitySettings replaces the identity settings (SecretSet and
// SecretHint are derived, not kept).
func (s *Store) SaveIdentitySettings(ctx context.Context, v chat.IdentitySettings) error {
	v = cloneIdentity(v)
	return s.write(ctx, func() error { s.identity = &v; return nil })
}

func cloneIdentity(v chat.IdentitySettings) chat.IdentitySettings {
	v.SecretSet, v.SecretHint = false, ""
	if v.RotatedAt != nil {
		t := *v.RotatedAt
		v.RotatedAt = &t
	}
	return v
}

package inmem

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Settings returns the saved settings, or chat.DefaultSettings() when none
// were saved.
func (s *Store) Settings(ctx context.Context) (chat.Settings, error) {
	if err := s.check(ctx); err != nil {
		return chat.Settings{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.settings == nil {
		return chat.DefaultSettings(), nil
	}
	return cloneSettings(*s.settings), nil
}

// SaveSettings replaces the settings.
func (s *Store) SaveSettings(ctx context.Context, v chat.Settings) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	v = cloneSettings(v)
	s.mu.Lock()
	s.settings = &v
	s.mu.Unlock()
	return nil
}

// BotSettings returns the saved bot settings, or chat.DefaultBotSettings().
func (s *Store) BotSettings(ctx context.Context) (chat.BotSettings, error) {
	if err := s.check(ctx); err != nil {
		return chat.BotSettings{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.bot == nil {
		return chat.DefaultBotSettings(), nil
	}
	return cloneBotSettings(*s.bot), nil
}

// SaveBotSettings replaces the bot settings (APIKeySet is derived, not kept).
func (s *Store) SaveBotSettings(ctx context.Context, b chat.BotSettings) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	b = cloneBotSettings(b)
	s.mu.Lock()
	s.bot = &b
	s.mu.Unlock()
	return nil
}

package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// BotSettings returns the bot configuration to an admin, without the key.
func (ad *Admin) BotSettings(ctx context.Context, actor Actor) (chat.BotSettings, error) {
	if !actor.IsAdmin() {
		return chat.BotSettings{}, chat.ErrForbidden
	}
	b, err := ad.store.BotSettings(ctx)
	if err != nil {
		return chat.BotSettings{}, ad.fail.unavailable(err)
	}
	return b.Public(), nil
}

// SaveBotSettings validates and stores the bot configuration; an empty key
// keeps the stored one.
func (ad *Admin) SaveBotSettings(ctx context.Context, actor Actor, b chat.BotSettings) (chat.BotSettings, error) {
	if !actor.IsAdmin() {
		return chat.BotSettings{}, chat.ErrForbidden
	}
	prev, err := ad.store.BotSettings(ctx)
	if err != nil {
		return chat.BotSettings{}, ad.fail.unavailable(err)
	}
	if err := chat.ValidateBotUpdate(&b, prev); err != nil {
		return chat.BotSettings{}, err
	}
	if err := ad.store.SaveBotSettings(ctx, b); err != nil {
		return chat.BotSettings{}, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditBotChanged, "bot", "Cập nhật cài đặt trợ lý ảo.")
	return b.Public(), nil
}

package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Settings returns the installation settings to an admin.
func (ad *Admin) Settings(ctx context.Context, actor Actor) (chat.Settings, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.Settings{}, err
	}
	set, err := ad.store.Settings(ctx)
	if err != nil {
		return chat.Settings{}, ad.fail.unavailable(err)
	}
	return set, nil
}

// SaveSettings validates and stores settings.
func (ad *Admin) SaveSettings(ctx context.Context, actor Actor, set chat.Settings) (chat.Settings, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.Settings{}, err
	}
	agents, err := ad.store.Agents(ctx)
	if err != nil {
		return chat.Settings{}, ad.fail.unavailable(err)
	}
	exists := func(id string) bool {
		for _, a := range agents {
			if a.ID == id && !a.Disabled {
				return true
			}
		}
		return false
	}
	if set.Greetings == nil {
		// A body without "greetings" (a client that predates them) keeps
		// the stored ones rather than erasing them.
		cur, err := ad.settings.settings(ctx)
		if err != nil {
			return chat.Settings{}, ad.fail.unavailable(err)
		}
		set.Greetings = cur.Greetings
	}
	if err := chat.ValidateSettings(&set, exists); err != nil {
		return chat.Settings{}, err
	}
	if err := ad.store.SaveSettings(ctx, set); err != nil {
		return chat.Settings{}, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditSettingsChanged, "settings", "Cập nhật cài đặt chung (phân công, website nhúng, giao diện widget, ngôn ngữ).")
	return set, nil
}

// WidgetConfig is the public part of the settings: what the widget shows
// before the form.
type WidgetConfig struct {
	Title    string `json:"title"`
	Greeting string `json:"greeting"`
	Color    string `json:"color"`
	// SupportOnline: an agent can take a chat now (within office hours,
	// online, not away). When false the form becomes "leave a message".
	SupportOnline bool `json:"supportOnline"`
	// Open: within office hours (always true without a schedule).
	Open bool `json:"open"`
	// NextOpen: when support opens next, while closed (else null).
	NextOpen    *time.Time `json:"nextOpen"`
	AwayMessage string     `json:"awayMessage"`
	ReplyTime   string     `json:"replyTime"`
	// AutoLanguage: the widget follows the visitor's browser language
	// (English when it is not Vietnamese); else Vietnamese unless the page
	// asks (data-lang).
	AutoLanguage bool `json:"autoLanguage"`
	// EmailTranscript: email is configured, so the widget offers "Gửi bản
	// ghi qua email" (POST /api/conversations/:id/transcript).
	EmailTranscript bool `json:"emailTranscript"`
	// VerifiedOnly: only visitors the page identifies with a valid hash
	// may start a conversation (ChatDesk.setUser).
	VerifiedOnly bool `json:"verifiedOnly"`
	// Greetings: the enabled proactive greetings, as [pattern, delay
	// seconds, text] (short: every page view downloads them).
	Greetings [][3]any `json:"greetings"`
}

// PublicWidgetConfig returns what the widget shows before the form.
func (ad *Admin) PublicWidgetConfig(ctx context.Context) (WidgetConfig, error) {
	set, err := ad.settings.settings(ctx)
	if err != nil {
		return WidgetConfig{}, ad.fail.unavailable(err)
	}
	ident, err := ad.settings.identity(ctx)
	if err != nil {
		return WidgetConfig{}, ad.fail.unavailable(err)
	}
	h := ad.avail.hours(ctx)
	greetings := [][3]any{}
	for _, g := range set.Greetings {
		if g.Enabled {
			greetings = append(greetings, [3]any{g.Pattern, g.DelaySeconds, g.Text})
		}
	}
	return WidgetConfig{Greetings: greetings,
		Title: set.WidgetTitle, Greeting: set.WidgetGreeting, Color: set.WidgetColor,
		SupportOnline: ad.avail.supportOnline(ctx), Open: h.OpenAt(ad.now()), NextOpen: ad.avail.nextOpen(ctx),
		AwayMessage: h.AwayMessage, ReplyTime: h.ReplyTime, AutoLanguage: set.AutoLanguage,
		EmailTranscript: ad.mail.configured(ctx), VerifiedOnly: ident.VerifiedOnly,
	}, nil
}

// OriginAllowed reports whether a browser page at origin may embed the
// widget (WebSocket Origin check, CORS). Same-origin requests (the
// dashboard, /demo) have an origin equal to publicOrigin.
func (ad *Admin) OriginAllowed(ctx context.Context, origin, publicOrigin string) bool {
	if ad.cfg.AllowAnyOrigin {
		return true
	}
	o, ok := chat.NormalizeOrigin(origin)
	if !ok {
		return false
	}
	if po, ok := chat.NormalizeOrigin(publicOrigin); ok && po == o {
		return true
	}
	for _, e := range ad.cfg.EnvOrigins {
		if n, ok := chat.NormalizeOrigin(e); ok && n == o {
			return true
		}
	}
	set, err := ad.settings.settings(ctx)
	if err != nil {
		return false
	}
	for _, a := range set.AllowedOrigins {
		if a == o {
			return true
		}
	}
	return false
}

package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// IdentitySettings returns the verified identity settings to an admin,
// without the secret.
func (ad *Admin) IdentitySettings(ctx context.Context, actor Actor) (chat.IdentitySettings, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.IdentitySettings{}, err
	}
	s, err := ad.store.IdentitySettings(ctx)
	if err != nil {
		return chat.IdentitySettings{}, ad.fail.unavailable(err)
	}
	return s.Public(), nil
}

// SaveIdentitySettings stores whether only verified visitors may start a
// conversation. Only VerifiedOnly is read from in: the secret is generated
// by RotateIdentitySecret and never written by a client.
func (ad *Admin) SaveIdentitySettings(ctx context.Context, actor Actor, in chat.IdentitySettings) (chat.IdentitySettings, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.IdentitySettings{}, err
	}
	s, err := ad.store.IdentitySettings(ctx)
	if err != nil {
		return chat.IdentitySettings{}, ad.fail.unavailable(err)
	}
	s.VerifiedOnly = in.VerifiedOnly
	if err := chat.ValidateIdentitySettings(s); err != nil {
		return chat.IdentitySettings{}, err
	}
	if err := ad.store.SaveIdentitySettings(ctx, s); err != nil {
		return chat.IdentitySettings{}, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	detail := "Tắt \"Chỉ nhận khách đã xác minh\"."
	if s.VerifiedOnly {
		detail = "Bật \"Chỉ nhận khách đã xác minh\"."
	}
	ad.audit.record(ctx, actor, chat.AuditSettingsChanged, "identity", detail)
	return s.Public(), nil
}

// RotateIdentitySecret generates a new identity secret, replacing the old
// one at once (hashes made with it are refused from now on: on every node
// within the settings cache's few seconds). The answer is the only one
// that carries the secret.
func (ad *Admin) RotateIdentitySecret(ctx context.Context, actor Actor) (chat.IdentitySettings, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.IdentitySettings{}, err
	}
	s, err := ad.store.IdentitySettings(ctx)
	if err != nil {
		return chat.IdentitySettings{}, ad.fail.unavailable(err)
	}
	now := stamp(ad.now)
	s.Secret, s.RotatedAt = chat.NewIdentitySecret(), &now
	if err := ad.store.SaveIdentitySettings(ctx, s); err != nil {
		return chat.IdentitySettings{}, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	out := s.Public()
	// The log names the new secret by its hint only.
	ad.audit.record(ctx, actor, chat.AuditSettingsChanged, "identity", "Tạo khóa bí mật xác minh danh tính mới ("+out.SecretHint+"); hash tạo bằng khóa cũ bị từ chối.")
	out.Secret = s.Secret
	return out, nil
}

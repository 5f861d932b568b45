package desk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Privacy is what Vietnam's personal data law asks of the installation
// (Law 91/2025/QH15, Decree 356/2025/ND-CP; deploy/README.vi.md): the
// notice shown before the form collects anything and the consent it may
// require (recorded on each conversation), a contact's data exported or
// erased on request, and conversations kept no longer than set (retention).
type Privacy struct {
	store     Store
	cache     *privacyCache
	erase     *eraser
	retention *retention
	blocks    *blockCache
	audit     auditLog
	now       Clock
	fail      failures
	// contactErased is Core.ContactErased: webhooks learn of an erasure
	// (contact.erased) and forget their payloads about it; forget only
	// forgets them (an erasure interrupted part-way, retention).
	contactErased func(ctx context.Context, phone string, conversationIDs []string)
	forget        func(ctx context.Context, conversationIDs []string)
}

// PrivacyView is what an admin reads: the settings and every published
// version of the notice.
type PrivacyView struct {
	Privacy chat.PrivacySettings `json:"privacy"`
	Notices []chat.PrivacyNotice `json:"notices"`
}

// Settings returns the privacy settings and the notice's versions.
func (p *Privacy) Settings(ctx context.Context, actor Actor) (*PrivacyView, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	set, err := p.store.PrivacySettings(ctx)
	if err != nil {
		return nil, p.fail.unavailable(err)
	}
	ns, err := p.store.PrivacyNotices(ctx)
	if err != nil {
		return nil, p.fail.unavailable(err)
	}
	return &PrivacyView{Privacy: set, Notices: ns}, nil
}

var errPrivacyRace = &chat.Error{Code: chat.ECONFLICT, Message: "Một quản trị viên khác vừa cập nhật thông báo. Vui lòng tải lại trang và thử lại."}

// Save validates and stores the privacy settings. A changed notice (text,
// consent box or its label) is published as a new version first, kept for
// ever: conversations record the version their visitor saw.
func (p *Privacy) Save(ctx context.Context, actor Actor, in chat.PrivacySettings) (*PrivacyView, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if err := chat.ValidatePrivacySettings(&in); err != nil {
		return nil, err
	}
	cur, err := p.store.PrivacySettings(ctx)
	if err != nil {
		return nil, p.fail.unavailable(err)
	}
	now := stamp(p.now)
	in.Version, in.UpdatedAt = cur.Version, &now
	published := false
	if chat.NoticeChanged(cur, in) {
		in.Version = cur.Version + 1
		err := p.store.PublishPrivacyNotice(ctx, chat.PrivacyNotice{Version: in.Version, Notice: in.Notice, ConsentRequired: in.ConsentRequired,
			ConsentLabel: in.ConsentLabel, PublishedAt: now, PublishedByID: actor.AgentID(), PublishedByName: actor.Agent.Name})
		if errors.Is(err, chat.ErrDuplicateKey) {
			return nil, errPrivacyRace
		} else if err != nil {
			return nil, p.fail.unavailable(err)
		}
		published = true
	}
	if err := p.store.SavePrivacySettings(ctx, in); err != nil {
		return nil, p.fail.unavailable(err)
	}
	p.cache.invalidate()
	detail := fmt.Sprintf("Cập nhật cài đặt dữ liệu cá nhân: lưu trữ %s.", retentionWords(in))
	if published {
		detail = fmt.Sprintf("Xuất bản thông báo dữ liệu cá nhân phiên bản %d (%s); lưu trữ %s.", in.Version, consentWords(in), retentionWords(in))
	}
	p.audit.record(ctx, actor, chat.AuditPrivacyChanged, "privacy", detail)
	return p.Settings(ctx, actor)
}

func consentWords(s chat.PrivacySettings) string {
	if s.ConsentRequired {
		return "bắt buộc đồng ý"
	}
	return "chỉ thông báo"
}

func retentionWords(s chat.PrivacySettings) string {
	if s.RetentionMonths == 0 {
		return "không tự xóa"
	}
	if s.RetentionMode == chat.RetainAnonymize {
		return fmt.Sprintf("ẩn danh sau %d tháng không hoạt động", s.RetentionMonths)
	}
	return fmt.Sprintf("xóa sau %d tháng không hoạt động", s.RetentionMonths)
}

// privacyCache keeps the privacy settings a few seconds for the form's
// every load and submission (like settingsCache).
type privacyCache struct {
	store PrivacyStore
	mu    sync.Mutex
	val   cached[chat.PrivacySettings]
}

func (c *privacyCache) get(ctx context.Context) (chat.PrivacySettings, error) {
	return load(ctx, &c.mu, &c.val, c.store.PrivacySettings)
}

// fresh reads the settings past the cache (a visitor who saw a newer
// version than this node's cache holds).
func (c *privacyCache) fresh(ctx context.Context) (chat.PrivacySettings, error) {
	c.invalidate()
	return c.get(ctx)
}

func (c *privacyCache) invalidate() {
	c.mu.Lock()
	c.val.at = time.Time{}
	c.mu.Unlock()
}

// Consent is what a form submission says of the notice: the version the
// visitor was shown and whether they ticked the box.
type Consent struct {
	Version  int
	Accepted bool
}

var (
	errConsentMissing = &chat.Error{Code: chat.EINVALID, Message: "Vui lòng đọc thông báo và đánh dấu đồng ý để bắt đầu trò chuyện.",
		Fields: map[string]string{"consent": "Vui lòng đánh dấu đồng ý để bắt đầu trò chuyện."}}
	errConsentStale = &chat.Error{Code: chat.EINVALID, Message: "Thông báo về dữ liệu cá nhân vừa được cập nhật. Vui lòng đọc lại và xác nhận.",
		Fields: map[string]string{"consent": "Thông báo vừa được cập nhật, vui lòng đọc lại và xác nhận."}}
)

// consentFor decides what a new conversation records of the notice, or
// refuses the submission: when consent is required, the visitor must have
// ticked the box under the current version (silence or a stale page is
// not consent).
func (c *privacyCache) consentFor(ctx context.Context, in *Consent, at Clock) (*chat.PrivacyConsent, error) {
	set, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	if in != nil && in.Version > set.Version {
		if set, err = c.fresh(ctx); err != nil {
			return nil, err
		}
	}
	if set.Notice == "" && !set.ConsentRequired {
		return nil, nil
	}
	rec := &chat.PrivacyConsent{NoticeVersion: set.Version, At: stamp(at)}
	if !set.ConsentRequired {
		if in != nil && in.Version >= 1 && in.Version <= set.Version {
			rec.NoticeVersion = in.Version // what this visitor's page showed
		}
		return rec, nil
	}
	switch {
	case in == nil || !in.Accepted:
		return nil, errConsentMissing
	case in.Version != set.Version:
		return nil, errConsentStale
	}
	rec.Consented = true
	return rec, nil
}

// PublicPrivacy is the notice for the widget's form.
func (cs *Conversations) PublicPrivacy(ctx context.Context) (chat.PublicPrivacy, error) {
	set, err := cs.privacy.get(ctx)
	if err != nil {
		return chat.PublicPrivacy{}, cs.fail.unavailable(err)
	}
	return set.Public(), nil
}

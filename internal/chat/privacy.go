package chat

import (
	"strings"
	"time"
	"unicode/utf8"
)

// PrivacySettings are what an admin sets for Vietnam's personal data law
// (Law 91/2025/QH15, Decree 356/2025/ND-CP; see deploy/README.vi.md): the
// notice shown before the pre-chat form collects anything, whether the
// visitor must tick a consent box, and how long conversations are kept.
type PrivacySettings struct {
	// Notice is shown above the form (empty: none). It should say who
	// collects what, for which purpose, for how long, and how to ask for
	// access, correction or deletion.
	Notice string `json:"notice"`
	// ConsentRequired adds a checkbox the visitor must tick (silence is not
	// consent: it is never pre-ticked), labelled ConsentLabel.
	ConsentRequired bool   `json:"consentRequired"`
	ConsentLabel    string `json:"consentLabel"`
	// Version counts the published versions of the notice and label; a
	// conversation records the one its visitor saw. Set by the server.
	Version   int        `json:"version"`
	UpdatedAt *time.Time `json:"updatedAt"`
	// RetentionMonths: conversations without activity for this many
	// months are deleted or anonymized (RetentionMode); 0 keeps them.
	RetentionMonths int           `json:"retentionMonths"`
	RetentionMode   RetentionMode `json:"retentionMode"`
}

// RetentionMode is what happens to a conversation past retention.
type RetentionMode string

const (
	// RetainDelete deletes the conversation, its messages and files.
	RetainDelete RetentionMode = "delete"
	// RetainAnonymize keeps the conversation for statistics (times,
	// status, assignee, rating stars) without anything about the visitor:
	// answers, name, phone, address, pages, messages and files go.
	RetainAnonymize RetentionMode = "anonymize"
)

// DefaultConsentLabel is the checkbox's label until an admin writes one.
const DefaultConsentLabel = "Tôi đã đọc thông báo trên và đồng ý cho xử lý dữ liệu cá nhân của tôi theo mục đích đã nêu."

// DefaultPrivacySettings: no notice, no consent box, keep everything.
func DefaultPrivacySettings() PrivacySettings {
	return PrivacySettings{ConsentLabel: DefaultConsentLabel, RetentionMode: RetainDelete}
}

// Limits of the privacy settings.
const (
	MaxPrivacyNoticeLen  = 2000
	MaxConsentLabelLen   = 300
	MaxRetentionMonths   = 120
	privacyInvalidReason = "Cài đặt dữ liệu cá nhân không hợp lệ."
)

// ValidatePrivacySettings checks and normalises what an admin saves.
func ValidatePrivacySettings(p *PrivacySettings) error {
	fields := map[string]string{}
	p.Notice = strings.TrimSpace(CleanMultiline(strings.ToValidUTF8(p.Notice, "")))
	if utf8.RuneCountInString(p.Notice) > MaxPrivacyNoticeLen {
		fields["notice"] = "Thông báo tối đa 2000 ký tự."
	}
	p.ConsentLabel = strings.TrimSpace(CleanLine(strings.ToValidUTF8(p.ConsentLabel, "")))
	if p.ConsentLabel == "" {
		p.ConsentLabel = DefaultConsentLabel
	}
	if utf8.RuneCountInString(p.ConsentLabel) > MaxConsentLabelLen {
		fields["consentLabel"] = "Nội dung ô đồng ý tối đa 300 ký tự."
	}
	if p.ConsentRequired && p.Notice == "" {
		fields["notice"] = "Cần có thông báo về xử lý dữ liệu cá nhân khi yêu cầu khách đồng ý."
	}
	if p.RetentionMonths < 0 || p.RetentionMonths > MaxRetentionMonths {
		fields["retentionMonths"] = "Thời gian lưu trữ phải từ 0 (không tự xóa) đến 120 tháng."
	}
	switch p.RetentionMode {
	case RetainDelete, RetainAnonymize:
	case "":
		p.RetentionMode = RetainDelete
	default:
		fields["retentionMode"] = "Cách xử lý phải là delete (xóa) hoặc anonymize (ẩn danh)."
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: privacyInvalidReason, Fields: fields}
	}
	return nil
}

// NoticeChanged reports whether b publishes a new version of a's notice:
// what the visitor reads or must agree to changed.
func NoticeChanged(a, b PrivacySettings) bool {
	return a.Notice != b.Notice || a.ConsentRequired != b.ConsentRequired || (b.ConsentRequired && a.ConsentLabel != b.ConsentLabel)
}

// PrivacyNotice is one published version of the notice, kept so that a
// conversation's recorded version can be read back as its visitor saw it.
type PrivacyNotice struct {
	Version         int       `json:"version"`
	Notice          string    `json:"notice"`
	ConsentRequired bool      `json:"consentRequired"`
	ConsentLabel    string    `json:"consentLabel"`
	PublishedAt     time.Time `json:"publishedAt"`
	PublishedByID   string    `json:"publishedById"`
	PublishedByName string    `json:"publishedByName"`
}

// PrivacyConsent is what a conversation records of its visitor and the
// notice: the version shown, whether the consent box was ticked, and when.
type PrivacyConsent struct {
	NoticeVersion int       `json:"noticeVersion"`
	Consented     bool      `json:"consented"`
	At            time.Time `json:"at"`
}

// PublicPrivacy is what the widget shows before the form.
type PublicPrivacy struct {
	Notice          string `json:"notice"`
	ConsentRequired bool   `json:"consentRequired"`
	ConsentLabel    string `json:"consentLabel,omitempty"`
	Version         int    `json:"version"`
}

// Public is the part of the settings the widget may read.
func (p PrivacySettings) Public() PublicPrivacy {
	out := PublicPrivacy{Notice: p.Notice, ConsentRequired: p.ConsentRequired, Version: p.Version}
	if p.ConsentRequired {
		out.ConsentLabel = p.ConsentLabel
	}
	return out
}

// Anonymize removes from c everything about its visitor (see
// RetainAnonymize), in place.
func Anonymize(c *Conversation, at time.Time) {
	c.Visitor = Visitor{}
	for i := range c.Answers {
		c.Answers[i].Value = ""
	}
	if c.LastMessage != nil {
		c.LastMessage.Text = ""
	}
	if c.Rating != nil {
		c.Rating.Comment = ""
	}
	c.Privacy = nil
	c.ContactKey = "" // the key can be the phone
	c.AnonymizedAt = &at
}

package chat

import (
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// CannedReply is a saved answer agents insert with "/shortcut" in the
// composer. OwnerID "" makes it shared (managed by admins, seen by every
// agent); otherwise it belongs to that agent alone.
type CannedReply struct {
	ID        string    `json:"id"`
	Shortcut  string    `json:"shortcut"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	OwnerID   string    `json:"ownerId"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Canned reply limits.
const (
	MaxCannedTitle = 60
	MaxCannedText  = 2000
)

// ErrDuplicateShortcut: the owner (or the shared scope) already has a reply
// with this shortcut. Storage sentinel, turned into a conflict by the service.
var ErrDuplicateShortcut = errors.New("duplicate canned reply shortcut")

var shortcutRE = regexp.MustCompile(`^[a-z0-9_-]{1,30}$`)

// ValidateCannedReply normalises (shortcut trimmed and lowercased, title
// and text trimmed) and checks a canned reply written by an agent or admin.
func ValidateCannedReply(r *CannedReply) error {
	fields := map[string]string{}
	r.Shortcut = strings.ToLower(strings.TrimSpace(r.Shortcut))
	if cleanText(r.Title) && cleanText(r.Text) {
		r.Title, r.Text = CleanLine(r.Title), CleanMultiline(r.Text)
	}
	r.Title = strings.TrimSpace(r.Title)
	r.Text = strings.TrimSpace(r.Text)
	if !shortcutRE.MatchString(r.Shortcut) {
		fields["shortcut"] = "Phím tắt gồm 1–30 ký tự a-z, 0-9, - hoặc _."
	}
	if n := utf8.RuneCountInString(r.Title); n == 0 || n > MaxCannedTitle || !cleanText(r.Title) {
		fields["title"] = "Tiêu đề phải có từ 1 đến 60 ký tự."
	}
	if n := utf8.RuneCountInString(r.Text); n == 0 || n > MaxCannedText || !cleanText(r.Text) {
		fields["text"] = "Nội dung phải có từ 1 đến 2000 ký tự."
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Câu trả lời mẫu không hợp lệ.", Fields: fields}
	}
	return nil
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// ErrDuplicateShortcutConflict is what callers see for a taken shortcut.
var ErrDuplicateShortcutConflict = &Error{Code: ECONFLICT, Message: "Phím tắt này đã được sử dụng.", Fields: map[string]string{"shortcut": "Phím tắt này đã được sử dụng."}}

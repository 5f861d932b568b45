package chat

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Priority is how urgently a conversation needs an answer. Agents set it
// during triage; the inbox sorts and filters by it.
type Priority string

const (
	PriorityLow    Priority = "low"    // Thấp
	PriorityNormal Priority = "normal" // Bình thường (the default)
	PriorityHigh   Priority = "high"   // Cao
	PriorityUrgent Priority = "urgent" // Khẩn cấp
)

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool {
	return p == PriorityLow || p == PriorityNormal || p == PriorityHigh || p == PriorityUrgent
}

// Rank orders priorities for sorting: urgent 3, high 2, normal 1, low 0.
// Anything unknown (a document written before priorities existed) counts
// as normal, the default.
func (p Priority) Rank() int {
	switch p {
	case PriorityUrgent:
		return 3
	case PriorityHigh:
		return 2
	case PriorityLow:
		return 0
	}
	return 1
}

// OrDefault returns p, or normal when p is empty.
func (p Priority) OrDefault() Priority {
	if p == "" {
		return PriorityNormal
	}
	return p
}

// Tag limits.
const (
	MaxTags   = 10
	MaxTagLen = 30
)

// ValidatePriority checks a priority sent by a client.
func ValidatePriority(p Priority) error {
	if !p.Valid() {
		return &Error{Code: EINVALID, Message: "Mức ưu tiên không hợp lệ.", Fields: map[string]string{"priority": "Mức ưu tiên phải là low, normal, high hoặc urgent."}}
	}
	return nil
}

// CleanTags trims, lowercases and dedupes tags, keeping their order, and
// checks them: at most 10, each 1–30 letters (Vietnamese included), digits,
// spaces, "-" or "_". Inner runs of spaces collapse to one so "khách  vip"
// and "khách vip" are the same tag.
func CleanTags(tags []string) ([]string, error) {
	out := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for _, t := range tags {
		// NFC first: a decomposed "ệ" (e + two combining marks) from some
		// keyboards must equal the precomposed one.
		t = strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(t)), " "))
		if n := utf8.RuneCountInString(t); n == 0 || n > MaxTagLen || !validTag(t) {
			return nil, tagError(fmt.Sprintf("Nhãn %q không hợp lệ: mỗi nhãn gồm 1–30 ký tự chữ, số, khoảng trắng, - hoặc _.", truncateRunes(t, 40)))
		}
		if seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, tagError("Tối đa 10 nhãn cho mỗi cuộc trò chuyện.")
	}
	return out, nil
}

func validTag(t string) bool {
	if !utf8.ValidString(t) {
		return false
	}
	for _, r := range t {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == ' ' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func tagError(msg string) error {
	return &Error{Code: EINVALID, Message: "Nhãn không hợp lệ.", Fields: map[string]string{"tags": msg}}
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// CleanTag normalises one tag used as a list filter the way CleanTags
// stores tags, so "VIP " finds "vip".
func CleanTag(t string) (string, error) {
	out, err := CleanTags([]string{t})
	if err != nil {
		return "", err
	}
	return out[0], nil
}

package chat

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the proactive greetings an admin sets.
const (
	MaxGreetings       = 20
	MaxGreetingPattern = 200
	MaxGreetingText    = 200
	MaxGreetingDelay   = 600 // seconds
)

// GreetingRule is "after DelaySeconds on a page matching Pattern, show
// Text": the widget evaluates the rules itself, from its config, so a page
// view costs the server nothing. Pattern matches the page's path (with its
// query): "*" stands for any run of characters and anchors the match at
// both ends ("/san-pham/*"); a pattern without "*" matches any path that
// contains it ("khuyen-mai").
type GreetingRule struct {
	Pattern      string `json:"pattern"`
	DelaySeconds int    `json:"delaySeconds"`
	Text         string `json:"text"`
	Enabled      bool   `json:"enabled"`
}

// ValidateGreetings checks and normalises the rules in place; the fields
// of the error name the first bad rule ("greetings.2.pattern").
func ValidateGreetings(rules []GreetingRule) map[string]string {
	fields := map[string]string{}
	if len(rules) > MaxGreetings {
		fields["greetings"] = "Tối đa " + strconv.Itoa(MaxGreetings) + " lời chào chủ động."
		return fields
	}
	for i := range rules {
		r := &rules[i]
		at := "greetings." + strconv.Itoa(i) + "."
		r.Pattern = strings.TrimSpace(r.Pattern)
		switch {
		case r.Pattern == "" || len(r.Pattern) > MaxGreetingPattern:
			fields[at+"pattern"] = "Mẫu trang phải có từ 1 đến " + strconv.Itoa(MaxGreetingPattern) + " ký tự."
		case !utf8.ValidString(r.Pattern) || strings.IndexFunc(r.Pattern, func(c rune) bool { return unicode.IsSpace(c) || unicode.IsControl(c) }) >= 0:
			fields[at+"pattern"] = "Mẫu trang không được chứa khoảng trắng (ví dụ: /san-pham/* hoặc khuyen-mai)."
		case strings.Contains(r.Pattern, "**"):
			fields[at+"pattern"] = "Mẫu trang không hợp lệ: dùng một dấu * cho mỗi đoạn bất kỳ."
		}
		if r.DelaySeconds < 0 || r.DelaySeconds > MaxGreetingDelay {
			fields[at+"delaySeconds"] = "Thời gian chờ phải từ 0 đến " + strconv.Itoa(MaxGreetingDelay) + " giây."
		}
		r.Text = strings.TrimSpace(CleanLine(strings.ToValidUTF8(r.Text, "")))
		if n := utf8.RuneCountInString(r.Text); n == 0 || n > MaxGreetingText {
			fields[at+"text"] = "Lời chào phải có từ 1 đến " + strconv.Itoa(MaxGreetingText) + " ký tự."
		}
	}
	return fields
}

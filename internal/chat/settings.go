package chat

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// AssignmentMode decides who gets a new conversation.
type AssignmentMode string

const (
	// AssignRoundRobin rotates fairly among online, available agents.
	AssignRoundRobin AssignmentMode = "round_robin"
	// AssignDefault gives every conversation to one configured agent while
	// that agent is online; otherwise it falls back to round robin, so no chat
	// is ever parked on an offline agent.
	AssignDefault AssignmentMode = "default"
)

// Settings are the installation-wide options an admin controls.
type Settings struct {
	AssignmentMode AssignmentMode `json:"assignmentMode"`
	DefaultAgentID string         `json:"defaultAgentId"`
	AllowedOrigins []string       `json:"allowedOrigins"`
	WidgetColor    string         `json:"widgetColor"`
	WidgetTitle    string         `json:"widgetTitle"`
	WidgetGreeting string         `json:"widgetGreeting"`
	// AutoLanguage lets the widget follow the visitor's browser language
	// (English when it is not Vietnamese). Off: Vietnamese, unless the
	// embedding page asks for English (data-lang="en").
	AutoLanguage bool `json:"autoLanguage"`
	// Greetings are the proactive greetings (GreetingRule), in order.
	Greetings []GreetingRule `json:"greetings"`
}

// DefaultSettings is what a new installation starts with.
func DefaultSettings() Settings {
	return Settings{
		AssignmentMode: AssignRoundRobin,
		AllowedOrigins: []string{},
		WidgetColor:    "#2563eb",
		WidgetTitle:    "Hỗ trợ trực tuyến",
		WidgetGreeting: "Xin chào! Chúng tôi có thể giúp gì cho bạn?",
		Greetings:      []GreetingRule{},
	}
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// NormalizeOrigin validates "https://example.com[:port]" and returns it in
// canonical form (scheme://host[:port], lowercase, no path).
func NormalizeOrigin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

// ValidateSettings checks and normalises settings written by an admin.
// agentExists reports whether an agent id names an enabled agent.
func ValidateSettings(s *Settings, agentExists func(id string) bool) error {
	fields := map[string]string{}
	switch s.AssignmentMode {
	case AssignRoundRobin:
	case AssignDefault:
		if s.DefaultAgentID == "" || !agentExists(s.DefaultAgentID) {
			fields["defaultAgentId"] = "Vui lòng chọn nhân viên mặc định hợp lệ."
		}
	default:
		fields["assignmentMode"] = "Chế độ phân công không hợp lệ."
	}
	origins := make([]string, 0, len(s.AllowedOrigins))
	for _, o := range s.AllowedOrigins {
		n, ok := NormalizeOrigin(o)
		if !ok {
			fields["allowedOrigins"] = "Tên miền không hợp lệ: " + o + " (ví dụ: https://example.com)."
			continue
		}
		origins = append(origins, n)
	}
	if len(origins) > 100 {
		fields["allowedOrigins"] = "Tối đa 100 tên miền."
	}
	s.AllowedOrigins = origins
	if !colorRE.MatchString(s.WidgetColor) {
		fields["widgetColor"] = "Màu phải có dạng #RRGGBB."
	}
	s.WidgetTitle = strings.TrimSpace(CleanLine(strings.ToValidUTF8(s.WidgetTitle, "")))
	if n := utf8.RuneCountInString(s.WidgetTitle); n == 0 || n > 60 {
		fields["widgetTitle"] = "Tiêu đề phải có từ 1 đến 60 ký tự."
	}
	s.WidgetGreeting = strings.TrimSpace(CleanMultiline(strings.ToValidUTF8(s.WidgetGreeting, "")))
	if utf8.RuneCountInString(s.WidgetGreeting) > 300 {
		fields["widgetGreeting"] = "Lời chào tối đa 300 ký tự."
	}
	if s.Greetings == nil {
		s.Greetings = []GreetingRule{}
	}
	for k, v := range ValidateGreetings(s.Greetings) {
		fields[k] = v
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Cài đặt không hợp lệ.", Fields: fields}
	}
	return nil
}

package chat

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// MailSecurity is how the connection to the SMTP server is protected.
type MailSecurity string

const (
	MailStartTLS MailSecurity = "starttls" // plain connection upgraded with STARTTLS (port 587)
	MailTLS      MailSecurity = "tls"      // TLS from the first byte (port 465)
	MailNone     MailSecurity = "none"     // no encryption: a relay on the same host or network only
)

// MailSettings configure outgoing email through any SMTP server. Nothing is
// sent while Host is empty.
type MailSettings struct {
	Host     string       `json:"host"`
	Port     int          `json:"port"`
	Security MailSecurity `json:"security"`
	Username string       `json:"username"`
	// Password is write-only: answers carry "" and PasswordSet.
	Password    string `json:"password"`
	PasswordSet bool   `json:"passwordSet"`
	// From is the sender, "Tên <dia-chi@example.vn>" or a bare address.
	From string `json:"from"`
	// NotifyWaiting sends admins a notice when a conversation waits with
	// nobody available, at most once per NotifyEveryMinutes.
	NotifyWaiting      bool `json:"notifyWaiting"`
	NotifyEveryMinutes int  `json:"notifyEveryMinutes"`
	// FromEnv is set in answers when the server's environment
	// (CHATDESK_SMTP_URL) configures the connection: the dashboard shows
	// it read-only and only the notices can be changed.
	FromEnv bool `json:"fromEnv"`
}

// Configured reports whether email can be sent.
func (m MailSettings) Configured() bool { return m.Host != "" && m.From != "" }

// DefaultMailSettings: not configured, notices on once configured, at most
// one per 15 minutes.
func DefaultMailSettings() MailSettings {
	return MailSettings{Port: 587, Security: MailStartTLS, NotifyWaiting: true, NotifyEveryMinutes: 15}
}

// Public is what an admin reads back: never the password itself.
func (m MailSettings) Public() MailSettings {
	m.PasswordSet = m.Password != ""
	m.Password = ""
	return m
}

// ValidateMailSettings normalises m as written by an admin over the stored
// settings prev: an empty password keeps the stored one, except when the
// host changes (the stored password would go to a server of the writer's
// choosing with the first message, as the bot's key: CheckBotKeyKept).
func ValidateMailSettings(m *MailSettings, prev MailSettings) error {
	fields := map[string]string{}
	m.Host = strings.ToLower(strings.TrimSpace(m.Host))
	if m.Host != "" && (len(m.Host) > 253 || strings.ContainsAny(m.Host, " /:@\\") || HasUnsafeText(m.Host)) {
		fields["host"] = "Máy chủ SMTP không hợp lệ, ví dụ smtp.gmail.com."
	}
	if m.Port == 0 {
		m.Port = DefaultMailSettings().Port
	}
	if m.Port < 1 || m.Port > 65535 {
		fields["port"] = "Cổng phải từ 1 đến 65535."
	}
	switch m.Security {
	case MailStartTLS, MailTLS, MailNone:
	case "":
		m.Security = MailStartTLS
	default:
		fields["security"] = "Kiểu bảo mật phải là starttls, tls hoặc none."
	}
	m.Username = strings.TrimSpace(m.Username)
	if len(m.Username) > 200 || HasUnsafeText(m.Username) {
		fields["username"] = "Tên đăng nhập không hợp lệ."
	}
	storedPassword := prev.Password != "" || prev.PasswordSet
	if m.Password == "" {
		if storedPassword && m.Host != "" && m.Host != prev.Host {
			fields["password"] = "Vui lòng nhập lại mật khẩu khi đổi máy chủ SMTP: mật khẩu đã lưu chỉ dùng cho máy chủ cũ."
		}
		m.Password = prev.Password
	}
	if len(m.Password) > 500 || strings.ContainsAny(m.Password, "\r\n") {
		fields["password"] = "Mật khẩu không hợp lệ."
	}
	m.From = strings.TrimSpace(m.From)
	if m.From != "" {
		if _, err := ParseMailFrom(m.From); err != nil {
			fields["from"] = "Địa chỉ gửi không hợp lệ, ví dụ \"Hỗ trợ <hotro@example.vn>\"."
		}
	} else if m.Host != "" {
		fields["from"] = "Cần địa chỉ gửi."
	}
	if m.NotifyEveryMinutes == 0 {
		m.NotifyEveryMinutes = DefaultMailSettings().NotifyEveryMinutes
	}
	if m.NotifyEveryMinutes < 1 || m.NotifyEveryMinutes > 24*60 {
		fields["notifyEveryMinutes"] = "Khoảng cách giữa hai thông báo phải từ 1 đến 1440 phút."
	}
	m.PasswordSet, m.FromEnv = false, false
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Cấu hình email chưa hợp lệ.", Fields: fields}
	}
	return nil
}

// ParseMailFrom reads a sender address: one mailbox, no line breaks.
func ParseMailFrom(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") || !utf8.ValidString(s) {
		return nil, errBadAddress
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, err
	}
	return a, nil
}

var errBadAddress = &Error{Code: EINVALID, Message: "Địa chỉ email không hợp lệ."}

// CleanEmail checks an address a visitor typed and returns its bare form.
func CleanEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || strings.ContainsAny(s, "\r\n<>\"") || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", &Error{Code: EINVALID, Message: "Địa chỉ email không hợp lệ.", Fields: map[string]string{"email": "Vui lòng nhập địa chỉ email hợp lệ, ví dụ ten@example.vn."}}
	}
	return s, nil
}

// TranscriptMail is what a visitor asked to receive: their conversation.
type TranscriptMail struct {
	To           string
	SiteTitle    string
	Conversation *Conversation
	Messages     []*Message
}

// WaitingMail tells admins that visitors wait with nobody available.
type WaitingMail struct {
	To           []string
	Conversation *Conversation
	FirstMessage string
	Waiting      int
	DashboardURL string
}

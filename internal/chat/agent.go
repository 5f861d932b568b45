package chat

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role decides what an agent may do.
type Role string

const (
	RoleAdmin Role = "admin" // manages agents, the form and settings; also answers chats
	RoleAgent Role = "agent"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleAgent }

// Agent is a support person (or admin) who logs into the dashboard.
type Agent struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
	// AvatarURL is the path of the agent's photo (AvatarPath), "" for none.
	AvatarURL    string `json:"avatarUrl,omitempty"`
	PasswordHash string `json:"-"`
	// TokenVersion is bumped when the password changes or the agent is
	// disabled, which invalidates every token issued before.
	TokenVersion int       `json:"-"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// Password limits. bcrypt ignores bytes past 72.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// NormalizeEmail lowercases and trims an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateAgentInput checks the fields an admin sets on an agent. An empty
// password is allowed when keepPassword is true (edits without a reset).
func ValidateAgentInput(email, name string, role Role, password string, keepPassword bool) error {
	fields := map[string]string{}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		fields["email"] = "Email không hợp lệ."
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > 80 {
		fields["name"] = "Tên phải có từ 1 đến 80 ký tự."
	} else if !utf8.ValidString(name) || HasUnsafeText(name) {
		// The service stores the name as given, so it is refused rather
		// than silently rewritten.
		fields["name"] = "Tên không được chứa ký tự điều khiển hoặc ký tự đảo chiều văn bản."
	}
	if !role.Valid() {
		fields["role"] = "Vai trò không hợp lệ."
	}
	if !(keepPassword && password == "") {
		if len(password) < MinPasswordLen || len(password) > MaxPasswordLen {
			fields["password"] = "Mật khẩu phải có từ 8 đến 72 ký tự."
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Thông tin nhân viên không hợp lệ.", Fields: fields}
	}
	return nil
}

// AgentView is an agent as other agents see it: who they are and whether
// they can take a conversation now.
type AgentView struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	Online bool   `json:"online"`
	Status string `json:"status"` // online | away | offline
	// AvatarURL is the agent's photo (see Agent.AvatarURL).
	AvatarURL string `json:"avatarUrl,omitempty"`
}

package desk

import (
	"context"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
)

// LoginResult is what a successful login returns.
type LoginResult struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expiresAt"`
	Agent     *chat.Agent `json:"agent"`
}

var errBadLogin = &chat.Error{Code: chat.EUNAUTHORIZED, Message: "Email hoặc mật khẩu không đúng."}

// Login checks an agent's credentials and issues an access token. The same
// message answers an unknown email and a wrong password.
func (s *Service) Login(ctx context.Context, email, password, ip string) (*LoginResult, error) {
	email = chat.NormalizeEmail(email)
	if err := s.limit(ctx, "login-ip", ip); err != nil {
		return nil, err
	}
	if email == "" || password == "" || len(password) > chat.MaxPasswordLen {
		return nil, errBadLogin
	}
	if s.limiter != nil {
		// Per-account lockout: counted on failures only, checked first so
		// a locked account does not even reach bcrypt.
		if wait, err := s.limiter.Peek(ctx, "login-fail", email); err == nil && wait > 0 {
			return nil, &chat.Error{Code: chat.ELOCKED, Message: "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau.", RetryAfter: wait}
		}
	}
	a, err := s.store.AgentByEmail(ctx, email)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		auth.CheckDummy(password)
		s.loginFailed(ctx, email)
		return nil, errBadLogin
	} else if err != nil {
		return nil, s.unavailable(err)
	}
	if !auth.CheckPassword(a.PasswordHash, password) {
		s.loginFailed(ctx, email)
		return nil, errBadLogin
	}
	if s.limiter != nil {
		_ = s.limiter.Reset(ctx, "login-fail", email)
	}
	if a.Disabled {
		return nil, &chat.Error{Code: chat.EDISABLED, Message: "Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên."}
	}
	return s.issue(a)
}

func (s *Service) loginFailed(ctx context.Context, email string) {
	if s.limiter != nil {
		_, _ = s.limiter.Take(ctx, "login-fail", email)
	}
}

// Refresh issues a fresh token to an authenticated agent.
func (s *Service) Refresh(ctx context.Context, actor Actor) (*LoginResult, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrUnauthorized
	}
	return s.issue(actor.Agent)
}

func (s *Service) issue(a *chat.Agent) (*LoginResult, error) {
	tok, exp, err := s.tokens.IssueAgent(a)
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: tok, ExpiresAt: exp, Agent: a}, nil
}

// AuthenticateAgent turns a bearer token into an agent actor, refusing
// disabled agents and tokens issued before a password change or disable.
func (s *Service) AuthenticateAgent(ctx context.Context, token string) (Actor, error) {
	claims, err := s.tokens.ParseAgent(token)
	if err != nil {
		return Actor{}, err
	}
	a, err := s.store.Agent(ctx, claims.AgentID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return Actor{}, chat.ErrUnauthorized
	} else if err != nil {
		return Actor{}, s.unavailable(err)
	}
	if a.Disabled {
		return Actor{}, &chat.Error{Code: chat.EDISABLED, Message: "Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên."}
	}
	if a.TokenVersion != claims.TokenVersion {
		return Actor{}, chat.ErrUnauthorized
	}
	return Actor{Agent: a}, nil
}

// AuthenticateVisitor turns a visitor token into a visitor actor.
func (s *Service) AuthenticateVisitor(token string) (Actor, error) {
	id, err := s.tokens.ParseVisitor(token)
	if err != nil {
		return Actor{}, err
	}
	return Actor{Visitor: true, ConversationID: id}, nil
}

// Authenticate accepts either kind of token. Visitor tokens are tried first
// because they need no database read.
func (s *Service) Authenticate(ctx context.Context, token string) (Actor, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Actor{}, chat.ErrUnauthorized
	}
	if a, err := s.AuthenticateVisitor(token); err == nil {
		return a, nil
	}
	return s.AuthenticateAgent(ctx, token)
}

// unavailable logs a dependency failure and returns the user-facing error.
func (s *Service) unavailable(err error) error {
	if _, ok := chat.AsError(err); ok {
		return err
	}
	s.log.Error("dependency failure", "err", err)
	return chat.ErrUnavailable
}

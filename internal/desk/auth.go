package desk

import (
	"context"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
)

// Auth signs agents in and turns tokens into actors.
type Auth struct {
	agents AgentStore
	tokens *auth.Tokens
	limits limits
	lim    Limiter // per-account lockout (optional)
	fail   failures
}

// LoginResult is what a successful login returns.
type LoginResult struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expiresAt"`
	Agent     *chat.Agent `json:"agent"`
}

var errBadLogin = &chat.Error{Code: chat.EUNAUTHORIZED, Message: "Email hoặc mật khẩu không đúng."}

var errDisabled = &chat.Error{Code: chat.EDISABLED, Message: "Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên."}

// Login checks an agent's credentials and issues an access token. The same
// message answers an unknown email and a wrong password.
func (a *Auth) Login(ctx context.Context, email, password, ip string) (*LoginResult, error) {
	email = chat.NormalizeEmail(email)
	// Guessing protection fails closed: with Redis away, logins are refused
	// (unavailable) rather than let through uncounted.
	if err := a.limits.takeStrict(ctx, "login-ip", ip); err != nil {
		return nil, err
	}
	if email == "" || password == "" || len(password) > chat.MaxPasswordLen {
		return nil, errBadLogin
	}
	if a.lim != nil {
		// Per-account lockout: counted on failures only, checked first so
		// a locked account does not even reach bcrypt.
		wait, err := a.lim.Peek(ctx, "login-fail", email)
		if err != nil {
			return nil, a.fail.unavailable(err)
		}
		if wait > 0 {
			return nil, &chat.Error{Code: chat.ELOCKED, Message: "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau.", RetryAfter: wait}
		}
	}
	ag, err := a.agents.AgentByEmail(ctx, email)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		auth.CheckDummy(password)
		a.failed(ctx, email)
		return nil, errBadLogin
	} else if err != nil {
		return nil, a.fail.unavailable(err)
	}
	// A disabled account answers like a wrong password: the right password
	// must not be confirmable (tokens of a disabled agent still answer
	// account_disabled, see AuthenticateAgent).
	if !auth.CheckPassword(ag.PasswordHash, password) || ag.Disabled {
		a.failed(ctx, email)
		return nil, errBadLogin
	}
	if a.lim != nil {
		_ = a.lim.Reset(ctx, "login-fail", email)
	}
	return a.issue(ag)
}

func (a *Auth) failed(ctx context.Context, email string) {
	if a.lim != nil {
		_, _ = a.lim.Take(ctx, "login-fail", email)
	}
}

// Refresh issues a fresh token to an authenticated agent.
func (a *Auth) Refresh(ctx context.Context, actor Actor) (*LoginResult, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrUnauthorized
	}
	return a.issue(actor.Agent)
}

func (a *Auth) issue(ag *chat.Agent) (*LoginResult, error) {
	tok, exp, err := a.tokens.IssueAgent(ag)
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: tok, ExpiresAt: exp, Agent: ag}, nil
}

// AuthenticateAgent turns a bearer token into an agent actor, refusing
// disabled agents and tokens issued before a password change or disable.
func (a *Auth) AuthenticateAgent(ctx context.Context, token string) (Actor, error) {
	claims, err := a.tokens.ParseAgent(token)
	if err != nil {
		return Actor{}, err
	}
	ag, err := a.agents.Agent(ctx, claims.AgentID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return Actor{}, chat.ErrUnauthorized
	} else if err != nil {
		return Actor{}, a.fail.unavailable(err)
	}
	if ag.Disabled {
		return Actor{}, errDisabled
	}
	if ag.TokenVersion != claims.TokenVersion {
		return Actor{}, chat.ErrUnauthorized
	}
	return Actor{Agent: ag}, nil
}

// AuthenticateVisitor turns a visitor token into a visitor actor.
func (a *Auth) AuthenticateVisitor(token string) (Actor, error) {
	id, err := a.tokens.ParseVisitor(token)
	if err != nil {
		return Actor{}, err
	}
	return Actor{Visitor: true, ConversationID: id}, nil
}

// Authenticate accepts either kind of token. Visitor tokens are tried first
// because they need no database read.
func (a *Auth) Authenticate(ctx context.Context, token string) (Actor, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Actor{}, chat.ErrUnauthorized
	}
	if act, err := a.AuthenticateVisitor(token); err == nil {
		return act, nil
	}
	return a.AuthenticateAgent(ctx, token)
}

package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
)

// Auth signs agents in and turns tokens into actors.
type Auth struct {
	agents  AgentStore
	records LoginRecordStore
	tokens  *auth.Tokens
	limits  limits
	lim     Limiter // lockout and slowdown (optional)
	audit   auditLog
	now     Clock
	fail    failures
}

// LoginResult is what a successful login returns.
type LoginResult struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expiresAt"`
	Agent     *chat.Agent `json:"agent"`
	// Notice tells the agent about failed sign-ins into their account
	// since their previous one (absent when there were none).
	Notice *LoginNotice `json:"notice,omitempty"`
}

// LoginNotice is shown to an agent at sign-in: "Có N lần đăng nhập sai vào
// tài khoản của bạn từ …".
type LoginNotice struct {
	Failures  int        `json:"failures"`
	First     *time.Time `json:"first"`
	Last      *time.Time `json:"last"`
	Addresses []string   `json:"addresses"`
	Message   string     `json:"message"`
}

var errBadLogin = &chat.Error{Code: chat.EUNAUTHORIZED, Message: "Email hoặc mật khẩu không đúng."}

var errDisabled = &chat.Error{Code: chat.EDISABLED, Message: "Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên."}

// Login checks an agent's credentials and issues an access token. The same
// message answers an unknown email and a wrong password.
//
// Guessing is slowed without handing anyone a way to lock an agent out
// (#16, finding 7):
//   - login-ip: attempts per address (30 a minute);
//   - login-fail: failures per (account, address): 10 in 15 minutes lock
//     that address out of that account — only that one;
//   - login-account / login-slow: once an account has had 10 failures in
//     15 minutes from anywhere, attempts on it from networks it has not
//     signed in from lately are spaced (3 a minute for the account);
//     its agent, signing in from a network they used in the last 90 days,
//     is never slowed.
//
// Failures are kept on the account's login record and shown to its agent
// at their next sign-in; every sign-in that reached the password check is
// in the audit log.
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
	if err := a.checkLockout(ctx, email, ip); err != nil {
		return nil, err
	}
	ag, err := a.agents.AgentByEmail(ctx, email)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		ag = nil
	} else if err != nil {
		return nil, a.fail.unavailable(err)
	}
	var rec chat.LoginRecord
	if ag != nil && a.records != nil {
		if rec, err = a.records.LoginRecord(ctx, email); err != nil {
			return nil, a.fail.unavailable(err)
		}
	}
	now := stamp(a.now)
	network := chat.NetworkOf(ip)
	if err := a.checkSlowdown(ctx, email, rec.Knows(network, now)); err != nil {
		return nil, err
	}
	if ag == nil {
		auth.CheckDummy(password)
		a.failed(ctx, email, ip, nil, rec)
		return nil, errBadLogin
	}
	// A disabled account answers like a wrong password: the right password
	// must not be confirmable (tokens of a disabled agent still answer
	// account_disabled, see AuthenticateAgent).
	if !auth.CheckPassword(ag.PasswordHash, password) || ag.Disabled {
		a.failed(ctx, email, ip, ag, rec)
		return nil, errBadLogin
	}
	if a.lim != nil {
		_ = a.lim.Reset(ctx, "login-fail", email+"|"+ip)
	}
	missed := rec.SignedIn(network, now)
	if a.records != nil {
		if err := a.records.SaveLoginRecord(ctx, email, rec); err != nil {
			a.fail.log.Warn("saving a login record failed", "err", err)
		}
	}
	res, err := a.issue(ag)
	if err != nil {
		return nil, err
	}
	res.Notice = loginNotice(missed)
	a.audit.record(ctx, Actor{Agent: ag, IP: ip}, chat.AuditLogin, ag.ID, "Đăng nhập thành công.")
	return res, nil
}

var errLocked = &chat.Error{Code: chat.ELOCKED, Message: "Đăng nhập từ địa chỉ này vào tài khoản đã tạm bị khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau."}

// checkLockout refuses an address locked out of an account. Counted on
// failures only, checked first so a locked pair does not even reach bcrypt.
func (a *Auth) checkLockout(ctx context.Context, email, ip string) error {
	if a.lim == nil {
		return nil
	}
	wait, err := a.lim.Peek(ctx, "login-fail", email+"|"+ip)
	if err != nil {
		return a.fail.unavailable(err)
	}
	if wait > 0 {
		e := *errLocked
		e.RetryAfter = wait
		return &e
	}
	return nil
}

// checkSlowdown spaces the attempts on an account under attack that come
// from networks its agent has not signed in from lately.
func (a *Auth) checkSlowdown(ctx context.Context, email string, known bool) error {
	if a.lim == nil || known {
		return nil
	}
	attacked, err := a.lim.Peek(ctx, "login-account", email)
	if err != nil {
		return a.fail.unavailable(err)
	}
	if attacked == 0 {
		return nil
	}
	wait, err := a.lim.Take(ctx, "login-slow", email)
	if err != nil {
		return a.fail.unavailable(err)
	}
	if wait > 0 {
		return &chat.Error{Code: chat.ERATELIMITED, RetryAfter: wait,
			Message: fmt.Sprintf("Tài khoản này đang bị thử mật khẩu nhiều lần. Vui lòng thử lại sau %d giây.", wait)}
	}
	return nil
}

// failed counts a failed sign-in: against the (account, address) pair and
// the account, on the account's record for its agent, and in the audit
// log. Counting fails quietly: the attempt is already refused.
func (a *Auth) failed(ctx context.Context, email, ip string, ag *chat.Agent, rec chat.LoginRecord) {
	if a.lim != nil {
		_, _ = a.lim.Take(ctx, "login-fail", email+"|"+ip)
		_, _ = a.lim.Take(ctx, "login-account", email)
	}
	target, detail := "", "Đăng nhập thất bại: email không tồn tại."
	if ag != nil {
		target, detail = ag.ID, "Đăng nhập thất bại: sai mật khẩu (hoặc tài khoản bị vô hiệu hóa)."
		if a.records != nil {
			rec.Failed(ip, stamp(a.now))
			if err := a.records.SaveLoginRecord(ctx, email, rec); err != nil {
				a.fail.log.Warn("saving a login record failed", "err", err)
			}
		}
	}
	a.audit.recordAs(ctx, truncate(email, 100), "anonymous", ip, chat.AuditLoginFailed, target, detail)
}

// loginNotice words the failures an agent missed, or nil.
func loginNotice(f chat.LoginFailures) *LoginNotice {
	if f.Count == 0 {
		return nil
	}
	msg := fmt.Sprintf("Có %d lần đăng nhập sai vào tài khoản của bạn", f.Count)
	if len(f.Addresses) > 0 {
		msg += " từ " + strings.Join(f.Addresses, ", ")
		if f.Count > len(f.Addresses) {
			msg += "…"
		}
	}
	if f.Last != nil {
		msg += ", lần gần nhất lúc " + f.Last.In(chat.Vietnam).Format("15:04 02/01/2006")
	}
	msg += " kể từ lần đăng nhập trước. Nếu không phải bạn, hãy đổi mật khẩu và báo cho quản trị viên."
	return &LoginNotice{Failures: f.Count, First: f.First, Last: f.Last, Addresses: f.Addresses, Message: msg}
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

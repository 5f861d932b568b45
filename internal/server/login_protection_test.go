package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
)

// loginFrom signs in with the client address addr (the node trusts
// 127.0.0.1 as its proxy, so X-Forwarded-For is believed).
func loginFrom(t *testing.T, n *node, email, password, addr string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", n.base+"/api/auth/login", jsonBody(map[string]string{"email": email, "password": password}))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	return doJSON(t, req, out)
}

type loginAnswer struct {
	Token  string `json:"token"`
	Notice *struct {
		Failures  int      `json:"failures"`
		Addresses []string `json:"addresses"`
		Message   string   `json:"message"`
	} `json:"notice"`
	clienttest.ErrorAnswer
}

// Finding 7 of #16: ten wrong passwords from rotating addresses locked any
// agent (or the admin) out for 15 minutes. Now a lockout holds only for
// the (account, address) pair; an account under attack is slowed for
// networks it has not signed in from, never for its agent's own; the agent
// is told at the next sign-in; the audit log has every attempt.
func TestLoginGuessingCannotLockAnAgentOut(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1/32"} })
	const admin, home = "admin@chatdesk.local", "203.0.113.5"

	// The admin signs in from home once: a known network.
	var a loginAnswer
	if st := loginFrom(t, n, admin, "matkhau123", home, &a); st != 200 || a.Notice != nil {
		t.Fatalf("first sign-in: %d %+v", st, a.Notice)
	}

	// An attacker: ten wrong passwords, each from another address.
	for i := 0; i < 10; i++ {
		if st := loginFrom(t, n, admin, "doan-mo", fmt.Sprintf("198.51.100.%d", i+1), nil); st != 401 {
			t.Fatalf("guess %d: %d", i+1, st)
		}
	}
	// The account is now under attack: guesses from unknown networks are
	// spaced (3 a minute), answered rate_limited — not account_locked.
	var limited int
	for i := 0; i < 5; i++ {
		var e clienttest.ErrorAnswer
		switch st := loginFrom(t, n, admin, "doan-mo", fmt.Sprintf("192.0.2.%d", i+1), &e); {
		case st == 401:
		case st == 429 && e.Error.Code == chat.ERATELIMITED && e.Error.RetryAfter > 0 && strings.Contains(e.Error.Message, "thử mật khẩu nhiều lần"):
			limited++
		default:
			t.Fatalf("guess from a new network: %d %+v", st, e.Error)
		}
	}
	if limited < 2 {
		t.Fatalf("only %d of 5 guesses spaced", limited)
	}

	// The admin, from home (another address of the same /24), is neither
	// locked nor slowed, and is told about the failures.
	a = loginAnswer{}
	if st := loginFrom(t, n, admin, "matkhau123", "203.0.113.77", &a); st != 200 {
		t.Fatalf("the admin from a known network during the attack: %d %+v", st, a.Error)
	}
	if a.Notice == nil || a.Notice.Failures < 10 || len(a.Notice.Addresses) == 0 || !strings.Contains(a.Notice.Message, "lần đăng nhập sai") {
		t.Fatalf("notice: %+v", a.Notice)
	}
	// Told once: the next sign-in has no notice.
	a = loginAnswer{}
	if loginFrom(t, n, admin, "matkhau123", home, &a); a.Notice != nil {
		t.Fatalf("the notice came twice: %+v", a.Notice)
	}

	// Ten failures from one address lock that address out of that account
	// only: the right password from there is refused, from elsewhere not.
	for i := 0; i < 10; i++ {
		loginFrom(t, n, "binh@chatdesk.local", "doan-mo", "203.0.113.200", nil)
	}
	var e clienttest.ErrorAnswer
	if st := loginFrom(t, n, "binh@chatdesk.local", "matkhau123", "203.0.113.200", &e); st != 429 || e.Error.Code != chat.ELOCKED {
		t.Fatalf("locked pair: %d %+v", st, e.Error)
	}
	if st := loginFrom(t, n, "an@chatdesk.local", "matkhau123", "203.0.113.200", nil); st != 200 {
		t.Fatalf("another account from the locked address: %d", st)
	}

	// The audit log has the attempts, with their addresses.
	tok := a.Token
	var log struct {
		Items []*chat.AuditEntry `json:"items"`
	}
	if st := n.do("GET", "/api/admin/audit?action=auth.login_failed&limit=200", tok, nil, &log); st != 200 {
		t.Fatalf("audit log: %d", st)
	}
	from := map[string]bool{}
	for _, e := range log.Items {
		if e.ActorName == admin && e.Action == chat.AuditLoginFailed {
			from[e.IP] = true
		}
	}
	for i := 0; i < 10; i++ {
		if !from[fmt.Sprintf("198.51.100.%d", i+1)] {
			t.Fatalf("the audit log lacks the failure from 198.51.100.%d: %v", i+1, from)
		}
	}
	var ok struct {
		Items []*chat.AuditEntry `json:"items"`
	}
	n.do("GET", "/api/admin/audit?action=auth.login", tok, nil, &ok)
	var adminIn int
	for _, e := range ok.Items {
		if e.ActorName == "Quản trị" && e.ActorRole == "admin" && (e.IP == home || e.IP == "203.0.113.77") && time.Since(e.At) < time.Minute {
			adminIn++
		}
	}
	if adminIn != 3 {
		t.Fatalf("the admin's 3 sign-ins in the log: %d", adminIn)
	}
}

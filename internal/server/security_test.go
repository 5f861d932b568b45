package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/testenv"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

func production(origins ...string) func(*config.Config) {
	return func(c *config.Config) {
		c.Env = "production"
		c.AllowedOrigins = origins
		c.PublicURL = "https://chat.example.vn"
	}
}

func TestOriginsAreCheckedInProduction(t *testing.T) {
	n := startNode(t, production("https://shop.example.vn"))
	admin, _ := n.login("admin@chatdesk.local")
	// The admin setting adds another site.
	if st := n.do("PUT", "/api/admin/settings", admin, map[string]any{"assignmentMode": "round_robin", "allowedOrigins": []string{"https://blog.example.vn"}, "widgetColor": "#2563eb", "widgetTitle": "Hỗ trợ"}, nil); st != 200 {
		t.Fatalf("settings: %d", st)
	}
	time.Sleep(10 * time.Millisecond)
	tests := []struct {
		origin string
		ok     bool
	}{
		{"https://shop.example.vn", true},           // environment
		{"https://blog.example.vn", true},           // admin setting
		{"https://chat.example.vn", true},           // same origin (dashboard, /demo)
		{"https://evil.example.com", false},         // anyone else
		{"https://shop.example.vn.evil.com", false}, // prefix tricks
		{"null", false},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("OPTIONS", n.base+"/api/conversations", nil)
		req.Header.Set("Origin", tt.origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin") == tt.origin; got != tt.ok {
			t.Errorf("CORS for %s: allowed=%v, want %v", tt.origin, got, tt.ok)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, err := wsclient.DialConn(ctx, n.wsURL(), wsclient.ConnOptions{Header: http.Header{"Origin": {tt.origin}}})
		cancel()
		var refused *wsclient.HandshakeError
		if tt.ok && err != nil {
			t.Errorf("WebSocket from %s refused: %v", tt.origin, err)
		}
		if !tt.ok && (!errors.As(err, &refused) || refused.Status != http.StatusForbidden) {
			t.Errorf("WebSocket from %s accepted (%v)", tt.origin, err)
		}
		if conn != nil {
			conn.Close()
		}
	}
}

func TestLoginLockoutAndRateLimits(t *testing.T) {
	n := startNode(t, func(c *config.Config) {
		c.RateLimits = map[string]config.RateLimit{"conv-ip": {Limit: 3, Period: time.Minute}}
	})
	// Ten wrong passwords lock the account, even for the right password.
	for i := 0; i < 10; i++ {
		n.do("POST", "/api/auth/login", "", map[string]string{"email": "binh@chatdesk.local", "password": "doan-mo"}, nil)
	}
	var e clienttest.ErrorAnswer
	st := n.do("POST", "/api/auth/login", "", map[string]string{"email": "binh@chatdesk.local", "password": "matkhau123"}, &e)
	if st != 429 || e.Error.Code != "account_locked" || !strings.Contains(e.Error.Message, "khóa") {
		t.Fatalf("after 10 failures: %d %+v", st, e.Error)
	}
	// Other accounts are unaffected.
	n.login("an@chatdesk.local")
	// Conversation creation per IP: the fourth is refused with a clear message.
	for i := 0; i < 3; i++ {
		n.newConversation("Khách", "0912000999", "")
	}
	req, _ := http.NewRequest("POST", n.base+"/api/conversations", strings.NewReader(`{"fields":{"name":"Khách","phone":"0912000999"}}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), `"rate_limited"`) || !strings.Contains(string(body), "thử lại") {
		t.Fatalf("4th conversation: %d %s (Retry-After %q)", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
}

func TestInputLimits(t *testing.T) {
	n := startNode(t)
	big := bytes.Repeat([]byte("a"), 70<<10)
	resp, err := http.Post(n.base+"/api/conversations", "application/json", bytes.NewReader(append(append([]byte(`{"fields":{"name":"`), big...), []byte(`"}}`)...)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("70 KiB body: %d, want 413", resp.StatusCode)
	}
	for _, body := range []string{`[]`, `{"fields":{"name":"a"}} {"x":1}`, `{"fields":"name"}`, `not json`} {
		var e clienttest.ErrorAnswer
		req, _ := http.NewRequest("POST", n.base+"/api/conversations", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(raw), "invalid_input") {
			t.Errorf("body %q: %d %s %v", body, resp.StatusCode, raw, e)
		}
	}
}

func TestMetricsExposition(t *testing.T) {
	n := startNode(t)
	c := n.newConversation("Đo", "0912001000", "xin chào")
	ws, _ := n.dial(c.VisitorToken, 0)
	ws.MessagesUntilReplayDone()
	resp, err := http.Get(n.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`chatdesk_connections{node=`, `role="visitor"} 1`, "chatdesk_messages_stored_total", "chatdesk_batch_flush_seconds_bucket", "chatdesk_batch_size_count", "chatdesk_redis_errors_total", "chatdesk_mongo_errors_total"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestDisabledAccountLoginLooksLikeAWrongPassword: the right password of a
// disabled account gets exactly the wrong-password answer, so a guesser
// cannot confirm it (issue #16, finding 8e).
func TestDisabledAccountLoginLooksLikeAWrongPassword(t *testing.T) {
	n := startNode(t)
	admin, _ := n.login("admin@chatdesk.local")
	var created struct{ Agent *chat.Agent }
	if st := n.do("POST", "/api/admin/agents", admin, map[string]any{"email": "tat@chatdesk.local", "name": "Tắt", "role": "agent", "password": "matkhau123"}, &created); st != 201 {
		t.Fatalf("create agent: %d", st)
	}
	if st := n.do("PATCH", "/api/admin/agents/"+created.Agent.ID, admin, map[string]any{"disabled": true}, nil); st != 200 {
		t.Fatalf("disable: %d", st)
	}
	answer := func(password string) (int, clienttest.ErrorAnswer) {
		var e clienttest.ErrorAnswer
		st := n.do("POST", "/api/auth/login", "", map[string]string{"email": "tat@chatdesk.local", "password": password}, &e)
		return st, e
	}
	wrongSt, wrong := answer("sai-mat-khau")
	rightSt, right := answer("matkhau123")
	if wrongSt != 401 || rightSt != wrongSt || right.Error.Code != wrong.Error.Code || right.Error.Message != wrong.Error.Message {
		t.Fatalf("right password of a disabled account: %d %+v; wrong password: %d %+v", rightSt, right.Error, wrongSt, wrong.Error)
	}
}

// TestLoginFailsClosedWithoutRedis: with Redis unreachable the login limits
// cannot be counted, so every login is refused as unavailable — never a
// free guess answered 401 (issue #16, finding 5).
func TestLoginFailsClosedWithoutRedis(t *testing.T) {
	redis := testenv.StartRedis(t)
	n := startNode(t, func(c *config.Config) { c.RedisURL = "redis://" + redis.Addr + "/0" })
	n.login("an@chatdesk.local")
	redis.Kill()
	for i, password := range []string{"doan-1", "doan-2", "doan-3", "matkhau123"} {
		var e clienttest.ErrorAnswer
		if st := n.do("POST", "/api/auth/login", "", map[string]string{"email": "an@chatdesk.local", "password": password}, &e); st != 503 || e.Error.Code != "unavailable" {
			t.Fatalf("login %d with Redis down: %d %s, want 503 unavailable", i+1, st, e.Error.Code)
		}
	}
}

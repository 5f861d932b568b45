package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func TestTokens(t *testing.T) {
	secret := strings.Repeat("s", 32)
	tk, err := NewTokens(secret, time.Hour, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	agent := &chat.Agent{ID: "a1", Role: chat.RoleAgent, TokenVersion: 3}
	good, _, _ := tk.IssueAgent(agent)
	visitor, _ := tk.IssueVisitor("conv1")
	other, _ := NewTokens(strings.Repeat("o", 32), time.Hour, time.Hour)
	foreign, _, _ := other.IssueAgent(agent)
	past := &Tokens{secret: []byte(secret), agentTTL: time.Minute, visitorTTL: time.Minute, now: func() time.Time { return time.Now().Add(-time.Hour) }}
	expired, _, _ := past.IssueAgent(agent)
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"iss": "chatdesk", "aud": "agent", "sub": "a1", "role": "admin", "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte(secret))
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iss": "chatdesk", "aud": "agent", "sub": "a1", "role": "admin", "exp": time.Now().Add(time.Hour).Unix()}).SignedString(jwt.UnsafeAllowNoneSignatureType)

	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"valid", good, true},
		{"visitor token as agent", visitor, false},
		{"foreign key", foreign, false},
		{"expired", expired, false},
		{"other HMAC algorithm", hs512, false},
		{"alg none", none, false},
		{"tampered", good[:len(good)-2] + "xx", false},
	}
	for _, tt := range tests {
		c, err := tk.ParseAgent(tt.token)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
		}
		if tt.ok && (c.AgentID != "a1" || c.TokenVersion != 3) {
			t.Errorf("%s: claims %+v", tt.name, c)
		}
	}
	if id, err := tk.ParseVisitor(visitor); err != nil || id != "conv1" {
		t.Errorf("visitor: %q %v", id, err)
	}
	if _, err := tk.ParseVisitor(good); err == nil {
		t.Error("agent token accepted as visitor token")
	}
	if _, err := NewTokens("short", time.Hour, time.Hour); err == nil {
		t.Error("short secret accepted")
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("matkhau123")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "matkhau123") || CheckPassword(h, "matkhau124") {
		t.Fatal("bcrypt check wrong")
	}
}

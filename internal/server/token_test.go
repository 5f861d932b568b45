package server

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signed makes an agent token with any secret and lifetime.
func signed(t *testing.T, secret, agentID string, ttl time.Duration) string {
	t.Helper()
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "chatdesk", "aud": []string{"agent"}, "sub": agentID, "role": "admin", "tv": 0,
		"iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(ttl).Unix(),
	}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// algNone makes an unsigned token claiming to be an admin.
func algNone(agentID string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		enc([]byte(`{"iss":"chatdesk","aud":["agent"],"sub":"`+agentID+`","role":"admin","tv":0,"exp":`+
			itoa(time.Now().Add(time.Hour).Unix())+`}`)) + "."
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

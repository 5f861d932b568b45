package config

import (
	"os"
	"strings"
	"testing"
)

// goodSecret is what `openssl rand -hex 32` prints.
const goodSecret = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestProductionRefusesDefaultSecrets(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"empty secret", map[string]string{}, "CHATDESK_JWT_SECRET"},
		{"dev secret", map[string]string{"CHATDESK_JWT_SECRET": DevJWTSecret}, "CHATDESK_JWT_SECRET"},
		{"short secret", map[string]string{"CHATDESK_JWT_SECRET": "short"}, "CHATDESK_JWT_SECRET"},
		{"good secret", map[string]string{"CHATDESK_JWT_SECRET": goodSecret}, ""},
		{"base64 secret", map[string]string{"CHATDESK_JWT_SECRET": "q3Vt8kP0yZ2mXc9LwR5bN7hJ1fD4sA6gT+eU/oIxKlM="}, ""},
		{"the cluster tests' secret", map[string]string{"CHATDESK_JWT_SECRET": "secret-3fa9c01b77d2" + strings.Repeat("x", 24)}, ""},
		{"one letter repeated", map[string]string{"CHATDESK_JWT_SECRET": strings.Repeat("k", 32)}, "not random enough"},
		{"one letter, long", map[string]string{"CHATDESK_JWT_SECRET": strings.Repeat("a", 200)}, "not random enough"},
		{"a pattern repeated", map[string]string{"CHATDESK_JWT_SECRET": strings.Repeat("abcdefgh12", 5)}, "not random enough"},
		{"few distinct characters", map[string]string{"CHATDESK_JWT_SECRET": "ababbabaabbbabaabababbbaaababbabbbaaab"}, "not random enough"},
		{"a word padded out", map[string]string{"CHATDESK_JWT_SECRET": "matkhau123" + strings.Repeat("0", 30)}, "not random enough"},
		{"dev mode defaults", map[string]string{"CHATDESK_ENV": "development"}, ""},
		{"unknown env", map[string]string{"CHATDESK_ENV": "staging", "CHATDESK_JWT_SECRET": goodSecret}, "CHATDESK_ENV"},
		{"bad rate limit", map[string]string{"CHATDESK_JWT_SECRET": goodSecret, "CHATDESK_RATE_LIMITS": "msg-ip=lots"}, "CHATDESK_RATE_LIMITS"},
		{"rate limits", map[string]string{"CHATDESK_JWT_SECRET": goodSecret, "CHATDESK_RATE_LIMITS": "msg-ip=1200/1m, conv-ip=5/10s"}, ""},
		{"bad duration", map[string]string{"CHATDESK_JWT_SECRET": goodSecret, "CHATDESK_JWT_TTL": "soon"}, "CHATDESK_JWT_TTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.JWTSecret == "" {
					t.Fatal("no secret")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want mention of %s", err, tt.wantErr)
			}
		})
	}
}

// The README's configuration table must list every variable.
func TestReadmeListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(b), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}

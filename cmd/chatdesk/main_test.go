package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// The production binary refuses to start with missing or default secrets,
// whatever else is configured.
func TestServeRefusesDefaultSecrets(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"no secret", map[string]string{}},
		{"development secret", map[string]string{"CHATDESK_JWT_SECRET": "chatdesk-development-secret-change-me-0000"}},
		{"example placeholder", map[string]string{"CHATDESK_JWT_SECRET": "CHANGE_ME"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			err := Run(ctx, []string{"serve"}, func(k string) string { return tt.env[k] }, strings.NewReader(""), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), "CHATDESK_JWT_SECRET") {
				t.Fatalf("serve started or failed for another reason: %v", err)
			}
		})
	}
}

func TestUnknownCommandAndUsage(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	if err := Run(ctx, []string{"explode"}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := Run(ctx, []string{"agent"}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("agent without add: %v", err)
	}
	if err := Run(ctx, []string{"version"}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil || out.Len() == 0 {
		t.Fatalf("version: %v", err)
	}
}

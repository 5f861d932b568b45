package config

import (
	"strings"
	"testing"
)

func TestIntegrationSettings(t *testing.T) {
	base := map[string]string{"CHATDESK_ENV": "development"}
	for _, c := range []struct {
		name string
		env  map[string]string
		err  string
		host string
		port int
		sec  string
		user string
	}{
		{name: "none"},
		{name: "starttls", env: map[string]string{"CHATDESK_SMTP_URL": "smtp://hotro@smtp.example.vn", "CHATDESK_SMTP_FROM": "Hỗ trợ <hotro@example.vn>"}, host: "smtp.example.vn", port: 587, sec: "starttls", user: "hotro"},
		{name: "tls", env: map[string]string{"CHATDESK_SMTP_URL": "smtps://smtp.example.vn", "CHATDESK_SMTP_FROM": "a@example.vn"}, host: "smtp.example.vn", port: 465, sec: "tls"},
		{name: "relay", env: map[string]string{"CHATDESK_SMTP_URL": "smtp://relay:25?security=none", "CHATDESK_SMTP_FROM": "a@example.vn"}, host: "relay", port: 25, sec: "none"},
		{name: "password in URL", env: map[string]string{"CHATDESK_SMTP_URL": "smtp://u:p@relay", "CHATDESK_SMTP_FROM": "a@example.vn"}, err: "CHATDESK_SMTP_PASSWORD"},
		{name: "no sender", env: map[string]string{"CHATDESK_SMTP_URL": "smtp://relay"}, err: "CHATDESK_SMTP_FROM"},
		{name: "wrong scheme", env: map[string]string{"CHATDESK_SMTP_URL": "http://relay", "CHATDESK_SMTP_FROM": "a@example.vn"}, err: "CHATDESK_SMTP_URL"},
		{name: "password alone", env: map[string]string{"CHATDESK_SMTP_PASSWORD": "x"}, err: "without CHATDESK_SMTP_URL"},
		{name: "bad timeout", env: map[string]string{"CHATDESK_WEBHOOK_TIMEOUT": "soon"}, err: "CHATDESK_WEBHOOK_TIMEOUT"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range c.env {
				env[k] = v
			}
			cfg, err := FromEnv(func(k string) string { return env[k] })
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want one about %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			host, port, sec, user, ok := cfg.SMTP()
			if ok != (c.host != "") || host != c.host || port != c.port || sec != c.sec || user != c.user {
				t.Fatalf("SMTP() = %s %d %s %s %v", host, port, sec, user, ok)
			}
			if cfg.WebhookTimeout.String() != "10s" || cfg.WebhookRetryBase.String() != "30s" {
				t.Fatalf("webhook defaults: %s %s", cfg.WebhookTimeout, cfg.WebhookRetryBase)
			}
		})
	}
}

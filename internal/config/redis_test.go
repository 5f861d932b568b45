package config

import (
	"strings"
	"testing"
)

func TestRedisSettings(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"standalone by default", map[string]string{}, ""},
		{"standalone TLS with ACL user", map[string]string{"CHATDESK_REDIS_URL": "rediss://chat:pw@redis.example.vn:6380/0"}, ""},
		{"sentinel", map[string]string{"CHATDESK_REDIS_MODE": "sentinel", "CHATDESK_REDIS_URL": "redis://s1:26379/0?master_name=chatdesk&addr=s2:26379&addr=s3:26379", "CHATDESK_REDIS_PASSWORD": "pw", "CHATDESK_REDIS_SENTINEL_PASSWORD": "spw"}, ""},
		{"cluster", map[string]string{"CHATDESK_REDIS_MODE": "cluster", "CHATDESK_REDIS_URL": "rediss://n1:6379?addr=n2:6379&addr=n3:6379", "CHATDESK_REDIS_USERNAME": "chat", "CHATDESK_REDIS_PASSWORD": "pw"}, ""},
		{"cluster with db 0", map[string]string{"CHATDESK_REDIS_MODE": "cluster", "CHATDESK_REDIS_URL": "redis://n1:6379/0"}, ""},
		{"unknown mode", map[string]string{"CHATDESK_REDIS_MODE": "ring"}, "CHATDESK_REDIS_MODE must be"},
		{"sentinel without master name", map[string]string{"CHATDESK_REDIS_MODE": "sentinel", "CHATDESK_REDIS_URL": "redis://s1:26379/0"}, "master_name=NAME"},
		{"sentinel URL in standalone mode", map[string]string{"CHATDESK_REDIS_URL": "redis://s1:26379/0?master_name=chatdesk"}, "CHATDESK_REDIS_MODE=sentinel"},
		{"cluster seeds in standalone mode", map[string]string{"CHATDESK_REDIS_URL": "redis://n1:6379?addr=n2:6379"}, "CHATDESK_REDIS_MODE=sentinel (or cluster)"},
		{"cluster with another database", map[string]string{"CHATDESK_REDIS_MODE": "cluster", "CHATDESK_REDIS_URL": "redis://n1:6379/2"}, "only database 0"},
		{"cluster with a master name", map[string]string{"CHATDESK_REDIS_MODE": "cluster", "CHATDESK_REDIS_URL": "redis://n1:6379?master_name=x"}, "needs no sentinel"},
		{"sentinel password outside sentinel mode", map[string]string{"CHATDESK_REDIS_SENTINEL_PASSWORD": "x"}, "is not sentinel"},
		{"not a redis URL", map[string]string{"CHATDESK_REDIS_URL": "http://redis:6379"}, "CHATDESK_REDIS_URL must be"},
		{"prefix with a brace", map[string]string{"CHATDESK_REDIS_PREFIX": "chat{desk}"}, "may not contain { or }"},
		{"TLS without verification in production", map[string]string{"CHATDESK_REDIS_MODE": "sentinel", "CHATDESK_REDIS_URL": "rediss://s1:26379/0?master_name=m&skip_verify=true"}, "skip_verify"},
		{"TLS without verification in development", map[string]string{"CHATDESK_ENV": "development", "CHATDESK_REDIS_MODE": "sentinel", "CHATDESK_REDIS_URL": "rediss://s1:26379/0?master_name=m&skip_verify=true"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"CHATDESK_JWT_SECRET": goodSecret}
			for k, v := range tt.env {
				env[k] = v
			}
			c, err := FromEnv(func(k string) string { return env[k] })
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.RedisMode == "" || c.RedisPassword != env["CHATDESK_REDIS_PASSWORD"] || c.RedisUsername != env["CHATDESK_REDIS_USERNAME"] || c.RedisSentinelPassword != env["CHATDESK_REDIS_SENTINEL_PASSWORD"] {
					t.Fatalf("settings not read: %+v", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want mention of %q", err, tt.wantErr)
			}
		})
	}
}

package ratelimit

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"

	"github.com/chatdesk/chatdesk/internal/testenv"
)

func TestRulesAreIndependentAndLimit(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr(t)})
	defer rdb.Close()
	rules := DefaultRules()
	if err := rules.Override(map[string]limiter.Rate{"conv-ip": {Period: time.Minute, Limit: 2}, "login-ip": {Period: time.Minute, Limit: 2}}); err != nil {
		t.Fatal(err)
	}
	if err := rules.Override(map[string]limiter.Rate{"typo": {Period: time.Minute, Limit: 1}}); err == nil {
		t.Fatal("unknown rule accepted")
	}
	l, err := New(rdb, testenv.UniqueName("rl"), rules)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	take := func(rule string) int {
		wait, err := l.Take(ctx, rule, "1.2.3.4")
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	for i := 0; i < 2; i++ {
		if take("login-ip") != 0 {
			t.Fatalf("attempt %d under the limit refused", i+1)
		}
	}
	if take("login-ip") == 0 {
		t.Fatal("third login allowed with a limit of 2")
	}
	// Another rule for the same key has its own bucket.
	if take("conv-ip") != 0 {
		t.Fatal("conv-ip counted the login attempts")
	}
	if w, _ := l.Peek(ctx, "login-fail", "a@b.vn"); w != 0 {
		t.Fatal("peek on an empty bucket reports a wait")
	}
	if err := l.Reset(ctx, "login-ip", "1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	if take("login-ip") != 0 {
		t.Fatal("reset did not clear the bucket")
	}
}

package ratelimit

import (
	"context"
	"strings"
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

// Message and typing limits count in the node's memory (no Redis round
// trip per message); logins and conversations opened count in Redis, for
// the whole cluster.
func TestLocalRulesStayOutOfRedis(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr(t)})
	defer rdb.Close()
	prefix := testenv.UniqueName("rl")
	rules := DefaultRules()
	if err := rules.Override(map[string]limiter.Rate{"msg-visitor": {Period: time.Minute, Limit: 2}}); err != nil {
		t.Fatal(err)
	}
	node1, err := New(rdb, prefix, rules)
	if err != nil {
		t.Fatal(err)
	}
	node2, err := New(rdb, prefix, rules)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if w, err := node1.Take(ctx, "msg-visitor", "c1"); err != nil || w != 0 {
			t.Fatalf("message %d: wait %d, %v", i+1, w, err)
		}
	}
	if w, _ := node1.Take(ctx, "msg-visitor", "c1"); w == 0 {
		t.Fatal("third message on one node allowed with a limit of 2")
	}
	if w, _ := node2.Take(ctx, "msg-visitor", "c1"); w != 0 {
		t.Fatal("another node's memory counted this node's messages")
	}
	if _, err := node1.Take(ctx, "login-ip", "1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	keys, err := rdb.Keys(ctx, prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(k, "msg-visitor") {
			t.Fatalf("a local rule reached Redis: %s", k)
		}
	}
	if len(keys) != 1 {
		t.Fatalf("Redis holds %v, want the login-ip bucket only", keys)
	}
}

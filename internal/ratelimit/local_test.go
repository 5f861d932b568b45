package ratelimit

import (
	"context"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/testenv"
)

// Every rule named Local (messages, typing, transcript reads) counts in
// the node's memory: taking it writes nothing to Redis.
func TestEveryLocalRuleStaysOutOfRedis(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr(t)})
	defer rdb.Close()
	prefix := testenv.UniqueName("rl")
	l, err := New(rdb, prefix, DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for rule := range Local {
		if _, ok := DefaultRules()[rule]; !ok {
			t.Fatalf("Local names %q, which is no rule", rule)
		}
		if _, err := l.Take(ctx, rule, "k"); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := rdb.Keys(ctx, prefix+":*").Result()
	if err != nil || len(keys) != 0 {
		t.Fatalf("local rules reached Redis: %v %v", keys, err)
	}
}

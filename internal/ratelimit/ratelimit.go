// Package ratelimit enforces chatdesk's request limits with ulule/limiter.
// Limits that must hold across the cluster (logins, conversations opened
// per address) count in Redis, so every node counts against the same
// buckets; limits of what one socket or one conversation sends count in
// the node's memory: a visitor's socket lives on one node for its whole
// life, and a message must not cost a Redis round trip per limit.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"
	"github.com/ulule/limiter/v3/drivers/store/memory"
	sredis "github.com/ulule/limiter/v3/drivers/store/redis"
)

// Rules names the buckets the service uses, with their rates.
type Rules map[string]limiter.Rate

// Local are the rules counted per node, in memory: message and typing
// rates. A visitor whose tabs sit on two nodes (or whose REST fallback
// requests land on several) gets the limit once per node; that bounds a
// flood as well and costs Redis nothing (docs/architecture.md).
var Local = map[string]bool{"msg-visitor": true, "msg-ip": true, "typing-sender": true, "read-sender": true, "note-agent": true, "page-visitor": true}

// DefaultRules are generous enough for Vietnamese mobile carriers, where
// many visitors share one IP behind carrier-grade NAT, and tight enough to
// stop scripted floods and password guessing.
func DefaultRules() Rules {
	return Rules{
		"login-ip": {Period: time.Minute, Limit: 30},
		// per (account, address): that address is locked out of that
		// account after 10 failures — nobody can lock anyone else out
		"login-fail": {Period: 15 * time.Minute, Limit: 10},
		// per account, failures from anywhere: past 10, attempts from
		// networks the account has not signed in from are spaced by
		// login-slow (per account)
		"login-account": {Period: 15 * time.Minute, Limit: 10},
		"login-slow":    {Period: time.Minute, Limit: 3},
		"conv-ip":       {Period: 10 * time.Minute, Limit: 60},
		"msg-visitor":   {Period: time.Minute, Limit: 40},
		"msg-ip":        {Period: time.Minute, Limit: 600},
		"typing-sender": {Period: time.Minute, Limit: 120},
		// Reads of a transcript (WebSocket sync and join, REST message
		// pages) per reader: each may cost hundreds of frames or rows.
		"read-sender": {Period: time.Minute, Limit: 60},
		"note-agent":  {Period: time.Minute, Limit: 60}, // internal notes, per agent
		// Page reports of a visitor in a conversation (the widget sends one
		// per navigation, deduplicated), per conversation.
		"page-visitor": {Period: time.Minute, Limit: 30},
		// Transcripts by email: anyone may type any address, so few per
		// conversation and per address.
		"transcript":    {Period: time.Hour, Limit: 5},
		"transcript-ip": {Period: time.Hour, Limit: 20},
	}
}

// Override replaces the rate of named rules; unknown names are an error so
// a typo in configuration does not silently leave a limit in place.
func (r Rules) Override(limits map[string]limiter.Rate) error {
	for name, rate := range limits {
		if _, ok := r[name]; !ok {
			return fmt.Errorf("ratelimit: unknown rule %q", name)
		}
		r[name] = rate
	}
	return nil
}

// Limiter counts requests per rule and key.
type Limiter struct {
	rules    Rules
	limiters map[string]*limiter.Limiter
}

// New builds limiters: the Local rules in this node's memory, the others
// on the given Redis client under prefix.
func New(rdb goredis.UniversalClient, prefix string, rules Rules) (*Limiter, error) {
	shared, err := sredis.NewStoreWithOptions(rdb, limiter.StoreOptions{Prefix: prefix + ":rl"})
	if err != nil {
		return nil, err
	}
	local := memory.NewStoreWithOptions(limiter.StoreOptions{Prefix: "rl", CleanUpInterval: time.Minute})
	l := &Limiter{rules: rules, limiters: map[string]*limiter.Limiter{}}
	for name, rate := range rules {
		store := shared
		if Local[name] {
			store = local
		}
		l.limiters[name] = limiter.New(store, rate)
	}
	return l, nil
}

// Take consumes one request of rule for key and returns how many seconds to
// wait when the limit is exceeded (0 when allowed).
func (l *Limiter) Take(ctx context.Context, rule, key string) (int, error) {
	lim, ok := l.limiters[rule]
	if !ok {
		return 0, fmt.Errorf("ratelimit: unknown rule %q", rule)
	}
	c, err := lim.Get(ctx, bucket(rule, key))
	if err != nil {
		return 0, err
	}
	return retryAfter(c), nil
}

// Peek reports like Take without consuming.
func (l *Limiter) Peek(ctx context.Context, rule, key string) (int, error) {
	lim, ok := l.limiters[rule]
	if !ok {
		return 0, fmt.Errorf("ratelimit: unknown rule %q", rule)
	}
	c, err := lim.Peek(ctx, bucket(rule, key))
	if err != nil {
		return 0, err
	}
	if c.Remaining > 0 {
		return 0, nil
	}
	return max(1, int(time.Until(time.Unix(c.Reset, 0)).Seconds()+0.5)), nil
}

// Reset clears a bucket (a successful login clears its failures).
func (l *Limiter) Reset(ctx context.Context, rule, key string) error {
	lim, ok := l.limiters[rule]
	if !ok {
		return fmt.Errorf("ratelimit: unknown rule %q", rule)
	}
	_, err := lim.Reset(ctx, bucket(rule, key))
	return err
}

func retryAfter(c limiter.Context) int {
	if !c.Reached {
		return 0
	}
	return max(1, int(time.Until(time.Unix(c.Reset, 0)).Seconds()+0.5))
}

// bucket namespaces a key by rule: every limiter shares one store, and
// "login-ip" must not count against "conv-ip" for the same address.
func bucket(rule, key string) string { return rule + ":" + key }

// Package redis holds everything chatdesk nodes share through Redis, one
// file per interface of internal/desk/coord.go that it implements: the
// reply locks (replylock.go), the sequencer (sequencer.go), unread counters
// (unread.go), presence (presence.go), the rotation (rotation.go), named
// locks (namedlock.go), typing marks (typing.go); and the pub/sub bus
// between nodes (bus.go). Every key lives under one prefix so tests and
// installations can share a server.
package redis

import (
	"context"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Client wraps a go-redis client with chatdesk's key prefix.
type Client struct {
	rdb    *goredis.Client
	prefix string
	// cluster: a script's keys must share a slot.
	cluster bool
}

// minPoolSize is the smallest connection pool Open configures.
const minPoolSize = 128

// Open connects to the Redis at url ("redis://host:6379/0").
func Open(ctx context.Context, url, prefix string) (*Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	// Short timeouts: a send must fail fast with "unavailable" rather than
	// hang while Redis is away.
	opt.DialTimeout = 2 * time.Second
	opt.ReadTimeout = 2 * time.Second
	opt.WriteTimeout = 2 * time.Second
	opt.MaxRetries = 2
	opt.MinRetryBackoff = 20 * time.Millisecond
	opt.MaxRetryBackoff = 200 * time.Millisecond
	// Every message makes 4–6 Redis round trips (limits, seq, unread,
	// publish) while its conversation's next message waits: with go-redis'
	// default pool (10 per CPU, 20 here) 1,100 requests queued for a
	// connection at 3,000 msgs/s (goroutine profile, docs/benchmarks.md).
	// A pool_size in the URL still wins.
	if !strings.Contains(url, "pool_size") && opt.PoolSize < minPoolSize {
		opt.PoolSize = minPoolSize
	}
	rdb := goredis.NewClient(opt)
	c := &Client{rdb: rdb, prefix: strings.TrimSuffix(prefix, ":")}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis ping: %w", err)
	}
	return c, nil
}

// Raw exposes the go-redis client (rate limiter store, tests).
func (c *Client) Raw() *goredis.Client { return c.rdb }

// Prefix is the key prefix every key of this installation starts with.
func (c *Client) Prefix() string { return c.prefix }

// Ping checks the server answers.
func (c *Client) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// Close closes the connection pool.
func (c *Client) Close() error { return c.rdb.Close() }

func (c *Client) key(parts ...string) string {
	return c.prefix + ":" + strings.Join(parts, ":")
}

// convKey is a key of one conversation: the conversation's id is its hash
// tag, so every key of a conversation lives in one slot of a Redis Cluster
// and one script can touch them all.
func (c *Client) convKey(name, conversationID string, more ...string) string {
	k := c.prefix + ":" + name + ":{" + conversationID + "}"
	for _, m := range more {
		k += ":" + m
	}
	return k
}

// presenceKey and rotationKey are cluster-wide keys that one script reads
// together: each family shares a hash tag (one slot).
func (c *Client) presenceKey(name string) string { return c.prefix + ":{presence}:" + name }
func (c *Client) rotationKey(name string) string { return c.prefix + ":{rotation}:" + name }

// Package redis holds everything chatdesk nodes share through Redis, one
// file per interface of internal/desk/coord.go that it implements: the
// reply locks (replylock.go), the sequencer (sequencer.go), unread counters
// (unread.go), presence (presence.go), the rotation (rotation.go), named
// locks (namedlock.go), typing marks (typing.go); and the pub/sub bus
// between nodes (bus.go). Every key lives under one prefix so tests and
// installations can share a server.
//
// Three topologies, chosen by Options.Mode, each with go-redis's own
// client: one server (standalone), a master followed through Sentinel
// (sentinel), and Redis Cluster (cluster). Every script touches the keys of
// one slot (a conversation's keys share its id as hash tag; presence and
// rotation keys their family's tag), so the same code runs on all three;
// in cluster mode the bus uses sharded pub/sub (bus.go).
package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Mode is a Redis topology.
type Mode string

// The topologies Open connects to.
const (
	Standalone Mode = "standalone"
	Sentinel   Mode = "sentinel"
	Cluster    Mode = "cluster"
)

// Options say how to reach Redis.
type Options struct {
	// Mode is Standalone when empty.
	Mode Mode
	// URL in go-redis's form for the mode: redis[s]://[user:pass@]host:port/db
	// (standalone); redis[s]://[sentinel-user:sentinel-pass@]sentinel:26379/db
	// ?master_name=NAME&addr=sentinel2:26379&… (sentinel; the data nodes'
	// credentials in the username and password parameters); redis[s]://
	// [user:pass@]seed:6379?addr=seed2:6379&… (cluster). rediss:// is TLS.
	URL string
	// Username and Password, when set, replace the URL's credentials of the
	// servers holding the data (so the secret can live apart from the URL).
	Username, Password string
	// SentinelPassword, when set, replaces the sentinels' password of the URL.
	SentinelPassword string
	// Prefix starts every key and channel; it may not contain { or }.
	Prefix string
}

// Client wraps a go-redis client with chatdesk's key prefix.
type Client struct {
	rdb    goredis.UniversalClient
	prefix string
	mode   Mode
	// cluster: a script's keys must share a slot, and the bus uses sharded
	// pub/sub (cc is the same client as rdb).
	cluster bool
	cc      *goredis.ClusterClient
}

// minPoolSize is the smallest connection pool Open configures (per server
// in cluster mode).
const minPoolSize = 128

// Open connects to the standalone Redis at url ("redis://host:6379/0").
func Open(ctx context.Context, url, prefix string) (*Client, error) {
	return OpenWith(ctx, Options{URL: url, Prefix: prefix})
}

// Check reports what is wrong with o without connecting.
func (o Options) Check() error {
	_, err := o.client()
	return err
}

// client builds the go-redis client for o (no connection is made yet).
func (o Options) client() (goredis.UniversalClient, error) {
	if strings.ContainsAny(o.Prefix, "{}") {
		return nil, fmt.Errorf("redis prefix %q: { and } are not allowed (they would change the hash slot of every key)", o.Prefix)
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	q := u.Query()
	// go-redis's parsers take pool_size as given; only a missing one is
	// raised to minPoolSize.
	explicitPool := q.Has("pool_size")
	switch o.Mode {
	case Standalone, "":
		if q.Has("master_name") || q.Has("addr") {
			return nil, errors.New("redis url: master_name and addr= are for the sentinel and cluster modes (set CHATDESK_REDIS_MODE)")
		}
		opt, err := goredis.ParseURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("redis url: %w", err)
		}
		opt.Username, opt.Password = override(opt.Username, opt.Password, o)
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = dialTimeout, ioTimeout, ioTimeout
		opt.MaxRetries, opt.MinRetryBackoff, opt.MaxRetryBackoff = maxRetries, minBackoff, maxBackoff
		if !explicitPool && opt.PoolSize < minPoolSize {
			opt.PoolSize = minPoolSize
		}
		return goredis.NewClient(opt), nil
	case Sentinel:
		opt, err := goredis.ParseFailoverURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("redis url: %w", err)
		}
		if opt.MasterName == "" {
			return nil, errors.New("redis url: sentinel mode needs ?master_name=NAME (the name the sentinels monitor)")
		}
		opt.Username, opt.Password = override(opt.Username, opt.Password, o)
		if o.SentinelPassword != "" {
			opt.SentinelPassword = o.SentinelPassword
		}
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = dialTimeout, ioTimeout, ioTimeout
		opt.MaxRetries, opt.MinRetryBackoff, opt.MaxRetryBackoff = maxRetries, minBackoff, maxBackoff
		if !explicitPool && opt.PoolSize < minPoolSize {
			opt.PoolSize = minPoolSize
		}
		return goredis.NewFailoverClient(opt), nil
	case Cluster:
		if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
			return nil, fmt.Errorf("redis url: a Redis Cluster has only database 0, not %q", db)
		}
		u.Path = ""
		opt, err := goredis.ParseClusterURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("redis url: %w", err)
		}
		opt.Username, opt.Password = override(opt.Username, opt.Password, o)
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = dialTimeout, ioTimeout, ioTimeout
		opt.MaxRetries, opt.MinRetryBackoff, opt.MaxRetryBackoff = maxRetries, minBackoff, maxBackoff
		if !explicitPool && opt.PoolSize < minPoolSize {
			opt.PoolSize = minPoolSize
		}
		// The slot map is re-read in the background when older than this
		// (and at once after MOVED): after a shard's failover, commands and
		// subscriptions find the promoted replica within a few seconds.
		opt.ClusterStateReloadInterval = clusterReload
		return goredis.NewClusterClient(opt), nil
	default:
		return nil, fmt.Errorf("redis mode %q: want standalone, sentinel or cluster", o.Mode)
	}
}

// Settings kept for every mode. Short timeouts: a send must fail fast with
// "unavailable" rather than hang while Redis is away. The pool: every
// message makes 4–6 Redis round trips (limits, seq, unread, publish) while
// its conversation's next message waits: with go-redis' default pool (10
// per CPU, 20 here) 1,100 requests queued for a connection at 3,000 msgs/s
// (goroutine profile, docs/benchmarks.md); a pool_size in the URL still
// wins.
const (
	dialTimeout   = 2 * time.Second
	ioTimeout     = 2 * time.Second
	maxRetries    = 2
	minBackoff    = 20 * time.Millisecond
	maxBackoff    = 200 * time.Millisecond
	clusterReload = 2 * time.Second
)

func override(user, pass string, o Options) (string, string) {
	if o.Username != "" {
		user = o.Username
	}
	if o.Password != "" {
		pass = o.Password
	}
	return user, pass
}

// OpenWith connects to Redis in the topology o describes and checks that it
// answers.
func OpenWith(ctx context.Context, o Options) (*Client, error) {
	rdb, err := o.client()
	if err != nil {
		return nil, err
	}
	c := &Client{rdb: rdb, prefix: strings.TrimSuffix(o.Prefix, ":"), mode: o.Mode}
	if c.mode == "" {
		c.mode = Standalone
	}
	if cc, ok := rdb.(*goredis.ClusterClient); ok {
		c.cluster, c.cc = true, cc
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	ping := c.Ping
	if c.cc != nil {
		// At start, every master must answer: a cluster missing a shard's
		// master cannot serve that shard's conversations.
		ping = func(ctx context.Context) error {
			return c.cc.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error {
				return m.Ping(ctx).Err()
			})
		}
	}
	if err := ping(pctx); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis ping (%s): %w", c.mode, err)
	}
	return c, nil
}

// Raw exposes the go-redis client (rate limiter store, tests).
func (c *Client) Raw() goredis.UniversalClient { return c.rdb }

// Mode is the topology the client connected to.
func (c *Client) Mode() Mode { return c.mode }

// Prefix is the key prefix every key of this installation starts with.
func (c *Client) Prefix() string { return c.prefix }

// Ping checks that Redis answers (readiness). In cluster mode it passes
// while any master answers: a shard failing over must not take every node
// out of its load balancer, the other shards' conversations are still
// served (and the failing shard's sends answer unavailable meanwhile).
func (c *Client) Ping(ctx context.Context) error {
	if c.cc == nil {
		return c.rdb.Ping(ctx).Err()
	}
	// The masters of the bus partitions' slots (spread over every shard),
	// from the slot map go-redis holds (ForEachMaster would re-read it,
	// dialling dead servers). The first to answer is enough; the others'
	// pings are cancelled.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	masters := map[string]*goredis.Client{}
	var lastErr error
	for _, tag := range busTags {
		m, err := c.cc.MasterForKey(ctx, "{"+tag+"}")
		if err != nil {
			lastErr = err
			continue
		}
		masters[m.Options().Addr] = m
	}
	if len(masters) == 0 {
		return fmt.Errorf("redis cluster: no master known: %w", lastErr)
	}
	errs := make(chan error, len(masters))
	for _, m := range masters {
		go func() { errs <- m.Ping(ctx).Err() }()
	}
	for range masters {
		if lastErr = <-errs; lastErr == nil {
			return nil
		}
	}
	return fmt.Errorf("redis cluster: no master answers: %w", lastErr)
}

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

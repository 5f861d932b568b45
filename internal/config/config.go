// Package config reads chatdesk's configuration from the environment, with
// safe defaults for development and a refusal to start in production with
// default or missing secrets.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// DevJWTSecret is the development default; production refuses it.
const DevJWTSecret = "chatdesk-development-secret-change-me-0000"

// Config is every setting of a node.
type Config struct {
	Env            string // "production" or "development"
	Addr           string
	NodeID         string
	MongoURI       string
	MongoDB        string
	RedisURL       string
	RedisPrefix    string
	JWTSecret      string
	JWTTTL         time.Duration
	VisitorTTL     time.Duration
	AllowedOrigins []string
	PublicURL      string
	TrustedProxies []string
	WidgetFile     string
	DashboardDir   string
	LogFormat      string
	Grace          time.Duration
	// TakeoverTimeout is how long an owner has to answer a takeover
	// request before it passes (owner away/offline) or expires.
	TakeoverTimeout time.Duration
	PresenceTTL     time.Duration
	ShutdownGrace   time.Duration
	BatchMax        int
	BatchInterval   time.Duration
	// MaxUploadBytes bounds one attachment.
	MaxUploadBytes int64
	// WSMaxPerAddr and WSMaxPerVisitor bound one node's sockets from one
	// client address and for one visitor token (0: no bound).
	WSMaxPerAddr, WSMaxPerVisitor int
	// FormChallengeBits is the proof of work the widget solves before a
	// conversation is opened (0: the challenge is off).
	FormChallengeBits int
	// RateLimits overrides rate-limit rules: "rule=N/period,..." e.g.
	// "msg-ip=1200/1m,conv-ip=100/10m".
	RateLimits map[string]RateLimit

	// PprofAddr, when set, serves net/http/pprof on this loopback address.
	PprofAddr string

	// The Redis topology (docs/operations.md): RedisMode is standalone,
	// sentinel or cluster, RedisURL (above) in go-redis's form for it.
	// RedisUsername and RedisPassword, when set, replace the URL's
	// credentials (a Kubernetes Secret can hold them apart);
	// RedisSentinelPassword is the sentinels' own.
	RedisMode             string
	RedisUsername         string
	RedisPassword         string
	RedisSentinelPassword string

	// Integrations. WebhookTimeout bounds one delivery attempt;
	// WebhookRetryBase is the first retry's delay (doubling, for 24 h).
	// SMTPURL, when set, configures outgoing email for the whole cluster
	// (the dashboard then shows it read-only): smtp://[user@]host[:587]
	// (STARTTLS), smtps://[user@]host[:465] (TLS), ?security=none for a
	// relay without encryption; the password is SMTPPassword alone.
	WebhookTimeout   time.Duration
	WebhookRetryBase time.Duration
	SMTPURL          string
	SMTPPassword     string
	SMTPFrom         string
}

// RateLimit is N requests per Period.
type RateLimit struct {
	Limit  int64
	Period time.Duration
}

// Dev reports whether the node runs in development mode.
func (c Config) Dev() bool { return c.Env == "development" }

// Vars documents every variable; README's table is generated from the same
// names.
var Vars = []struct{ Name, Default, Doc string }{
	{"CHATDESK_ENV", "production", "`production` or `development` (dev allows the default JWT secret and any embedding origin)"},
	{"CHATDESK_ADDR", ":8080", "listen address"},
	{"CHATDESK_NODE_ID", "hostname", "node name in logs, metrics and presence"},
	{"CHATDESK_MONGO_URI", "mongodb://localhost:27017", "MongoDB (or FerretDB) URI"},
	{"CHATDESK_MONGO_DB", "chatdesk", "database name"},
	{"CHATDESK_REDIS_MODE", "standalone", "Redis topology: `standalone`, `sentinel` or `cluster` (docs/operations.md)"},
	{"CHATDESK_REDIS_URL", "redis://localhost:6379/0", "Redis URL (`rediss://` for TLS). Sentinel: `redis://sentinel1:26379/0?master_name=NAME&addr=sentinel2:26379&addr=sentinel3:26379`; Cluster: `redis://node1:6379?addr=node2:6379&addr=node3:6379`"},
	{"CHATDESK_REDIS_USERNAME", "", "ACL user of the Redis servers holding data; replaces the URL's"},
	{"CHATDESK_REDIS_PASSWORD", "", "password of the Redis servers holding data; replaces the URL's (keep it in a secret)"},
	{"CHATDESK_REDIS_SENTINEL_PASSWORD", "", "sentinel mode: the sentinels' own password, when they require one"},
	{"CHATDESK_REDIS_PREFIX", "chatdesk", "prefix of every Redis key and channel"},
	{"CHATDESK_JWT_SECRET", "(none)", "HMAC secret for tokens, ≥ 32 bytes; required in production"},
	{"CHATDESK_JWT_TTL", "1h", "agent access token lifetime"},
	{"CHATDESK_VISITOR_TTL", "720h", "visitor token lifetime"},
	{"CHATDESK_ALLOWED_ORIGINS", "", "comma-separated sites allowed to embed the widget (added to the admin setting)"},
	{"CHATDESK_PUBLIC_URL", "", "public base URL, e.g. https://chat.example.com"},
	{"CHATDESK_TRUSTED_PROXIES", "127.0.0.1/32,::1/128", "comma-separated CIDRs whose X-Forwarded-For is trusted"},
	{"CHATDESK_WIDGET_FILE", "web-widget/dist/widget.js", "built widget bundle"},
	{"CHATDESK_DASHBOARD_DIR", "web-dashboard/dist", "built dashboard"},
	{"CHATDESK_LOG_FORMAT", "json", "`json` or `text`"},
	{"CHATDESK_PPROF_ADDR", "", "serve Go's `/debug/pprof/` on this loopback address, e.g. `127.0.0.1:6060` (off when empty; profiling only)"},
	{"CHATDESK_GRACE_PERIOD", "2m", "how long an owner may be offline before their chats return to the queue"},
	{"CHATDESK_PRESENCE_TTL", "20s", "an agent whose node stops heartbeating is offline after this (+5 s)"},
	{"CHATDESK_SHUTDOWN_GRACE", "20s", "time allowed for draining on SIGTERM"},
	{"CHATDESK_BATCH_MAX", "256", "messages per MongoDB InsertMany"},
	{"CHATDESK_BATCH_INTERVAL", "2ms", "longest wait before a batch is flushed"},
	{"CHATDESK_MAX_UPLOAD_BYTES", "10485760", "largest attachment accepted, in bytes (10 MiB); Nginx's `client_max_body_size` must allow it"},
	{"CHATDESK_WS_MAX_PER_ADDR", "100", "WebSocket connections one client address may hold on one node (0: no limit); more are closed with code 4429"},
	{"CHATDESK_WS_MAX_PER_VISITOR", "10", "WebSocket connections one visitor token (conversation) may hold on one node (0: no limit); more are closed with code 4429"},
	{"CHATDESK_FORM_CHALLENGE_BITS", "16 (production), 0 (development)", "spam protection of the pre-chat form: the proof of work (leading zero bits of SHA-256, 0–22) the widget solves while the visitor types; 0 turns the challenge off, so plain API POSTs create conversations"},
	{"CHATDESK_WEBHOOK_TIMEOUT", "10s", "longest wait for a webhook endpoint's answer, per attempt"},
	{"CHATDESK_WEBHOOK_RETRY_BASE", "30s", "delay before a failed webhook delivery's first retry; it doubles (up to 1 h) for 24 h"},
	{"CHATDESK_SMTP_URL", "", "outgoing email for the cluster, overriding the dashboard: `smtp://user@smtp.example.vn:587` (STARTTLS), `smtps://user@host:465` (TLS), `?security=none` for a relay without encryption"},
	{"CHATDESK_SMTP_PASSWORD", "", "password of the SMTP user of CHATDESK_SMTP_URL (keep it in a secret)"},
	{"CHATDESK_SMTP_FROM", "", "sender of emails with CHATDESK_SMTP_URL, e.g. `Hỗ trợ <hotro@example.vn>`"},
	{"CHATDESK_RATE_LIMITS", "", "overrides of rate limits, e.g. `msg-ip=1200/1m,conv-ip=100/10m` (rules: login-ip, login-fail, login-account, login-slow, conv-ip, msg-visitor, msg-ip, typing-sender, read-sender, page-visitor, transcript, transcript-ip)"},
}

// FromEnv reads the configuration from getenv.
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	host, _ := os.Hostname()
	c := Config{
		Env:            get("CHATDESK_ENV", "production"),
		Addr:           get("CHATDESK_ADDR", ":8080"),
		NodeID:         get("CHATDESK_NODE_ID", host),
		MongoURI:       get("CHATDESK_MONGO_URI", "mongodb://localhost:27017"),
		MongoDB:        get("CHATDESK_MONGO_DB", "chatdesk"),
		RedisURL:       get("CHATDESK_REDIS_URL", "redis://localhost:6379/0"),
		RedisPrefix:    get("CHATDESK_REDIS_PREFIX", "chatdesk"),
		JWTSecret:      getenv("CHATDESK_JWT_SECRET"),
		AllowedOrigins: list(get("CHATDESK_ALLOWED_ORIGINS", "")),
		PublicURL:      strings.TrimSuffix(get("CHATDESK_PUBLIC_URL", ""), "/"),
		TrustedProxies: list(get("CHATDESK_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")),
		WidgetFile:     get("CHATDESK_WIDGET_FILE", "web-widget/dist/widget.js"),
		DashboardDir:   get("CHATDESK_DASHBOARD_DIR", "web-dashboard/dist"),
		LogFormat:      get("CHATDESK_LOG_FORMAT", "json"),
		PprofAddr:      get("CHATDESK_PPROF_ADDR", ""),
	}
	c.RedisMode = get("CHATDESK_REDIS_MODE", "standalone")
	c.RedisUsername = get("CHATDESK_REDIS_USERNAME", "")
	// Secrets are taken as they are (no trimming).
	c.RedisPassword = getenv("CHATDESK_REDIS_PASSWORD")
	c.RedisSentinelPassword = getenv("CHATDESK_REDIS_SENTINEL_PASSWORD")
	var errs []error
	dur := func(name, def string) time.Duration {
		d, err := time.ParseDuration(get(name, def))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: invalid duration", name))
		}
		return d
	}
	c.JWTTTL = dur("CHATDESK_JWT_TTL", "1h")
	c.VisitorTTL = dur("CHATDESK_VISITOR_TTL", "720h")
	c.Grace = dur("CHATDESK_GRACE_PERIOD", "2m")
	c.TakeoverTimeout = dur("CHATDESK_TAKEOVER_TIMEOUT", "60s")
	c.PresenceTTL = dur("CHATDESK_PRESENCE_TTL", "20s")
	c.ShutdownGrace = dur("CHATDESK_SHUTDOWN_GRACE", "20s")
	c.BatchInterval = dur("CHATDESK_BATCH_INTERVAL", "2ms")
	c.WebhookTimeout = dur("CHATDESK_WEBHOOK_TIMEOUT", "10s")
	c.WebhookRetryBase = dur("CHATDESK_WEBHOOK_RETRY_BASE", "30s")
	c.SMTPURL = get("CHATDESK_SMTP_URL", "")
	c.SMTPPassword = getenv("CHATDESK_SMTP_PASSWORD")
	c.SMTPFrom = get("CHATDESK_SMTP_FROM", "")
	errs = append(errs, checkSMTP(c)...)
	if _, err := fmt.Sscan(get("CHATDESK_BATCH_MAX", "256"), &c.BatchMax); err != nil || c.BatchMax <= 0 {
		errs = append(errs, errors.New("CHATDESK_BATCH_MAX: invalid number"))
	}
	if _, err := fmt.Sscan(get("CHATDESK_MAX_UPLOAD_BYTES", "10485760"), &c.MaxUploadBytes); err != nil || c.MaxUploadBytes <= 0 || c.MaxUploadBytes > 1<<30 {
		errs = append(errs, errors.New("CHATDESK_MAX_UPLOAD_BYTES: invalid number (1 to 1073741824)"))
	}
	if _, err := fmt.Sscan(get("CHATDESK_WS_MAX_PER_ADDR", "100"), &c.WSMaxPerAddr); err != nil || c.WSMaxPerAddr < 0 {
		errs = append(errs, errors.New("CHATDESK_WS_MAX_PER_ADDR: invalid number (0 or more)"))
	}
	if _, err := fmt.Sscan(get("CHATDESK_WS_MAX_PER_VISITOR", "10"), &c.WSMaxPerVisitor); err != nil || c.WSMaxPerVisitor < 0 {
		errs = append(errs, errors.New("CHATDESK_WS_MAX_PER_VISITOR: invalid number (0 or more)"))
	}
	bitsDefault := "16"
	if c.Env == "development" {
		bitsDefault = "0"
	}
	if _, err := fmt.Sscan(get("CHATDESK_FORM_CHALLENGE_BITS", bitsDefault), &c.FormChallengeBits); err != nil || c.FormChallengeBits < 0 || c.FormChallengeBits > 22 {
		errs = append(errs, errors.New("CHATDESK_FORM_CHALLENGE_BITS: invalid number (0 to 22)"))
	}
	if rl, err := parseRateLimits(get("CHATDESK_RATE_LIMITS", "")); err != nil {
		errs = append(errs, err)
	} else {
		c.RateLimits = rl
	}
	switch c.Env {
	case "production":
		if c.JWTSecret == "" || c.JWTSecret == DevJWTSecret || len(c.JWTSecret) < 32 {
			errs = append(errs, errors.New("CHATDESK_JWT_SECRET must be set to a random value of at least 32 characters in production (e.g. `openssl rand -hex 32`)"))
		} else if err := checkSecret(c.JWTSecret); err != nil {
			errs = append(errs, err)
		}
	case "development":
		if c.JWTSecret == "" {
			c.JWTSecret = DevJWTSecret
		}
	default:
		errs = append(errs, fmt.Errorf("CHATDESK_ENV must be production or development, not %q", c.Env))
	}
	if c.PprofAddr != "" && !loopback(c.PprofAddr) {
		errs = append(errs, errors.New("CHATDESK_PPROF_ADDR must be a loopback address such as 127.0.0.1:6060"))
	}
	errs = append(errs, checkRedis(c)...)
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, errors.New("CHATDESK_LOG_FORMAT must be json or text"))
	}
	return c, errors.Join(errs...)
}

// loopback reports whether addr is host:port with a loopback IP host.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseRateLimits(s string) (map[string]RateLimit, error) {
	out := map[string]RateLimit{}
	for _, item := range list(s) {
		name, spec, ok := strings.Cut(item, "=")
		n, per, ok2 := strings.Cut(spec, "/")
		var limit int64
		_, err := fmt.Sscan(n, &limit)
		d, derr := time.ParseDuration(per)
		if !ok || !ok2 || err != nil || derr != nil || limit <= 0 || d <= 0 {
			return nil, fmt.Errorf("CHATDESK_RATE_LIMITS: cannot read %q (want rule=N/period, e.g. msg-ip=1200/1m)", item)
		}
		out[strings.TrimSpace(name)] = RateLimit{Limit: limit, Period: d}
	}
	return out, nil
}

// checkRedis refuses Redis settings that cannot work: an unknown mode, a
// URL of another mode's form, a prefix that would change hash slots, and
// in production a TLS connection that does not verify the server.
func checkRedis(c Config) []error {
	var errs []error
	if strings.ContainsAny(c.RedisPrefix, "{}") {
		errs = append(errs, errors.New("CHATDESK_REDIS_PREFIX may not contain { or } (they decide a key's Redis Cluster slot)"))
	}
	u, err := url.Parse(c.RedisURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return append(errs, errors.New("CHATDESK_REDIS_URL must be redis://host:port/… or rediss://host:port/… (TLS)"))
	}
	q := u.Query()
	switch c.RedisMode {
	case "standalone":
		if q.Has("master_name") || q.Has("addr") {
			errs = append(errs, errors.New("CHATDESK_REDIS_URL has master_name or addr=, which only the sentinel and cluster modes read: set CHATDESK_REDIS_MODE=sentinel (or cluster)"))
		}
	case "sentinel":
		if q.Get("master_name") == "" {
			errs = append(errs, errors.New("CHATDESK_REDIS_MODE=sentinel needs the monitored master's name in CHATDESK_REDIS_URL: redis://sentinel1:26379/0?master_name=NAME&addr=sentinel2:26379&addr=sentinel3:26379"))
		}
	case "cluster":
		if q.Has("master_name") {
			errs = append(errs, errors.New("CHATDESK_REDIS_URL has master_name, a Sentinel setting: a Redis Cluster needs no sentinel (CHATDESK_REDIS_MODE=cluster takes seed nodes: redis://node1:6379?addr=node2:6379)"))
		}
		if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
			errs = append(errs, fmt.Errorf("CHATDESK_REDIS_URL selects database %s: a Redis Cluster has only database 0", db))
		}
	default:
		errs = append(errs, fmt.Errorf("CHATDESK_REDIS_MODE must be standalone, sentinel or cluster, not %q", c.RedisMode))
	}
	if c.RedisSentinelPassword != "" && c.RedisMode != "sentinel" {
		errs = append(errs, errors.New("CHATDESK_REDIS_SENTINEL_PASSWORD is set but CHATDESK_REDIS_MODE is not sentinel"))
	}
	if c.Env == "production" && u.Scheme == "rediss" && (q.Get("skip_verify") == "true" || q.Get("skip_verify") == "1") {
		errs = append(errs, errors.New("CHATDESK_REDIS_URL: skip_verify turns off TLS server verification; production refuses it"))
	}
	return errs
}

// SMTP is CHATDESK_SMTP_URL read: host, port, security (starttls, tls or
// none) and user; ok is false when it is not set.
func (c Config) SMTP() (host string, port int, security, user string, ok bool) {
	if c.SMTPURL == "" {
		return "", 0, "", "", false
	}
	u, err := url.Parse(c.SMTPURL)
	if err != nil {
		return "", 0, "", "", false
	}
	security, port = "starttls", 587
	if u.Scheme == "smtps" {
		security, port = "tls", 465
	}
	if q := u.Query().Get("security"); q != "" {
		security = q
	}
	if p := u.Port(); p != "" {
		_, _ = fmt.Sscan(p, &port)
	}
	return u.Hostname(), port, security, u.User.Username(), true
}

// checkSMTP refuses an SMTP URL that cannot work or would leak the
// password: another scheme, no host, a password in the URL (it belongs in
// CHATDESK_SMTP_PASSWORD, a secret), an unknown security, or no sender.
func checkSMTP(c Config) []error {
	if c.SMTPURL == "" {
		if c.SMTPPassword != "" || c.SMTPFrom != "" {
			return []error{errors.New("CHATDESK_SMTP_PASSWORD or CHATDESK_SMTP_FROM is set without CHATDESK_SMTP_URL")}
		}
		return nil
	}
	u, err := url.Parse(c.SMTPURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") {
		return []error{errors.New("CHATDESK_SMTP_URL must be smtp://[user@]host[:port] (STARTTLS) or smtps://[user@]host[:port] (TLS)")}
	}
	var errs []error
	if _, set := u.User.Password(); set {
		errs = append(errs, errors.New("CHATDESK_SMTP_URL holds a password: put it in CHATDESK_SMTP_PASSWORD"))
	}
	if q := u.Query().Get("security"); q != "" && q != "none" && q != "starttls" && q != "tls" {
		errs = append(errs, errors.New("CHATDESK_SMTP_URL: security must be starttls, tls or none"))
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscan(p, &n); err != nil || n < 1 || n > 65535 {
			errs = append(errs, errors.New("CHATDESK_SMTP_URL: invalid port"))
		}
	}
	if c.SMTPFrom == "" || strings.ContainsAny(c.SMTPFrom, "\r\n") {
		errs = append(errs, errors.New("CHATDESK_SMTP_FROM must name the sender when CHATDESK_SMTP_URL is set, e.g. Hỗ trợ <hotro@example.vn>"))
	}
	return errs
}

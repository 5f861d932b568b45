// Package metrics exposes a node's metrics to Prometheus through
// client_golang: chatdesk's own series, the Go runtime and the process.
//
// Every chatdesk series carries the constant label node (CHATDESK_NODE_ID)
// and otherwise only labels from small fixed sets (role, outcome), so the
// number of series does not grow with traffic. Each Registry has its own
// prometheus.Registry: several nodes can run in one process (tests) and
// nothing is registered globally.
//
// Series (names and labels are relied on by deploy/monitoring, the load
// generator and tests; rename none without updating them):
//
//	chatdesk_connections{role}                 gauge      sockets that finished their hello
//	chatdesk_connections_opened_total{role}    counter    sockets that finished their hello, ever
//	chatdesk_messages_stored_total             counter    messages written to MongoDB and acknowledged
//	chatdesk_message_store_seconds             histogram  durable write of one message (batcher wait + InsertMany);
//	                                                      the sender's ack waits for it
//	chatdesk_batch_flushes_total               counter    group-commit flushes
//	chatdesk_batch_flush_errors_total          counter    flushes that failed as a whole
//	chatdesk_batch_size                        histogram  messages per flush
//	chatdesk_batch_flush_seconds               histogram  one InsertMany
//	chatdesk_redis_errors_total                counter    failed Redis calls (on the message and event paths)
//	chatdesk_mongo_errors_total                counter    failed MongoDB calls
//	chatdesk_bot_calls_total{outcome}          counter    bot turns: answered, dropped, empty, error
//	chatdesk_queue_wait_seconds                histogram  time a conversation waited before its first
//	                                                      assignment (fed by QueueWait)
//	chatdesk_webhook_attempts_total{outcome}   counter    webhook delivery attempts: delivered, retrying
//	                                                      (failed, tried again later), failed (given up)
//	chatdesk_webhook_deliveries_pending        gauge      the cluster's webhook backlog (deliveries not
//	                                                      yet delivered nor given up), counted by this
//	                                                      node's delivery loop once a minute
//
// plus go_* (runtime, including go_build_info) and process_* (CPU, memory,
// file descriptors, start time).
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// BotOutcomes are the outcomes BotCall counts; others are ignored, so a
// caller's typo cannot create series.
var BotOutcomes = []string{"answered", "dropped", "empty", "error"}

// WebhookOutcomes are the outcomes WebhookAttempt counts; others are
// ignored.
var WebhookOutcomes = []string{"delivered", "retrying", "failed"}

// Roles are the socket roles Connected and Disconnected count; anything
// but "agent" counts as a visitor.
var Roles = []string{"visitor", "agent"}

// Registry holds the node's metrics. Its methods are safe for concurrent
// use and never block on the scrape.
type Registry struct {
	node    string
	reg     *prometheus.Registry
	handler http.Handler

	connections    *prometheus.GaugeVec
	opened         *prometheus.CounterVec
	messagesStored prometheus.Counter
	storeLatency   prometheus.Histogram
	flushes        prometheus.Counter
	flushErrors    prometheus.Counter
	flushSize      prometheus.Histogram
	flushLatency   prometheus.Histogram
	redisErrors    prometheus.Counter
	mongoErrors    prometheus.Counter
	botCalls       *prometheus.CounterVec
	queueWait      prometheus.Histogram
	hookAttempts   *prometheus.CounterVec
	hookBacklog    prometheus.Gauge
}

// Bucket bounds, in seconds or messages. The first ten bounds of the
// latency buckets are those of the hand-rolled exporter this package
// replaced (dashboards' histogram_quantile keeps working); 2.5 s and 5 s
// were added because a write may wait up to the driver's 3 s timeout.
var (
	latencyBuckets   = []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 5}
	batchSizeBuckets = []float64{1, 2, 5, 10, 25, 50, 100, 256, 512}
	// Waiting for an agent is counted in seconds to hours.
	queueWaitBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600}
)

// New returns an empty registry for node.
func New(node string) *Registry {
	r := &Registry{node: node, reg: prometheus.NewRegistry()}
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	histogram := func(name, help string, buckets []float64) prometheus.Histogram {
		return prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	}
	r.connections = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "chatdesk_connections",
		Help: "WebSocket connections on this node that finished their hello, by role.",
	}, []string{"role"})
	r.opened = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chatdesk_connections_opened_total",
		Help: "WebSocket connections that finished their hello on this node, by role (reconnect rate).",
	}, []string{"role"})
	r.messagesStored = counter("chatdesk_messages_stored_total",
		"Messages written to MongoDB and acknowledged to their sender.")
	r.storeLatency = histogram("chatdesk_message_store_seconds",
		"Durable write of one message (group-commit wait and InsertMany); the sender's acknowledgement waits for it.",
		latencyBuckets)
	r.flushes = counter("chatdesk_batch_flushes_total", "Group-commit flushes (one InsertMany each).")
	r.flushErrors = counter("chatdesk_batch_flush_errors_total", "Group-commit flushes that failed as a whole.")
	r.flushSize = histogram("chatdesk_batch_size", "Messages per group-commit flush.", batchSizeBuckets)
	r.flushLatency = histogram("chatdesk_batch_flush_seconds", "Duration of one group-commit InsertMany.", latencyBuckets)
	r.redisErrors = counter("chatdesk_redis_errors_total", "Failed Redis calls.")
	r.mongoErrors = counter("chatdesk_mongo_errors_total", "Failed MongoDB calls.")
	r.botCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chatdesk_bot_calls_total",
		Help: "Bot turns by outcome: answered, dropped (an agent took over), empty, error.",
	}, []string{"outcome"})
	r.queueWait = histogram("chatdesk_queue_wait_seconds",
		"Time a conversation waited in the queue before it was assigned to an agent.", queueWaitBuckets)
	r.hookAttempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chatdesk_webhook_attempts_total",
		Help: "Webhook delivery attempts made by this node, by outcome: delivered, retrying (failed, tried again later), failed (given up).",
	}, []string{"outcome"})
	r.hookBacklog = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "chatdesk_webhook_deliveries_pending",
		Help: "Webhook deliveries of the whole cluster waiting for their first attempt or a retry, counted by this node's delivery loop once a minute.",
	})

	// Every series is present from the first scrape, at zero: rate() and
	// absent() behave, and dashboards show 0 rather than "no data".
	for _, role := range Roles {
		r.connections.WithLabelValues(role)
		r.opened.WithLabelValues(role)
	}
	for _, o := range BotOutcomes {
		r.botCalls.WithLabelValues(o)
	}
	for _, o := range WebhookOutcomes {
		r.hookAttempts.WithLabelValues(o)
	}

	wrapped := prometheus.WrapRegistererWith(prometheus.Labels{"node": node}, r.reg)
	wrapped.MustRegister(
		r.connections, r.opened, r.messagesStored, r.storeLatency,
		r.flushes, r.flushErrors, r.flushSize, r.flushLatency,
		r.redisErrors, r.mongoErrors, r.botCalls, r.queueWait, r.hookAttempts, r.hookBacklog,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	)
	r.handler = promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{
		// A collector that fails (e.g. /proc unreadable) must not hide the
		// others.
		ErrorHandling: promhttp.ContinueOnError,
		// Scrapes are cheap; two at once are plenty (Prometheus plus a
		// person with curl), more queue.
		MaxRequestsInFlight: 2,
		Timeout:             10 * time.Second,
	})
	return r
}

// Gatherer is the registry behind ServeHTTP, for tests and for embedding
// chatdesk's metrics elsewhere.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.reg }

// Connected counts a socket that finished its hello.
func (r *Registry) Connected(role string) {
	role = roleOf(role)
	r.connections.WithLabelValues(role).Inc()
	r.opened.WithLabelValues(role).Inc()
}

// Disconnected uncounts it.
func (r *Registry) Disconnected(role string) { r.connections.WithLabelValues(roleOf(role)).Dec() }

func roleOf(role string) string {
	if role == "agent" {
		return "agent"
	}
	return "visitor"
}

// MessageStored records one acknowledged message and its write latency.
func (r *Registry) MessageStored(d time.Duration) {
	r.messagesStored.Inc()
	r.storeLatency.Observe(d.Seconds())
}

// Flush records one batch flush.
func (r *Registry) Flush(n int, d time.Duration, err error) {
	r.flushes.Inc()
	if err != nil {
		r.flushErrors.Inc()
	}
	r.flushSize.Observe(float64(n))
	r.flushLatency.Observe(d.Seconds())
}

// RedisError counts a failed Redis call.
func (r *Registry) RedisError() { r.redisErrors.Inc() }

// MongoError counts a failed MongoDB call.
func (r *Registry) MongoError() { r.mongoErrors.Inc() }

// BotCall counts a bot turn by outcome, one of BotOutcomes; other outcomes
// are not counted.
func (r *Registry) BotCall(outcome string) {
	for _, o := range BotOutcomes {
		if o == outcome {
			r.botCalls.WithLabelValues(o).Inc()
			return
		}
	}
}

// QueueWait records how long a conversation waited before it was assigned
// (from its creation, or its return to the queue, to the assignment).
// Nothing in desk calls it yet; until then the histogram stays at zero.
func (r *Registry) QueueWait(d time.Duration) { r.queueWait.Observe(d.Seconds()) }

// WebhookAttempt counts a webhook delivery attempt by outcome, one of
// WebhookOutcomes; other outcomes are not counted.
func (r *Registry) WebhookAttempt(outcome string) {
	for _, o := range WebhookOutcomes {
		if o == outcome {
			r.hookAttempts.WithLabelValues(o).Inc()
			return
		}
	}
}

// WebhookBacklog records the number of pending webhook deliveries.
func (r *Registry) WebhookBacklog(n int) { r.hookBacklog.Set(float64(n)) }

// ServeHTTP writes the exposition (text format unless the scraper asks for
// another, compressed when it accepts gzip).
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.handler.ServeHTTP(w, req) }

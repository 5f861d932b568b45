// Package metrics exposes a node's counters in the Prometheus text format.
// It is hand-rolled to keep the production binary free of a metrics
// dependency; every series is a fixed, low-cardinality name.
package metrics

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds the node's metrics.
type Registry struct {
	node string

	visitors, agents         atomic.Int64
	messagesStored           atomic.Int64
	storeLatency             histogram
	flushes, flushErrors     atomic.Int64
	flushSize                histogram
	flushLatency             histogram
	redisErrors, mongoErrors atomic.Int64
	botMu                    sync.Mutex
	botCalls                 map[string]int64
}

// New returns an empty registry for node.
func New(node string) *Registry {
	ms := []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}
	return &Registry{
		node:         node,
		storeLatency: newHistogram(ms),
		flushLatency: newHistogram(ms),
		flushSize:    newHistogram([]float64{1, 2, 5, 10, 25, 50, 100, 256, 512}),
	}
}

// Connected counts a socket that finished its hello.
func (r *Registry) Connected(role string) { r.gauge(role).Add(1) }

// Disconnected uncounts it.
func (r *Registry) Disconnected(role string) { r.gauge(role).Add(-1) }

func (r *Registry) gauge(role string) *atomic.Int64 {
	if role == "agent" {
		return &r.agents
	}
	return &r.visitors
}

// MessageStored records one acknowledged message and its write latency.
func (r *Registry) MessageStored(d time.Duration) {
	r.messagesStored.Add(1)
	r.storeLatency.observe(d.Seconds())
}

// Flush records one batch flush.
func (r *Registry) Flush(n int, d time.Duration, err error) {
	r.flushes.Add(1)
	if err != nil {
		r.flushErrors.Add(1)
	}
	r.flushSize.observe(float64(n))
	r.flushLatency.observe(d.Seconds())
}

// RedisError counts a failed Redis call.
func (r *Registry) RedisError() { r.redisErrors.Add(1) }

// MongoError counts a failed MongoDB call.
func (r *Registry) MongoError() { r.mongoErrors.Add(1) }

// BotCall counts a bot turn by outcome (a fixed, small set).
func (r *Registry) BotCall(outcome string) {
	r.botMu.Lock()
	defer r.botMu.Unlock()
	if r.botCalls == nil {
		r.botCalls = map[string]int64{}
	}
	r.botCalls[outcome]++
}

// ServeHTTP writes the exposition.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	l := fmt.Sprintf(`node=%q`, r.node)
	fmt.Fprintf(w, "# TYPE chatdesk_connections gauge\n")
	fmt.Fprintf(w, "chatdesk_connections{%s,role=\"visitor\"} %d\n", l, r.visitors.Load())
	fmt.Fprintf(w, "chatdesk_connections{%s,role=\"agent\"} %d\n", l, r.agents.Load())
	fmt.Fprintf(w, "# TYPE chatdesk_messages_stored_total counter\nchatdesk_messages_stored_total{%s} %d\n", l, r.messagesStored.Load())
	r.storeLatency.write(w, "chatdesk_message_store_seconds", l)
	fmt.Fprintf(w, "# TYPE chatdesk_batch_flushes_total counter\nchatdesk_batch_flushes_total{%s} %d\n", l, r.flushes.Load())
	fmt.Fprintf(w, "# TYPE chatdesk_batch_flush_errors_total counter\nchatdesk_batch_flush_errors_total{%s} %d\n", l, r.flushErrors.Load())
	r.flushSize.write(w, "chatdesk_batch_size", l)
	r.flushLatency.write(w, "chatdesk_batch_flush_seconds", l)
	fmt.Fprintf(w, "# TYPE chatdesk_redis_errors_total counter\nchatdesk_redis_errors_total{%s} %d\n", l, r.redisErrors.Load())
	fmt.Fprintf(w, "# TYPE chatdesk_mongo_errors_total counter\nchatdesk_mongo_errors_total{%s} %d\n", l, r.mongoErrors.Load())
	fmt.Fprintf(w, "# TYPE chatdesk_bot_calls_total counter\n")
	r.botMu.Lock()
	for _, o := range []string{"answered", "dropped", "empty", "error"} {
		fmt.Fprintf(w, "chatdesk_bot_calls_total{%s,outcome=%q} %d\n", l, o, r.botCalls[o])
	}
	r.botMu.Unlock()
}

type histogram struct {
	mu     sync.Mutex
	bounds []float64
	counts []int64
	sum    float64
	n      int64
}

func newHistogram(bounds []float64) histogram {
	sort.Float64s(bounds)
	return histogram{bounds: bounds, counts: make([]int64, len(bounds))}
}

func (h *histogram) observe(v float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.n++
}

func (h *histogram) write(w http.ResponseWriter, name, labels string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# TYPE %s histogram\n", name)
	for i, b := range h.bounds {
		fmt.Fprintf(w, "%s_bucket{%s,le=\"%g\"} %d\n", name, labels, b, h.counts[i])
	}
	fmt.Fprintf(w, "%s_bucket{%s,le=\"+Inf\"} %d\n", name, labels, h.n)
	fmt.Fprintf(w, "%s_sum{%s} %g\n%s_count{%s} %d\n", name, labels, h.sum, name, labels, h.n)
}

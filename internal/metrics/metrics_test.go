package metrics

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape serves one GET /metrics from r's handler and parses the text
// exposition into families.
func scrape(t *testing.T, r *Registry) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("Content-Type %q, want the Prometheus text format", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	return fams
}

// samples flattens families into `name{label="v",...}` → value, histograms
// expanded into their _bucket, _sum and _count samples as they appear in
// the text format. Labels are sorted by name.
func samples(fams map[string]*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	key := func(name string, labels []*dto.LabelPair, extra ...string) string {
		var ls []string
		for _, l := range labels {
			ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
		}
		ls = append(ls, extra...)
		sort.Strings(ls)
		return name + "{" + strings.Join(ls, ",") + "}"
	}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[key(name, m.GetLabel())] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[key(name, m.GetLabel())] = m.GetGauge().GetValue()
			case dto.MetricType_UNTYPED:
				out[key(name, m.GetLabel())] = m.GetUntyped().GetValue()
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				for _, b := range h.GetBucket() {
					le := fmt.Sprintf("le=%q", strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64))
					out[key(name+"_bucket", m.GetLabel(), le)] = float64(b.GetCumulativeCount())
				}
				out[key(name+"_bucket", m.GetLabel(), `le="+Inf"`)] = float64(h.GetSampleCount())
				out[key(name+"_sum", m.GetLabel())] = h.GetSampleSum()
				out[key(name+"_count", m.GetLabel())] = float64(h.GetSampleCount())
			case dto.MetricType_SUMMARY:
				s := m.GetSummary()
				for _, q := range s.GetQuantile() {
					out[key(name, m.GetLabel(), fmt.Sprintf("quantile=%q", strconv.FormatFloat(q.GetQuantile(), 'g', -1, 64)))] = q.GetValue()
				}
				out[key(name+"_sum", m.GetLabel())] = s.GetSampleSum()
				out[key(name+"_count", m.GetLabel())] = float64(s.GetSampleCount())
			}
		}
	}
	return out
}

// legacySeries lists every series the hand-rolled exporter wrote (before
// client_golang), for node n. Each must still be exposed, with the same
// name and labels.
func legacySeries(n string) []string {
	node := fmt.Sprintf("node=%q", n)
	out := []string{
		`chatdesk_connections{` + node + `,role="visitor"}`,
		`chatdesk_connections{` + node + `,role="agent"}`,
		`chatdesk_messages_stored_total{` + node + `}`,
		`chatdesk_batch_flushes_total{` + node + `}`,
		`chatdesk_batch_flush_errors_total{` + node + `}`,
		`chatdesk_redis_errors_total{` + node + `}`,
		`chatdesk_mongo_errors_total{` + node + `}`,
	}
	for _, o := range []string{"answered", "dropped", "empty", "error"} {
		out = append(out, fmt.Sprintf(`chatdesk_bot_calls_total{%s,outcome=%q}`, node, o))
	}
	hist := func(name string, bounds ...string) {
		for _, b := range append(bounds, "+Inf") {
			out = append(out, fmt.Sprintf(`%s_bucket{le=%q,%s}`, name, b, node))
		}
		out = append(out, name+"_sum{"+node+"}", name+"_count{"+node+"}")
	}
	ms := []string{"0.0005", "0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "1"}
	hist("chatdesk_message_store_seconds", ms...)
	hist("chatdesk_batch_flush_seconds", ms...)
	hist("chatdesk_batch_size", "1", "2", "5", "10", "25", "50", "100", "256", "512")
	return out
}

func TestExpositionKeepsEveryLegacySeries(t *testing.T) {
	s := samples(scrape(t, New("node-1")))
	for _, want := range legacySeries("node-1") {
		v, ok := s[want]
		if !ok {
			t.Errorf("series %s is gone", want)
		} else if v != 0 {
			t.Errorf("%s = %v on a new registry, want 0", want, v)
		}
	}
}

func TestExpositionTypesAndLabels(t *testing.T) {
	fams := scrape(t, New("node-1"))
	want := map[string]dto.MetricType{
		"chatdesk_connections":                dto.MetricType_GAUGE,
		"chatdesk_connections_opened_total":   dto.MetricType_COUNTER,
		"chatdesk_messages_stored_total":      dto.MetricType_COUNTER,
		"chatdesk_message_store_seconds":      dto.MetricType_HISTOGRAM,
		"chatdesk_batch_flushes_total":        dto.MetricType_COUNTER,
		"chatdesk_batch_flush_errors_total":   dto.MetricType_COUNTER,
		"chatdesk_batch_size":                 dto.MetricType_HISTOGRAM,
		"chatdesk_batch_flush_seconds":        dto.MetricType_HISTOGRAM,
		"chatdesk_redis_errors_total":         dto.MetricType_COUNTER,
		"chatdesk_mongo_errors_total":         dto.MetricType_COUNTER,
		"chatdesk_bot_calls_total":            dto.MetricType_COUNTER,
		"chatdesk_queue_wait_seconds":         dto.MetricType_HISTOGRAM,
		"chatdesk_webhook_attempts_total":     dto.MetricType_COUNTER,
		"chatdesk_webhook_deliveries_pending": dto.MetricType_GAUGE,
		// Go runtime and process collectors.
		"go_goroutines":                 dto.MetricType_GAUGE,
		"go_memstats_heap_inuse_bytes":  dto.MetricType_GAUGE,
		"go_gc_duration_seconds":        dto.MetricType_SUMMARY,
		"go_build_info":                 dto.MetricType_GAUGE,
		"process_cpu_seconds_total":     dto.MetricType_COUNTER,
		"process_resident_memory_bytes": dto.MetricType_GAUGE,
		"process_open_fds":              dto.MetricType_GAUGE,
		"process_start_time_seconds":    dto.MetricType_GAUGE,
	}
	for name, typ := range want {
		f, ok := fams[name]
		if !ok {
			t.Errorf("family %s missing", name)
			continue
		}
		if f.GetType() != typ {
			t.Errorf("%s is a %v, want %v", name, f.GetType(), typ)
		}
		if f.GetHelp() == "" {
			t.Errorf("%s has no HELP", name)
		}
	}
	for name, f := range fams {
		if !strings.HasPrefix(name, "chatdesk_") {
			continue
		}
		if _, ok := want[name]; !ok {
			t.Errorf("family %s is not in this test's list: add it (and to the package doc)", name)
		}
		for _, m := range f.GetMetric() {
			var node string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "node":
					node = l.GetValue()
				case "role", "outcome":
				default:
					t.Errorf("%s has an unexpected label %s", name, l.GetName())
				}
			}
			if node != "node-1" {
				t.Errorf("%s: node label %q, want node-1", name, node)
			}
		}
	}
}

func TestSeriesMove(t *testing.T) {
	r := New("n")
	r.Connected("visitor")
	r.Connected("visitor")
	r.Connected("agent")
	r.Disconnected("visitor")
	r.Connected("something-else") // counted as a visitor, as before
	r.MessageStored(3 * time.Millisecond)
	r.MessageStored(1500 * time.Millisecond)
	r.Flush(5, 2*time.Millisecond, nil)
	r.Flush(1, time.Millisecond, errors.New("mongo down"))
	r.RedisError()
	r.MongoError()
	r.MongoError()
	r.BotCall("answered")
	r.BotCall("error")
	r.BotCall("error")
	r.BotCall("made-up") // not a series
	r.QueueWait(40 * time.Second)
	r.WebhookAttempt("delivered")
	r.WebhookAttempt("retrying")
	r.WebhookAttempt("retrying")
	r.WebhookAttempt("made-up") // not a series
	r.WebhookBacklog(7)
	r.WebhookBacklog(3)

	s := samples(scrape(t, r))
	want := map[string]float64{
		`chatdesk_connections{node="n",role="visitor"}`:                 2,
		`chatdesk_connections{node="n",role="agent"}`:                   1,
		`chatdesk_connections_opened_total{node="n",role="visitor"}`:    3,
		`chatdesk_connections_opened_total{node="n",role="agent"}`:      1,
		`chatdesk_messages_stored_total{node="n"}`:                      2,
		`chatdesk_message_store_seconds_count{node="n"}`:                2,
		`chatdesk_message_store_seconds_sum{node="n"}`:                  1.503,
		`chatdesk_message_store_seconds_bucket{le="0.002",node="n"}`:    0,
		`chatdesk_message_store_seconds_bucket{le="0.005",node="n"}`:    1,
		`chatdesk_message_store_seconds_bucket{le="1",node="n"}`:        1,
		`chatdesk_message_store_seconds_bucket{le="2.5",node="n"}`:      2,
		`chatdesk_message_store_seconds_bucket{le="+Inf",node="n"}`:     2,
		`chatdesk_batch_flushes_total{node="n"}`:                        2,
		`chatdesk_batch_flush_errors_total{node="n"}`:                   1,
		`chatdesk_batch_size_sum{node="n"}`:                             6,
		`chatdesk_batch_size_count{node="n"}`:                           2,
		`chatdesk_batch_size_bucket{le="1",node="n"}`:                   1,
		`chatdesk_batch_size_bucket{le="5",node="n"}`:                   2,
		`chatdesk_batch_flush_seconds_sum{node="n"}`:                    0.003,
		`chatdesk_redis_errors_total{node="n"}`:                         1,
		`chatdesk_mongo_errors_total{node="n"}`:                         2,
		`chatdesk_bot_calls_total{node="n",outcome="answered"}`:         1,
		`chatdesk_bot_calls_total{node="n",outcome="error"}`:            2,
		`chatdesk_bot_calls_total{node="n",outcome="dropped"}`:          0,
		`chatdesk_queue_wait_seconds_count{node="n"}`:                   1,
		`chatdesk_queue_wait_seconds_bucket{le="30",node="n"}`:          0,
		`chatdesk_queue_wait_seconds_bucket{le="60",node="n"}`:          1,
		`chatdesk_webhook_attempts_total{node="n",outcome="delivered"}`: 1,
		`chatdesk_webhook_attempts_total{node="n",outcome="retrying"}`:  2,
		`chatdesk_webhook_attempts_total{node="n",outcome="failed"}`:    0,
		`chatdesk_webhook_deliveries_pending{node="n"}`:                 3,
	}
	for k, v := range want {
		got, ok := s[k]
		if !ok {
			t.Errorf("%s missing", k)
		} else if math.Abs(got-v) > 1e-9 {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	for k := range s {
		if strings.Contains(k, "made-up") || strings.Contains(k, "something-else") {
			t.Errorf("a label value from outside the fixed set became a series: %s", k)
		}
	}
}

// Tests and the development harness run several nodes in one process: each
// registry is its own, and nothing goes to the global one.
func TestRegistriesAreIndependent(t *testing.T) {
	a, b := New("a"), New("b")
	a.MessageStored(time.Millisecond)
	sa, sb := samples(scrape(t, a)), samples(scrape(t, b))
	if sa[`chatdesk_messages_stored_total{node="a"}`] != 1 || sb[`chatdesk_messages_stored_total{node="b"}`] != 0 {
		t.Fatalf("registries share state: a=%v b=%v", sa[`chatdesk_messages_stored_total{node="a"}`], sb[`chatdesk_messages_stored_total{node="b"}`])
	}
	for k := range sb {
		if strings.Contains(k, `node="a"`) {
			t.Fatalf("node b exposes %s", k)
		}
	}
}

func TestConcurrentUpdatesAndScrapes(t *testing.T) {
	r := New("n")
	done := make(chan struct{})
	for i := 0; i < 4; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := 0; j < 500; j++ {
				r.Connected("agent")
				r.MessageStored(time.Millisecond)
				r.Flush(3, time.Millisecond, nil)
				r.BotCall("empty")
				r.Disconnected("agent")
			}
		}()
	}
	for i := 0; i < 5; i++ {
		scrape(t, r)
	}
	for i := 0; i < 4; i++ {
		<-done
	}
	s := samples(scrape(t, r))
	if got := s[`chatdesk_messages_stored_total{node="n"}`]; got != 2000 {
		t.Errorf("messages stored %v, want 2000", got)
	}
	if got := s[`chatdesk_connections{node="n",role="agent"}`]; got != 0 {
		t.Errorf("agent connections %v, want 0", got)
	}
	if got := s[`chatdesk_batch_size_sum{node="n"}`]; got != 6000 {
		t.Errorf("batch size sum %v, want 6000", got)
	}
}

func TestGzipWhenAccepted(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	New("n").ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", rec.Header().Get("Content-Encoding"))
	}
}

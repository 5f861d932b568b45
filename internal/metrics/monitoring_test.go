package metrics

// The Grafana dashboard and the Prometheus alert rules in deploy/monitoring
// may only name series and labels this exporter exposes: a renamed metric
// would otherwise leave an empty panel or an alert that can never fire.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"
)

const monitoringDir = "../../deploy/monitoring"

// prometheusSeries are series Prometheus makes itself for every target.
var prometheusSeries = map[string]bool{"up": true, "scrape_duration_seconds": true, "scrape_samples_scraped": true}

// targetLabels are labels Prometheus attaches to every scraped series.
var targetLabels = map[string]bool{"job": true, "instance": true}

// exposed returns the sample names a full registry exposes (histograms and
// summaries expanded into _bucket, _sum and _count) and every label name.
func exposed(t *testing.T) (names, labels map[string]bool, families map[string]*dto.MetricFamily) {
	r := New("n")
	// Touch every method so that no family is empty.
	r.Connected("agent")
	r.MessageStored(time.Millisecond)
	r.Flush(1, time.Millisecond, errors.New("x"))
	r.RedisError()
	r.MongoError()
	r.BotCall("error")
	r.QueueWait(time.Second)
	r.WebhookAttempt("failed")
	r.WebhookBacklog(1)
	families = scrape(t, r)
	names, labels = map[string]bool{}, map[string]bool{"le": true, "quantile": true}
	for name, f := range families {
		names[name] = true
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM:
			names[name+"_bucket"], names[name+"_sum"], names[name+"_count"] = true, true, true
		case dto.MetricType_SUMMARY:
			names[name+"_sum"], names[name+"_count"] = true, true
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = true
			}
		}
	}
	for k := range targetLabels {
		labels[k] = true
	}
	return names, labels, families
}

// query is one PromQL expression and where it was found.
type query struct{ where, expr string }

func alertQueries(t *testing.T) []query {
	raw, err := os.ReadFile(filepath.Join(monitoringDir, "prometheus", "chatdesk-alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Record      string            `yaml:"record"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.UnmarshalWithOptions(raw, &doc, yaml.Strict()); err != nil {
		t.Fatalf("chatdesk-alerts.yml: %v", err)
	}
	var out []query
	seen := map[string]bool{}
	for _, g := range doc.Groups {
		if g.Name == "" || len(g.Rules) == 0 {
			t.Errorf("group %q: no name or no rules", g.Name)
		}
		for _, r := range g.Rules {
			name := r.Alert + r.Record
			switch {
			case r.Alert == "" && r.Record == "":
				t.Errorf("group %s: a rule with neither alert nor record", g.Name)
			case seen[name]:
				t.Errorf("rule %s defined twice", name)
			}
			seen[name] = true
			if r.Alert != "" {
				if s := r.Labels["severity"]; s != "critical" && s != "warning" && s != "info" {
					t.Errorf("alert %s: severity %q, want critical, warning or info", name, s)
				}
				if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
					t.Errorf("alert %s: summary and description annotations are required", name)
				}
			}
			if r.For != "" {
				if _, err := model.ParseDuration(r.For); err != nil {
					t.Errorf("alert %s: for %q: %v", name, r.For, err)
				}
			}
			out = append(out, query{"alert " + name, r.Expr})
		}
	}
	if len(out) == 0 {
		t.Fatal("no rules in chatdesk-alerts.yml")
	}
	return out
}

var labelValuesRE = regexp.MustCompile(`^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

func dashboardQueries(t *testing.T) []query {
	raw, err := os.ReadFile(filepath.Join(monitoringDir, "grafana", "chatdesk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID        string            `json:"uid"`
		Title      string            `json:"title"`
		Panels     []json.RawMessage `json:"panels"`
		Templating struct {
			List []struct {
				Name  string          `json:"name"`
				Type  string          `json:"type"`
				Query json.RawMessage `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("chatdesk.json: %v", err)
	}
	if dash.UID == "" || dash.Title == "" {
		t.Error("chatdesk.json: uid and title are required (stable links, provisioning)")
	}
	var out []query
	ids := map[float64]bool{}
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if title, ok := v["title"].(string); ok && v["type"] != nil {
				where = fmt.Sprintf("panel %q", title)
				if id, ok := v["id"].(float64); ok {
					if ids[id] {
						t.Errorf("%s: panel id %v used twice", where, id)
					}
					ids[id] = true
				}
				if ds, ok := v["datasource"].(map[string]any); ok && ds["uid"] != "${datasource}" {
					t.Errorf("%s: datasource %v, want the ${datasource} variable", where, ds["uid"])
				}
			}
			if e, ok := v["expr"].(string); ok {
				out = append(out, query{where, e})
			}
			for k, c := range v {
				if k != "expr" {
					walk(where, c)
				}
			}
		case []any:
			for _, c := range v {
				walk(where, c)
			}
		}
	}
	for _, p := range dash.Panels {
		var v any
		if err := json.Unmarshal(p, &v); err != nil {
			t.Fatal(err)
		}
		walk("panel", v)
	}
	for _, tv := range dash.Templating.List {
		if tv.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(tv.Query, &q); err != nil {
			_ = json.Unmarshal(tv.Query, &q.Query)
		}
		m := labelValuesRE.FindStringSubmatch(strings.TrimSpace(q.Query))
		if m == nil {
			t.Errorf("variable %s: query %q is not label_values(selector, label)", tv.Name, q.Query)
			continue
		}
		out = append(out, query{"variable " + tv.Name, fmt.Sprintf("group by (%s) (%s)", m[2], m[1])})
	}
	if len(out) < 10 {
		t.Fatalf("only %d queries found in chatdesk.json", len(out))
	}
	return out
}

func TestMonitoringNamesOnlyExposedSeries(t *testing.T) {
	names, labels, families := exposed(t)
	used := map[string]bool{}
	for _, q := range append(alertQueries(t), dashboardQueries(t)...) {
		ms, ls, err := scanPromQL(q.expr)
		if err != nil {
			t.Errorf("%s: %v\n\t%s", q.where, err, q.expr)
			continue
		}
		if len(ms) == 0 {
			t.Errorf("%s: no metric name found in %q", q.where, q.expr)
		}
		for _, m := range ms {
			used[m] = true
			if !names[m] && !prometheusSeries[m] {
				t.Errorf("%s: %s is not exposed by /metrics", q.where, m)
			}
		}
		for _, l := range ls {
			if !labels[l] {
				t.Errorf("%s: label %s is on no exposed series", q.where, l)
			}
		}
	}
	// The other way round: every chatdesk family is on the dashboard.
	for name, f := range families {
		if !strings.HasPrefix(name, "chatdesk_") {
			continue
		}
		found := used[name]
		if f.GetType() == dto.MetricType_HISTOGRAM {
			found = found || used[name+"_bucket"] || used[name+"_count"]
		}
		if !found {
			t.Errorf("%s is exposed but neither the dashboard nor the alerts use it", name)
		}
	}
}

// promqlFuncs are PromQL's functions and aggregation operators.
var promqlFuncs = map[string]bool{}

func init() {
	for _, f := range strings.Fields(`abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time
		ceil changes clamp clamp_max clamp_min cos cosh count_over_time day_of_month day_of_week day_of_year
		days_in_month deg delta deriv double_exponential_smoothing exp floor histogram_avg histogram_count
		histogram_fraction histogram_quantile histogram_stddev histogram_stdvar histogram_sum holt_winters hour
		idelta increase info irate label_join label_replace last_over_time ln log10 log2 mad_over_time
		max_over_time min_over_time minute month pi predict_linear present_over_time quantile_over_time rad
		rate resets round scalar sgn sin sinh sort sort_by_label sort_by_label_desc sort_desc sqrt
		stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp vector year
		sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio`) {
		promqlFuncs[f] = true
	}
}

var (
	promqlKeywords = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true,
		"atan2": true, "inf": true, "nan": true, "Inf": true, "NaN": true, "start": true, "end": true}
	// Followed by a parenthesised list of label names.
	promqlLabelLists = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true,
		"group_left": true, "group_right": true}
	// Grafana's variables: durations in range selectors, strings elsewhere.
	grafanaVar = regexp.MustCompile(`\$(\{[a-zA-Z_][a-zA-Z0-9_]*\}|[a-zA-Z_][a-zA-Z0-9_]*)`)
)

// scanPromQL returns the metric names and the label names an expression
// uses. It is a scanner, not a parser: it knows strings, label matchers,
// range selectors, label lists after by/without/on/ignoring/group_*,
// function calls and keywords; it checks brackets balance and function
// names exist.
func scanPromQL(expr string) (metrics, labels []string, err error) {
	s := grafanaVar.ReplaceAllString(expr, "5m")
	var stack []byte
	labelList := false // inside by (...) and friends
	seenM, seenL := map[string]bool{}, map[string]bool{}
	addM := func(n string) {
		if !seenM[n] {
			seenM[n] = true
			metrics = append(metrics, n)
		}
	}
	addL := func(n string) {
		if !seenL[n] {
			seenL[n] = true
			labels = append(labels, n)
		}
	}
	isIdentStart := func(c byte) bool { return c == '_' || c == ':' || (c|0x20) >= 'a' && (c|0x20) <= 'z' }
	isIdent := func(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
	pendingList := false // a by/without/... keyword waits for its "("
	for i := 0; i < len(s); {
		c := s[i]
		top := byte(0)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, nil, fmt.Errorf("unterminated string at %d", i)
			}
			i = j + 1
		case c >= '0' && c <= '9' || c == '.':
			for i < len(s) && (isIdent(s[i]) || s[i] == '.') {
				i++
			}
		case isIdentStart(c):
			j := i
			for j < len(s) && isIdent(s[j]) {
				j++
			}
			word := s[i:j]
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n') {
				k++
			}
			next := byte(0)
			if k < len(s) {
				next = s[k]
			}
			// "sum by (x) (...)": an aggregation whose label list comes first.
			nextWord := ""
			for m := k; m < len(s) && isIdent(s[m]); m++ {
				nextWord = s[k : m+1]
			}
			switch {
			case top == '{' || labelList:
				addL(word)
			case top == '[':
				// a duration
			case promqlLabelLists[word]:
				pendingList = next == '('
			case promqlKeywords[word]:
			case next == '(' || (nextWord == "by" || nextWord == "without") && promqlFuncs[word]:
				if !promqlFuncs[word] {
					return nil, nil, fmt.Errorf("unknown function %s", word)
				}
			default:
				addM(word)
			}
			i = j
		case c == '(' || c == '{' || c == '[':
			if c == '(' && pendingList {
				labelList, pendingList = true, false
			}
			stack = append(stack, c)
			i++
		case c == ')' || c == '}' || c == ']':
			want := map[byte]byte{')': '(', '}': '{', ']': '['}[c]
			if top != want {
				return nil, nil, fmt.Errorf("unbalanced %q at %d", c, i)
			}
			stack = stack[:len(stack)-1]
			if c == ')' {
				labelList = false
			}
			i++
		default:
			if !strings.ContainsRune("+-*/%^=!<>,~@", rune(c)) {
				return nil, nil, fmt.Errorf("unexpected %q at %d", c, i)
			}
			i++
		}
	}
	if len(stack) > 0 {
		return nil, nil, fmt.Errorf("unclosed %q", stack)
	}
	sort.Strings(metrics)
	sort.Strings(labels)
	return metrics, labels, nil
}

func TestScanPromQL(t *testing.T) {
	for _, c := range []struct {
		expr, metrics, labels string
	}{
		{`sum by (node) (rate(chatdesk_x_total{job="chatdesk", role=~"a|b"}[$__rate_interval]))`, "chatdesk_x_total", "job node role"},
		{`histogram_quantile(0.99, sum by (le) (rate(a_bucket[5m]))) > 0.25 and sum(rate(b[5m])) > 0.1`, "a_bucket b", "le"},
		{`sum(a) < 0.5 * sum(a offset 10m)`, "a", ""},
		{`process_open_fds{node=~"$node"} / process_max_fds`, "process_max_fds process_open_fds", "node"},
		{`count(up{job="x"} == 1) or absent(up)`, "up", "job"},
		{`sum without (instance) (a) / on (node) group_left (role) b`, "a b", "instance node role"},
		{`"sum(not_a_metric)" + c`, "c", ""},
	} {
		ms, ls, err := scanPromQL(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := strings.Join(ms, " "); got != c.metrics {
			t.Errorf("%s: metrics %q, want %q", c.expr, got, c.metrics)
		}
		if got := strings.Join(ls, " "); got != c.labels {
			t.Errorf("%s: labels %q, want %q", c.expr, got, c.labels)
		}
	}
	for _, bad := range []string{`rate(a[5m]`, `sum(a))`, `histogram_quantil(0.9, a)`, `a{job="x}`} {
		if _, _, err := scanPromQL(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

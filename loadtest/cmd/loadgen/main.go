// Command loadgen is chatdesk's load generator (issue 7, docs/benchmarks.md).
// It drives a chatdesk node (or Nginx in front of several) over the real
// protocol, or the Socket.IO baseline in loadtest/baseline, on loopback only,
// bounded in time and count. Each scenario prints a human summary and writes
// one JSON result file; `loadgen report` turns result files into the
// markdown section of docs/benchmarks.md.
//
//	loadgen chat   -target chatdesk|sio -url http://127.0.0.1:8080 ...
//	loadgen idle   -target chatdesk|sio -url ... -conns 19000 -procs 2 ...
//	loadgen storm  -url ... -conns 10000 -kill-pid PID ...
//	loadgen ceiling -target chatdesk|publish -redis 127.0.0.1:6379 ...
//	loadgen report -in DIR -md docs/benchmarks.md
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen chat|idle|idle-child|storm|ceiling|report [flags]")
		os.Exit(2)
	}
	// LOADGEN_CPUPROFILE=file profiles (to file.<scenario>) the generator itself (is it the
	// bottleneck of a run?).
	if path := os.Getenv("LOADGEN_CPUPROFILE"); path != "" {
		if f, err := os.Create(path + "." + os.Args[1]); err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	err := run()
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run() error {
	var err error
	switch os.Args[1] {
	case "chat":
		err = runChat(os.Args[2:])
	case "idle":
		err = runIdle(os.Args[2:])
	case "idle-child":
		err = runIdleChild(os.Args[2:])
	case "storm":
		err = runStorm(os.Args[2:])
	case "ceiling":
		err = runCeiling(os.Args[2:])
	case "report":
		err = runReport(os.Args[2:])
	default:
		err = fmt.Errorf("unknown scenario %q", os.Args[1])
	}
	return err
}

var httpClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// api sends a JSON request and decodes the answer.
func api(ctx context.Context, method, url, token string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(b, out)
	}
	return resp.StatusCode, nil
}

func wsURL(base string) string { return "ws" + strings.TrimPrefix(base, "http") + "/ws" }

// scrape reads a Prometheus text page into name → value, summing label sets
// (histogram buckets are skipped).
func scrape(base string) map[string]float64 {
	out := map[string]float64{}
	resp, err := httpClient.Get(base + "/metrics")
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		name := line[:sp]
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = name[:i]
		}
		if strings.HasSuffix(name, "_bucket") {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err == nil {
			out[name] += v
		}
	}
	return out
}

// procStat is CPU time and RSS of a process.
type procStat struct {
	CPU   time.Duration
	RSSKB int64
}

func readProc(pid int) (procStat, error) {
	var ps procStat
	if pid <= 0 {
		return ps, fmt.Errorf("no pid")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ps, err
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		f := strings.Fields(s[i+2:])
		if len(f) > 13 {
			ut, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			ps.CPU = ticks(ut + st)
		}
	}
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ps, err
	}
	for _, line := range strings.Split(string(st), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				ps.RSSKB, _ = strconv.ParseInt(f[1], 10, 64)
			}
		}
	}
	return ps, nil
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat
// (`getconf CLK_TCK`; 100 on Linux unless the C library says otherwise).
var clockTicks = sync.OnceValue(func() int64 {
	if b, err := exec.Command("getconf", "CLK_TCK").Output(); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 100
})

func ticks(n int64) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(clockTicks())
}

// procTreeCPU is the CPU time (user + system) used so far by the given
// processes and all their descendants: for each one alive, utime + stime +
// cutime + cstime (the last two hold what its reaped children used), so a
// child that exits between two samples still counts. This is how
// PostgreSQL's backends, children of the postmaster (itself a child of
// runuser in bench.sh), are counted.
func procTreeCPU(roots []int) time.Duration {
	if len(roots) == 0 {
		return 0
	}
	type pinfo struct {
		ppid int
		cpu  int64
	}
	all := map[int]pinfo{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || i+2 > len(s) {
			continue
		}
		f := strings.Fields(s[i+2:]) // f[0] = state, f[1] = ppid, f[11..14] = utime stime cutime cstime
		if len(f) < 15 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		var cpu int64
		for _, k := range []int{11, 12, 13, 14} {
			v, _ := strconv.ParseInt(f[k], 10, 64)
			cpu += v
		}
		all[pid] = pinfo{ppid: ppid, cpu: cpu}
	}
	in := map[int]bool{}
	for _, r := range roots {
		in[r] = true
	}
	var total int64
	for pid, p := range all {
		// walk up to a root (process trees here are a few levels deep)
		for q, hops := pid, 0; q > 1 && hops < 64; q, hops = all[q].ppid, hops+1 {
			if in[q] {
				total += p.cpu
				break
			}
			if _, ok := all[q]; !ok {
				break
			}
		}
	}
	return ticks(total)
}

func parsePids(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// percentiles of samples in milliseconds.
type latency struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func summarize(ms []float64) latency {
	if len(ms) == 0 {
		return latency{}
	}
	s := append([]float64(nil), ms...)
	sort.Float64s(s)
	q := func(p float64) float64 {
		i := int(p*float64(len(s))+0.5) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(s) {
			i = len(s) - 1
		}
		return s[i]
	}
	return latency{N: len(s), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: s[len(s)-1]}
}

func (l latency) String() string {
	return fmt.Sprintf("n=%d p50=%.2fms p95=%.2fms p99=%.2fms max=%.2fms", l.N, l.P50, l.P95, l.P99, l.Max)
}

func writeJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

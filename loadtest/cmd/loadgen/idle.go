package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// idleResult is the JSON result of the idle-connections scenario.
type idleResult struct {
	Scenario     string    `json:"scenario"`
	Label        string    `json:"label"`
	Target       string    `json:"target"`
	Started      time.Time `json:"started"`
	LoadBefore   string    `json:"loadBefore"`
	Wanted       int       `json:"wanted"`
	Held         int       `json:"held"`
	Failed       int       `json:"failed"`
	Procs        int       `json:"procs"`
	SetupSec     float64   `json:"setupSec"`
	ConnPerSec   float64   `json:"connPerSec"`
	RSSKBBefore  int64     `json:"rssKBBefore"`
	RSSKBAfter   int64     `json:"rssKBAfter"`
	KBPerConn    float64   `json:"kbPerConn"`
	CPUSecSetup  float64   `json:"cpuSecSetup"`
	CPUPctIdle   float64   `json:"cpuPctIdle"` // % of a core while holding (pings only)
	HoldSec      float64   `json:"holdSec"`
	FirstErrors  []string  `json:"firstErrors,omitempty"`
	PerNodeConns []int     `json:"perNodeConns,omitempty"`
	// With -memstats (chatdesk nodes started with CHATDESK_PPROF_ADDR):
	// RSS after returning freed memory to the OS, and Go heap + stacks.
	FreedRSSKBBefore  int64   `json:"freedRssKBBefore,omitempty"`
	FreedRSSKBAfter   int64   `json:"freedRssKBAfter,omitempty"`
	FreedKBPerConn    float64 `json:"freedKbPerConn,omitempty"`
	HeapStackBefore   int64   `json:"heapStackBefore,omitempty"`
	HeapStackAfter    int64   `json:"heapStackAfter,omitempty"`
	HeapKBPerConn     float64 `json:"heapKbPerConn,omitempty"`
	StackKBPerConn    float64 `json:"stackKbPerConn,omitempty"`
	GoroutinesBefore  int     `json:"goroutinesBefore,omitempty"`
	GoroutinesAfter   int     `json:"goroutinesAfter,omitempty"`
	GoroutinesPerConn float64 `json:"goroutinesPerConn,omitempty"`
}

type memStatsT struct {
	Goroutines int   `json:"goroutines"`
	HeapInuse  int64 `json:"heapInuse"`
	StackInuse int64 `json:"stackInuse"`
}

// freeAndStat asks each node's pprof listener to return freed memory to the
// OS and answer its heap, stack and goroutine figures, then reads RSS.
func freeAndStat(addrs []string, pids []int) (m memStatsT, rssKB int64) {
	for _, a := range addrs {
		resp, err := http.Get("http://" + a + "/debug/memstats?free=1")
		if err != nil {
			continue
		}
		var one memStatsT
		_ = json.NewDecoder(resp.Body).Decode(&one)
		resp.Body.Close()
		m.Goroutines += one.Goroutines
		m.HeapInuse += one.HeapInuse
		m.StackInuse += one.StackInuse
	}
	time.Sleep(500 * time.Millisecond)
	for _, p := range pids {
		ps, _ := readProc(p)
		rssKB += ps.RSSKB
	}
	return m, rssKB
}

// runIdle opens -conns idle widget connections spread over -procs child
// processes (each process has its own 20,000 file-descriptor limit) and over
// the -src source addresses, then reports the server's RSS delta per
// connection.
func runIdle(args []string) error {
	fs := flag.NewFlagSet("idle", flag.ExitOnError)
	target := fs.String("target", "chatdesk", "chatdesk | sio")
	label := fs.String("label", "", "name of this run in the report")
	urls := fs.String("url", "http://127.0.0.1:8080", "comma-separated node base URLs (connections spread over them)")
	srcs := fs.String("src", "127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5", "source addresses")
	conns := fs.Int("conns", 19000, "connections to open")
	procs := fs.Int("procs", 2, "generator processes")
	convs := fs.Int("convs", 200, "conversations (chatdesk: visitor tokens reused by several connections, as tabs of one visitor)")
	hold := fs.Duration("hold", 20*time.Second, "how long to hold the connections once open")
	timeout := fs.Duration("timeout", 5*time.Minute, "longest setup")
	pids := fs.String("pids", "", "server PIDs (RSS, CPU), one per URL")
	out := fs.String("out", "", "write the JSON result here")
	memstats := fs.String("memstats", "", "comma-separated pprof addresses of the nodes (CHATDESK_PPROF_ADDR): also report RSS after FreeOSMemory and Go heap + stacks")
	_ = fs.Parse(args)

	res := &idleResult{Scenario: "idle", Label: *label, Target: *target, Started: time.Now().UTC(), LoadBefore: loadAvg(), Wanted: *conns, Procs: *procs}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout+*hold+time.Minute)
	defer cancel()
	ul := splitList(*urls)
	// Tokens (chatdesk) or room names (sio), one per line.
	tokFile, err := os.CreateTemp("", "loadgen-tokens-*")
	if err != nil {
		return err
	}
	defer os.Remove(tokFile.Name())
	if *target == "chatdesk" {
		toks := make([]string, *convs)
		err := parallel(ctx, *convs, 16, func(ctx context.Context, i int) error {
			var cr struct {
				VisitorToken string `json:"visitorToken"`
			}
			body := map[string]any{"fields": map[string]any{"name": fmt.Sprintf("Khách %d", i+1), "phone": "0912345678"}}
			_, err := api(ctx, "POST", ul[i%len(ul)]+"/api/conversations", "", body, &cr)
			toks[i] = cr.VisitorToken
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(tokFile, strings.Join(toks, "\n"))
	} else {
		for i := 0; i < *convs; i++ {
			fmt.Fprintf(tokFile, "idle-%d\n", i)
		}
	}
	tokFile.Close()

	pidList := parsePids(*pids)
	time.Sleep(2 * time.Second)
	var rss0 int64
	cpu0 := map[int]time.Duration{}
	for _, p := range pidList {
		ps, _ := readProc(p)
		rss0 += ps.RSSKB
		cpu0[p] = ps.CPU
	}
	res.RSSKBBefore = rss0
	var ms0 memStatsT
	msAddrs := splitList(*memstats)
	if len(msAddrs) > 0 {
		ms0, res.FreedRSSKBBefore = freeAndStat(msAddrs, pidList)
		res.HeapStackBefore, res.GoroutinesBefore = ms0.HeapInuse+ms0.StackInuse, ms0.Goroutines
	}

	self, _ := os.Executable()
	per := (*conns + *procs - 1) / *procs
	srcList := splitList(*srcs)
	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
	}
	var children []child
	var held, failed atomic.Int64
	var errMu sync.Mutex
	var wg sync.WaitGroup
	t0 := time.Now()
	for p := 0; p < *procs; p++ {
		n := min(per, *conns-p*per)
		if n <= 0 {
			break
		}
		// each child gets its own slice of source addresses
		var mySrc []string
		for i, s := range srcList {
			if i%*procs == p || len(srcList) < *procs {
				mySrc = append(mySrc, s)
			}
		}
		cmd := exec.CommandContext(ctx, self, "idle-child", "-target", *target, "-url", *urls, "-src", strings.Join(mySrc, ","),
			"-tokens", tokFile.Name(), "-conns", strconv.Itoa(n), "-offset", strconv.Itoa(p*per))
		cmd.Stderr = os.Stderr
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			return err
		}
		children = append(children, child{cmd, stdin})
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				var h, f int
				if _, err := fmt.Sscanf(line, "ready %d failed %d", &h, &f); err == nil {
					held.Add(int64(h))
					failed.Add(int64(f))
					go func() { _, _ = io.Copy(io.Discard, stdout) }()
					return
				}
				if strings.HasPrefix(line, "error ") {
					errMu.Lock()
					if len(res.FirstErrors) < 5 {
						res.FirstErrors = append(res.FirstErrors, line)
					}
					errMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	res.SetupSec = time.Since(t0).Seconds()
	res.Held, res.Failed = int(held.Load()), int(failed.Load())
	res.ConnPerSec = float64(res.Held) / res.SetupSec
	fmt.Printf("idle: %d connections held (%d failed) in %.1fs (%.0f/s)\n", res.Held, res.Failed, res.SetupSec, res.ConnPerSec)
	time.Sleep(3 * time.Second) // let the server settle
	var rss1 int64
	var cpuSetup time.Duration
	cpu1 := map[int]time.Duration{}
	for _, p := range pidList {
		ps, _ := readProc(p)
		rss1 += ps.RSSKB
		cpu1[p] = ps.CPU
		cpuSetup += ps.CPU - cpu0[p]
	}
	res.CPUSecSetup = cpuSetup.Seconds()
	time.Sleep(*hold)
	var cpuHold time.Duration
	for _, p := range pidList {
		ps, _ := readProc(p)
		cpuHold += ps.CPU - cpu1[p]
		if ps.RSSKB > 0 && len(pidList) == 1 {
			rss1 = max(rss1, ps.RSSKB)
		}
	}
	res.HoldSec = hold.Seconds()
	res.CPUPctIdle = 100 * cpuHold.Seconds() / hold.Seconds()
	res.RSSKBAfter = rss1
	if res.Held > 0 {
		res.KBPerConn = float64(rss1-rss0) / float64(res.Held)
	}
	if len(msAddrs) > 0 && res.Held > 0 {
		ms1, rss := freeAndStat(msAddrs, pidList)
		res.FreedRSSKBAfter = rss
		res.FreedKBPerConn = float64(rss-res.FreedRSSKBBefore) / float64(res.Held)
		res.HeapStackAfter, res.GoroutinesAfter = ms1.HeapInuse+ms1.StackInuse, ms1.Goroutines
		res.HeapKBPerConn = float64(ms1.HeapInuse-ms0.HeapInuse) / 1024 / float64(res.Held)
		res.StackKBPerConn = float64(ms1.StackInuse-ms0.StackInuse) / 1024 / float64(res.Held)
		res.GoroutinesPerConn = float64(ms1.Goroutines-ms0.Goroutines) / float64(res.Held)
		fmt.Printf("after FreeOSMemory: RSS %.1f KB/conn; heap %.1f KB/conn, stacks %.1f KB/conn, %.2f goroutines/conn\n",
			res.FreedKBPerConn, res.HeapKBPerConn, res.StackKBPerConn, res.GoroutinesPerConn)
	}
	for _, c := range children {
		c.stdin.Close()
	}
	for _, c := range children {
		_ = c.cmd.Wait()
	}
	fmt.Printf("server RSS %d KB → %d KB: %.1f KB per connection; idle CPU %.1f%% of a core; load %s\n", rss0, rss1, res.KBPerConn, res.CPUPctIdle, loadAvg())
	return writeJSON(*out, res)
}

// runIdleChild opens its share of the idle connections, prints
// "ready HELD failed FAILED" and holds them until stdin closes.
func runIdleChild(args []string) error {
	fs := flag.NewFlagSet("idle-child", flag.ExitOnError)
	target := fs.String("target", "chatdesk", "")
	urls := fs.String("url", "", "")
	srcs := fs.String("src", "127.0.0.1", "")
	tokens := fs.String("tokens", "", "")
	conns := fs.Int("conns", 0, "")
	offset := fs.Int("offset", 0, "")
	_ = fs.Parse(args)
	b, err := os.ReadFile(*tokens)
	if err != nil {
		return err
	}
	toks := splitList(strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", ","))
	ul, sl := splitList(*urls), splitList(*srcs)
	ctx := context.Background()
	var mu sync.Mutex
	var held []*conn
	var failed atomic.Int64
	var reported atomic.Int64
	_ = parallel(ctx, *conns, 64, func(ctx context.Context, i int) error {
		k := i + *offset
		tok, u, src := toks[k%len(toks)], ul[k%len(ul)], sl[i%len(sl)]
		var c *conn
		var err error
		for attempt := 0; attempt < 3; attempt++ {
			dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			if *target == "sio" {
				c, err = dialSIO(dctx, u, src, "visitor", []string{tok}, nil)
			} else {
				c, err = dialChatdesk(dctx, wsURL(u), src, tok, "visitor", nil)
			}
			cancel()
			if err == nil {
				break
			}
			time.Sleep(time.Duration(200*(attempt+1)) * time.Millisecond)
		}
		if err != nil {
			failed.Add(1)
			if reported.Add(1) <= 3 {
				fmt.Printf("error %v\n", err)
			}
			return nil
		}
		mu.Lock()
		held = append(held, c)
		mu.Unlock()
		return nil
	})
	fmt.Printf("ready %d failed %d\n", len(held), failed.Load())
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range held {
		c.Close()
	}
	return nil
}

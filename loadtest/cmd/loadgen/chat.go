package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatdesk/chatdesk/internal/protocol"
)

// chatResult is the JSON result of the steady-chat scenario.
type chatResult struct {
	Scenario      string     `json:"scenario"`
	Label         string     `json:"label"`
	Target        string     `json:"target"`
	Started       time.Time  `json:"started"`
	LoadBefore    string     `json:"loadBefore"`
	LoadAfter     string     `json:"loadAfter"`
	Convs         int        `json:"convs"`
	Agents        int        `json:"agents"`
	Rate          float64    `json:"rate"`
	DurationSec   float64    `json:"durationSec"`
	SetupSec      float64    `json:"setupSec"`
	ConnectPerSec float64    `json:"connectPerSec"`
	Conns         int        `json:"conns"`
	Sent          int64      `json:"sent"`
	Acked         int64      `json:"acked"`
	AckErrors     int64      `json:"ackErrors"`
	SendErrors    int64      `json:"sendErrors"`
	Unanswered    int64      `json:"unanswered"`
	Delivered     int64      `json:"delivered"`
	Lost          int64      `json:"lost"`
	Duplicates    int64      `json:"duplicates"`
	SentPerSec    float64    `json:"sentPerSec"`
	DeliveredPS   float64    `json:"deliveredPerSec"`
	PacerLagMax   float64    `json:"pacerLagMaxMs"`
	AckLatency    latency    `json:"ackLatency"`
	V2A           latency    `json:"visitorToAgent"`
	A2V           latency    `json:"agentToVisitor"`
	E2E           latency    `json:"endToEnd"`
	Nodes         []nodeStat `json:"nodes"`
	Cost          *costStat  `json:"cost,omitempty"`
	Batch         batchStat  `json:"batch"`
	Check         checkStat  `json:"check"`
	ErrorSamples  []string   `json:"errorSamples,omitempty"`
}

type nodeStat struct {
	PID       int     `json:"pid"`
	Role      string  `json:"role,omitempty"` // "server" (-pids) or "db" (-db-pids)
	CPUPct    float64 `json:"cpuPct"`         // % of one core over the sending window
	RSSKBEnd  int64   `json:"rssKBEnd"`
	RSSKBPeak int64   `json:"rssKBPeak"`
}

// costStat is the cost per acknowledged message over the sending window:
// CPU of the server processes (chatdesk nodes or the Node.js baseline) and of
// the database processes, and what the step's redis-server did.
type costStat struct {
	WindowSec      float64    `json:"windowSec"`
	AckedInWindow  int64      `json:"ackedInWindow"` // acks received between the window's start and end
	ServerCPUUS    float64    `json:"serverCpuUs"`   // -pids and their descendants, µs
	DBCPUUS        float64    `json:"dbCpuUs"`       // -db-pids and their descendants, µs
	ServerUSPerMsg float64    `json:"serverUsPerMsg"`
	DBUSPerMsg     float64    `json:"dbUsPerMsg"`
	Redis          *redisCost `json:"redis,omitempty"`
}

type batchStat struct {
	Flushes    float64 `json:"flushes"`
	AvgSize    float64 `json:"avgSize"`
	AvgFlushMs float64 `json:"avgFlushMs"`
	Stored     float64 `json:"stored"`
}

type chatStats struct {
	mu         sync.Mutex
	ackLat     []float64
	v2a, a2v   []float64
	seen       map[string]int32
	acked      map[string]ackInfo
	dups       int64
	errSamples []string

	sent, ackOK, ackErr, sendErr atomic.Int64
}

type ackInfo struct {
	conv string
	seq  int64
}

func (s *chatStats) errorf(format string, a ...any) {
	s.mu.Lock()
	if len(s.errSamples) < 10 {
		s.errSamples = append(s.errSamples, fmt.Sprintf(format, a...))
	}
	s.mu.Unlock()
}

const textTail = "Xin chào, cho mình hỏi giá sản phẩm này còn hàng không ạ?"

func (s *chatStats) onMessage(c *conn, d delivery) {
	if !strings.HasPrefix(d.Text, "lt|") {
		return
	}
	now := time.Now().UnixNano()
	parts := strings.SplitN(d.Text, "|", 4)
	if len(parts) < 3 {
		return
	}
	ts, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return
	}
	if d.From == c.role { // the sender's own echo
		return
	}
	ms := float64(now-ts) / 1e6
	s.mu.Lock()
	s.seen[d.ClientID]++
	if s.seen[d.ClientID] > 1 {
		s.dups++
	} else if d.From == "visitor" {
		s.v2a = append(s.v2a, ms)
	} else {
		s.a2v = append(s.a2v, ms)
	}
	s.mu.Unlock()
}

type chatEnv struct {
	target    string
	urls      []string
	agentURLs []string
	srcs      []string
	convs     int
	agents    int
	email     string
	pass      string
	conc      int
}

// chatPair is one conversation: its visitor connection and its agent's.
type chatPair struct {
	conv    string
	visitor *conn
	agent   *conn
}

func runChat(args []string) error {
	fs := flag.NewFlagSet("chat", flag.ExitOnError)
	target := fs.String("target", "chatdesk", "chatdesk | sio (the Socket.IO baseline)")
	label := fs.String("label", "", "name of this run in the report")
	urls := fs.String("url", "http://127.0.0.1:8080", "comma-separated base URLs; visitors spread round robin")
	agentURLs := fs.String("agent-url", "", "base URLs for agents (default: -url)")
	srcs := fs.String("src", "127.0.0.1", "comma-separated source addresses for connections")
	convs := fs.Int("convs", 1000, "concurrent conversations")
	agents := fs.Int("agents", 10, "agents (conversations are spread over them)")
	rate := fs.Float64("rate", 3000, "total messages/s (half visitor→agent, half agent→visitor)")
	dur := fs.Duration("duration", 60*time.Second, "sending time")
	drain := fs.Duration("drain", 15*time.Second, "longest wait for acks and deliveries after sending")
	email := fs.String("agent-email", "bench-agent%d@chatdesk.local", "agent e-mail pattern (%d = 1..agents)")
	pass := fs.String("agent-pass", "benchpass123", "agent password")
	mongoURI := fs.String("mongo", "", "MongoDB URI for the post-run check (empty: skip)")
	mongoDB := fs.String("db", "bench", "MongoDB database of the server")
	pids := fs.String("pids", "", "comma-separated server PIDs: chatdesk nodes or the baseline (CPU, RSS, CPU per message)")
	dbPids := fs.String("db-pids", "", "comma-separated database PIDs (FerretDB, PostgreSQL): CPU, RSS, CPU per message with their child processes")
	redisAddr := fs.String("redis", "", "host:port of the redis-server the servers use (local): Redis commands, round trips and CPU per message")
	redisMon := fs.Duration("redis-monitor", 0, "after the window, keep sending this long with MONITOR attached, to split commands into top level and inside scripts (0: off)")
	metricURLs := fs.String("metrics", "", "node base URLs to scrape /metrics from (default: -url when target=chatdesk)")
	out := fs.String("out", "", "write the JSON result here")
	conc := fs.Int("setup-concurrency", 16, "parallel requests while setting up")
	_ = fs.Parse(args)

	env := &chatEnv{target: *target, urls: splitList(*urls), srcs: splitList(*srcs), convs: *convs, agents: *agents, email: *email, pass: *pass, conc: *conc}
	env.agentURLs = splitList(*agentURLs)
	if len(env.agentURLs) == 0 {
		env.agentURLs = env.urls
	}
	if len(env.srcs) == 0 {
		env.srcs = []string{"127.0.0.1"}
	}
	res := &chatResult{Scenario: "chat", Label: *label, Target: *target, Started: time.Now().UTC(), LoadBefore: loadAvg(),
		Convs: *convs, Agents: *agents, Rate: *rate, DurationSec: dur.Seconds()}
	st := &chatStats{seen: map[string]int32{}, acked: map[string]ackInfo{}}

	ctx, cancel := context.WithTimeout(context.Background(), *dur+*drain+10*time.Minute)
	defer cancel()
	t0 := time.Now()
	var pairs []chatPair
	var all []*conn
	var err error
	if *target == "sio" {
		pairs, all, err = setupSIO(ctx, env, st)
	} else {
		pairs, all, err = setupChatdesk(ctx, env, st)
	}
	defer func() {
		for _, c := range all {
			c.Close()
		}
	}()
	if err != nil {
		return err
	}
	res.SetupSec = time.Since(t0).Seconds()
	res.Conns = len(all)
	fmt.Printf("setup: %d conversations, %d connections in %.1fs\n", len(pairs), len(all), res.SetupSec)

	mURLs := splitList(*metricURLs)
	if len(mURLs) == 0 && *target == "chatdesk" {
		mURLs = env.urls
	}
	before := map[string]map[string]float64{}
	for _, u := range mURLs {
		before[u] = scrape(u)
	}
	srvPids, dbPidList := parsePids(*pids), parsePids(*dbPids)
	pidList := append(append([]int{}, srvPids...), dbPidList...)
	cpu0 := map[int]time.Duration{}
	peak := map[int]int64{}
	var probe *redisProbe
	if *redisAddr != "" {
		if probe, err = newRedisProbe(*redisAddr); err != nil {
			fmt.Fprintf(os.Stderr, "redis %s: %v (no Redis cost figures)\n", *redisAddr, err)
			probe = nil
		} else {
			defer probe.Close()
		}
	}
	cost := &costStat{}
	res.Cost = cost
	if probe != nil {
		if err := probe.begin(); err != nil {
			fmt.Fprintf(os.Stderr, "redis %s: %v (no Redis cost figures)\n", *redisAddr, err)
			probe.Close()
			probe = nil
		}
	}
	srvCPU0, dbCPU0 := procTreeCPU(srvPids), procTreeCPU(dbPidList)
	for _, p := range pidList {
		ps, _ := readProc(p)
		cpu0[p] = ps.CPU
	}

	// Sending: message k goes to conversation k mod N, alternately from the
	// visitor and from the agent. The timestamp in the text is taken just
	// before the write.
	//
	// The cost window is [start, start+dur]: Redis counters were reset and CPU
	// sampled just above, and are read again as soon as it ends (endWindow).
	// With -redis-monitor, sending goes on for that long afterwards with
	// MONITOR attached (outside the cost window, MONITOR costs Redis CPU).
	var lagMax float64
	start := time.Now()
	tick := time.NewTicker(2 * time.Millisecond)
	nextReport := start.Add(10 * time.Second)
	var k int64
	n := int64(len(pairs))
	var sendWindow time.Duration
	var mon *redisMonitor
	endWindow := func() {
		acked := st.ackOK.Load()
		sendWindow = time.Since(start)
		if probe != nil {
			cost.Redis = probe.end(acked)
		}
		srvCPU, dbCPU := procTreeCPU(srvPids), procTreeCPU(dbPidList)
		for i, p := range pidList {
			ps, _ := readProc(p)
			role := "server"
			if i >= len(srvPids) {
				role = "db"
			}
			res.Nodes = append(res.Nodes, nodeStat{PID: p, Role: role, CPUPct: 100 * (ps.CPU - cpu0[p]).Seconds() / sendWindow.Seconds(), RSSKBEnd: ps.RSSKB, RSSKBPeak: max(peak[p], ps.RSSKB)})
		}
		cost.WindowSec, cost.AckedInWindow = sendWindow.Seconds(), acked
		cost.ServerCPUUS, cost.DBCPUUS = float64((srvCPU - srvCPU0).Microseconds()), float64((dbCPU - dbCPU0).Microseconds())
		if acked > 0 {
			cost.ServerUSPerMsg, cost.DBUSPerMsg = cost.ServerCPUUS/float64(acked), cost.DBCPUUS/float64(acked)
		}
		if probe != nil && *redisMon > 0 {
			var err error
			if mon, err = startMonitor(*redisAddr, st.ackOK.Load()); err != nil {
				fmt.Fprintf(os.Stderr, "redis MONITOR: %v\n", err)
			}
		}
	}
	for now := range tick.C {
		el := now.Sub(start)
		if el >= *dur && sendWindow == 0 {
			endWindow()
			if mon == nil {
				break
			}
		}
		if el >= *dur+*redisMon {
			break
		}
		want := int64(*rate * el.Seconds())
		if lag := float64(want-k) / *rate * 1000; lag > lagMax {
			lagMax = lag
		}
		for ; k < want; k++ {
			p := pairs[k%n]
			fromAgent := (k/n)%2 == 1
			c, prefix := p.visitor, "v"
			if fromAgent {
				c, prefix = p.agent, "a"
			}
			cid := prefix + strconv.FormatInt(k, 36) + "-" + strconv.FormatInt(start.UnixNano()%1e9, 36)
			sentAt := time.Now()
			text := "lt|" + strconv.FormatInt(sentAt.UnixNano(), 10) + "|" + cid + "|" + textTail
			st.sent.Add(1)
			conv := p.conv
			err := c.send(conv, cid, text, func(r ackResult) {
				if r.Err != "" {
					st.ackErr.Add(1)
					st.errorf("ack %s: %s", cid, r.Err)
					return
				}
				d := float64(time.Since(sentAt).Microseconds()) / 1000
				st.ackOK.Add(1)
				st.mu.Lock()
				st.ackLat = append(st.ackLat, d)
				st.acked[cid] = ackInfo{conv: conv, seq: r.Seq}
				st.mu.Unlock()
			})
			if err != nil {
				st.sendErr.Add(1)
				st.errorf("send %s: %v", cid, err)
			}
		}
		for _, p := range pidList {
			if ps, err := readProc(p); err == nil && ps.RSSKB > peak[p] {
				peak[p] = ps.RSSKB
			}
		}
		if now.After(nextReport) {
			nextReport = nextReport.Add(10 * time.Second)
			st.mu.Lock()
			dl := len(st.v2a) + len(st.a2v)
			st.mu.Unlock()
			fmt.Printf("  t=%2.0fs sent=%d acked=%d errors=%d delivered=%d load=%s\n", el.Seconds(), st.sent.Load(), st.ackOK.Load(), st.ackErr.Load()+st.sendErr.Load(), dl, loadAvg())
		}
	}
	tick.Stop()
	sendTime := time.Since(start) // the cost window, plus the MONITOR tail if any
	if mon != nil && cost.Redis != nil {
		cost.Redis.Monitor = mon.stop(st.ackOK.Load())
	}
	// Drain: wait for every ack and for the delivery of every acked message.
	deadline := time.Now().Add(*drain)
	for time.Now().Before(deadline) {
		st.mu.Lock()
		done := st.ackOK.Load()+st.ackErr.Load()+st.sendErr.Load() >= st.sent.Load() && int64(len(st.v2a)+len(st.a2v)) >= st.ackOK.Load()
		st.mu.Unlock()
		if done {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	total := time.Since(start)
	for _, u := range mURLs {
		after := scrape(u)
		b := before[u]
		res.Batch.Flushes += after["chatdesk_batch_flushes_total"] - b["chatdesk_batch_flushes_total"]
		res.Batch.AvgSize += after["chatdesk_batch_size_sum"] - b["chatdesk_batch_size_sum"]
		res.Batch.AvgFlushMs += after["chatdesk_batch_flush_seconds_sum"] - b["chatdesk_batch_flush_seconds_sum"]
	}
	if res.Batch.Flushes > 0 {
		res.Batch.Stored = res.Batch.AvgSize
		res.Batch.AvgSize /= res.Batch.Flushes
		res.Batch.AvgFlushMs = res.Batch.AvgFlushMs / res.Batch.Flushes * 1000
	}

	st.mu.Lock()
	res.Sent, res.Acked, res.AckErrors, res.SendErrors = st.sent.Load(), st.ackOK.Load(), st.ackErr.Load(), st.sendErr.Load()
	res.Unanswered = res.Sent - res.Acked - res.AckErrors - res.SendErrors
	res.Delivered = int64(len(st.v2a) + len(st.a2v))
	res.Duplicates = st.dups
	for cid, a := range st.acked {
		if st.seen[cid] == 0 {
			res.Lost++
			if res.Lost <= 10 {
				fmt.Printf("  lost sample: clientId %s conversation %s seq %d\n", cid, a.conv, a.seq)
			}
		}
	}
	res.SentPerSec = float64(res.Sent) / sendTime.Seconds()
	res.DeliveredPS = float64(res.Delivered) / math.Max(sendTime.Seconds(), 1)
	_ = total
	res.PacerLagMax = lagMax
	res.AckLatency = summarize(st.ackLat)
	res.V2A = summarize(st.v2a)
	res.A2V = summarize(st.a2v)
	res.E2E = summarize(append(append([]float64{}, st.v2a...), st.a2v...))
	res.ErrorSamples = st.errSamples
	acked := st.acked
	st.mu.Unlock()
	res.LoadAfter = loadAvg()

	if *mongoURI != "" {
		// Quiesce first: close every connection (no new sends are read) and
		// let in-flight batches finish, so the scan does not race inserts.
		for _, c := range all {
			c.Close()
		}
		time.Sleep(3 * time.Second)
		convIDs := make([]string, len(pairs))
		for i, p := range pairs {
			convIDs[i] = p.conv
		}
		res.Check = checkMongo(ctx, *mongoURI, *mongoDB, *target, convIDs, acked)
		if !res.Check.OK && res.Check.Missing > 0 {
			// A scan racing late inserts can skip rows (FerretDB pages by
			// _id): read again once the server is idle.
			time.Sleep(5 * time.Second)
			first := res.Check
			res.Check = checkMongo(ctx, *mongoURI, *mongoDB, *target, convIDs, acked)
			res.Check.Note = strings.TrimSpace(fmt.Sprintf("second scan (first: missing %d) %s", first.Missing, res.Check.Note))
		}
	}
	printChat(res)
	return writeJSON(*out, res)
}

// topCmds formats the first n commands as "evalsha 1.0, publish 1.5".
func topCmds(cs []cmdCount, n int) string {
	var parts []string
	for i, c := range cs {
		if i == n {
			break
		}
		parts = append(parts, c.Name+" "+fpm(c.PerM))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// fpm formats a per-message count: two decimals under 1, else one.
func fpm(v float64) string {
	if v == 0 {
		return "0"
	}
	if v < 1 {
		return fmt.Sprintf("%.2f", v)
	}
	return f1(v)
}

func printChat(r *chatResult) {
	fmt.Printf("== chat %s (%s): %d convs, %d agents, target %.0f msgs/s for %.0fs\n", r.Label, r.Target, r.Convs, r.Agents, r.Rate, r.DurationSec)
	fmt.Printf("sent %d (%.0f/s)  acked %d  ack errors %d  send errors %d  unanswered %d\n", r.Sent, r.SentPerSec, r.Acked, r.AckErrors, r.SendErrors, r.Unanswered)
	fmt.Printf("delivered %d (%.0f/s)  lost %d  duplicates %d  pacer lag max %.1fms\n", r.Delivered, r.DeliveredPS, r.Lost, r.Duplicates, r.PacerLagMax)
	fmt.Printf("ack        %s\n", r.AckLatency)
	fmt.Printf("visitor→agent %s\n", r.V2A)
	fmt.Printf("agent→visitor %s\n", r.A2V)
	for _, n := range r.Nodes {
		fmt.Printf("pid %d (%s): cpu %.0f%% of a core, rss end %d KB, peak %d KB\n", n.PID, n.Role, n.CPUPct, n.RSSKBEnd, n.RSSKBPeak)
	}
	if c := r.Cost; c != nil {
		fmt.Printf("cost window %.1fs, %d acked in it: server CPU %.0f µs/msg, database CPU %.0f µs/msg (with child processes)\n", c.WindowSec, c.AckedInWindow, c.ServerUSPerMsg, c.DBUSPerMsg)
		if rc := c.Redis; rc != nil {
			if rc.Error != "" {
				fmt.Printf("redis %s: %s\n", rc.Addr, rc.Error)
			}
			fmt.Printf("redis per msg: %.1f commands (%s), %.2f scripts, %.0f usec in commands, %.2f reads (≈ round trips), %.2f writes, CPU %.0f µs → one core ≈ %.0f msgs/s\n",
				rc.CallsPerMsg, topCmds(rc.Commands, 8), rc.ScriptsPerMsg, rc.UsecPerMsg, rc.ReadsPerMsg, rc.WritesPerMsg, rc.CPUUSPerMsg, rc.CeilingPerSec)
			if m := rc.Monitor; m != nil {
				fmt.Printf("redis MONITOR %.1fs after the window, %d acked: %.1f top-level (%s) + %.1f inside scripts (%s) per msg\n",
					m.Seconds, m.Acked, m.TopLevelPerMsg, topCmds(m.Top, 6), m.InScriptPerMsg, topCmds(m.Lua, 6))
			}
		}
	}
	if r.Batch.Flushes > 0 {
		fmt.Printf("batches: %.0f flushes, avg %.1f msgs, avg flush %.2fms\n", r.Batch.Flushes, r.Batch.AvgSize, r.Batch.AvgFlushMs)
	}
	if r.Check.Checked {
		fmt.Printf("mongo check: ok=%v stored=%d missing=%d duplicated=%d seq gaps=%d seq mismatches=%d (%.1fs) %s\n", r.Check.OK, r.Check.Stored, r.Check.Missing, r.Check.Duplicated, r.Check.Gaps, r.Check.SeqMismatch, r.Check.Seconds, r.Check.Note)
	}
	for _, e := range r.ErrorSamples {
		fmt.Fprintln(os.Stderr, "  error sample:", e)
	}
	fmt.Printf("load average before %s, after %s\n", r.LoadBefore, r.LoadAfter)
}

// parallel runs f(i) for i in [0,n) on conc goroutines, stopping at the
// first error.
func parallel(ctx context.Context, n, conc int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func setupChatdesk(ctx context.Context, e *chatEnv, st *chatStats) ([]chatPair, []*conn, error) {
	var mu sync.Mutex
	var all []*conn
	add := func(c *conn) {
		mu.Lock()
		all = append(all, c)
		mu.Unlock()
	}
	type agentS struct {
		id, token string
		c         *conn
	}
	agents := make([]*agentS, e.agents)
	byID := map[string]*agentS{}
	err := parallel(ctx, e.agents, 4, func(ctx context.Context, i int) error {
		var lr struct {
			Token string `json:"token"`
			Agent struct {
				ID string `json:"id"`
			} `json:"agent"`
		}
		base := e.agentURLs[i%len(e.agentURLs)]
		if _, err := api(ctx, "POST", base+"/api/auth/login", "", map[string]string{"email": fmt.Sprintf(e.email, i+1), "password": e.pass}, &lr); err != nil {
			return err
		}
		c, err := dialChatdesk(ctx, wsURL(base)+"?client=dashboard", e.srcs[i%len(e.srcs)], lr.Token, "agent", st.onMessage)
		if err != nil {
			return fmt.Errorf("agent %d hello: %w", i+1, err)
		}
		add(c)
		agents[i] = &agentS{id: lr.Agent.ID, token: lr.Token, c: c}
		return nil
	})
	if err != nil {
		return nil, all, err
	}
	for _, a := range agents {
		byID[a.id] = a
	}
	time.Sleep(time.Second) // presence reaches every node
	pairs := make([]chatPair, e.convs)
	tokens := make([]string, e.convs)
	t0 := time.Now()
	err = parallel(ctx, e.convs, e.conc, func(ctx context.Context, i int) error {
		var cr struct {
			Conversation struct {
				ID         string `json:"id"`
				AssigneeID string `json:"assigneeId"`
			} `json:"conversation"`
			VisitorToken string `json:"visitorToken"`
		}
		base := e.urls[i%len(e.urls)]
		body := map[string]any{"fields": map[string]any{"name": fmt.Sprintf("Khách %d", i+1), "phone": "0912345678"}, "pageUrl": "https://shop.example.vn/p/1"}
		if _, err := api(ctx, "POST", base+"/api/conversations", "", body, &cr); err != nil {
			return err
		}
		a := byID[cr.Conversation.AssigneeID]
		if a == nil { // not assigned (no agent seen online yet): claim it
			a = agents[i%len(agents)]
			if code, err := api(ctx, "POST", base+"/api/conversations/"+cr.Conversation.ID+"/claim", a.token, nil, nil); err != nil {
				if code != 409 {
					return err
				}
				// assigned meanwhile (assignment runs after the answer): ask who got it
				var gr struct {
					Conversation struct {
						AssigneeID string `json:"assigneeId"`
					} `json:"conversation"`
				}
				if _, err := api(ctx, "GET", base+"/api/conversations/"+cr.Conversation.ID, a.token, nil, &gr); err != nil {
					return err
				}
				if a = byID[gr.Conversation.AssigneeID]; a == nil {
					return fmt.Errorf("conversation %s assigned to unknown agent %q", cr.Conversation.ID, gr.Conversation.AssigneeID)
				}
			}
		}
		pairs[i] = chatPair{conv: cr.Conversation.ID, agent: a.c}
		tokens[i] = cr.VisitorToken
		return nil
	})
	if err != nil {
		return nil, all, err
	}
	fmt.Printf("  created %d conversations in %.1fs\n", e.convs, time.Since(t0).Seconds())
	t0 = time.Now()
	err = parallel(ctx, e.convs, e.conc*2, func(ctx context.Context, i int) error {
		base := e.urls[i%len(e.urls)]
		c, err := dialChatdesk(ctx, wsURL(base), e.srcs[i%len(e.srcs)], tokens[i], "visitor", st.onMessage)
		if err != nil {
			return fmt.Errorf("visitor %d: %w", i, err)
		}
		add(c)
		pairs[i].visitor = c
		_, err = pairs[i].agent.request(ctx, protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: pairs[i].conv})
		if err != nil {
			return fmt.Errorf("join %s: %w", pairs[i].conv, err)
		}
		return nil
	})
	if err != nil {
		return nil, all, err
	}
	fmt.Printf("  connected %d visitors and joined in %.1fs (%.0f/s)\n", e.convs, time.Since(t0).Seconds(), float64(e.convs)/time.Since(t0).Seconds())
	return pairs, all, nil
}

func setupSIO(ctx context.Context, e *chatEnv, st *chatStats) ([]chatPair, []*conn, error) {
	var mu sync.Mutex
	var all []*conn
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	pairs := make([]chatPair, e.convs)
	rooms := make([][]string, e.agents)
	for i := range pairs {
		pairs[i].conv = fmt.Sprintf("c%s-%d", run, i)
		rooms[i%e.agents] = append(rooms[i%e.agents], pairs[i].conv)
	}
	agents := make([]*conn, e.agents)
	err := parallel(ctx, e.agents, 4, func(ctx context.Context, i int) error {
		c, err := dialSIO(ctx, e.agentURLs[i%len(e.agentURLs)], e.srcs[i%len(e.srcs)], "agent", rooms[i], st.onMessage)
		if err != nil {
			return err
		}
		mu.Lock()
		all = append(all, c)
		mu.Unlock()
		agents[i] = c
		return nil
	})
	if err != nil {
		return nil, all, err
	}
	t0 := time.Now()
	err = parallel(ctx, e.convs, e.conc*2, func(ctx context.Context, i int) error {
		c, err := dialSIO(ctx, e.urls[i%len(e.urls)], e.srcs[i%len(e.srcs)], "visitor", []string{pairs[i].conv}, st.onMessage)
		if err != nil {
			return err
		}
		mu.Lock()
		all = append(all, c)
		mu.Unlock()
		pairs[i].visitor, pairs[i].agent = c, agents[i%e.agents]
		return nil
	})
	fmt.Printf("  connected %d visitors in %.1fs\n", e.convs, time.Since(t0).Seconds())
	return pairs, all, err
}

package main

// Cost per message on the Redis side of a chat step (docs/benchmarks.md,
// "Cost per message"). The generator owns the sending window, so it takes the
// Redis figures itself, over a plain RESP connection of its own (no go-redis,
// nothing from internal/): CONFIG RESETSTAT right before the window, one
// INFO commandstats+stats snapshot right after it, and redis-server's CPU
// from /proc (the pid comes from INFO server, so the server must be local).
// Optionally (-redis-monitor) a MONITOR connection attached after the window
// splits commands into those clients sent (top level) and those run inside
// Lua scripts, which INFO cannot tell apart.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// respConn is a minimal RESP2 client: commands as arrays of bulk strings,
// replies decoded into string, int64, []any, nil or a respError.
type respConn struct {
	c net.Conn
	r *bufio.Reader
}

type respError string

func (e respError) Error() string { return "redis: " + string(e) }

func dialRESP(addr string) (*respConn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &respConn{c: c, r: bufio.NewReaderSize(c, 64<<10)}, nil
}

func (c *respConn) Close() error { return c.c.Close() }

func (c *respConn) do(args ...string) (any, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	_ = c.c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c.c, b.String()); err != nil {
		return nil, err
	}
	return c.read()
}

func (c *respConn) line() (string, error) {
	s, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r"), nil
}

func (c *respConn) read() (any, error) {
	s, err := c.line()
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, errors.New("redis: empty reply line")
	}
	switch s[0] {
	case '+':
		return s[1:], nil
	case '-':
		return nil, respError(s[1:])
	case ':':
		return strconv.ParseInt(s[1:], 10, 64)
	case '$':
		n, err := strconv.Atoi(s[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(s[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = c.read(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("redis: unexpected reply %q", s)
}

// cmdCount is one command's share of a window.
type cmdCount struct {
	Name  string  `json:"name"`
	Calls int64   `json:"calls"`
	Usec  int64   `json:"usec,omitempty"`
	PerM  float64 `json:"perMsg"`
}

// redisCost is what one redis-server did during the sending window, and per
// acknowledged message.
type redisCost struct {
	Addr string `json:"addr"`
	PID  int    `json:"pid"`
	// From INFO commandstats (the generator's own CONFIG RESETSTAT removed):
	// every command executed, including those run by Lua scripts (each
	// redis.call is counted under its own name as well as inside the
	// EVALSHA that ran it) and those queued inside MULTI/EXEC.
	Calls int64 `json:"calls"`
	// Sum of usec over commandstats: time inside commands. Commands run by
	// a script or an EXEC are counted twice (under their own name and inside
	// the EVALSHA/EXEC that ran them), so this is an upper bound.
	Usec int64 `json:"usec"`
	// eval, evalsha, eval_ro, evalsha_ro, fcall, fcall_ro calls (always top level).
	Scripts int64 `json:"scripts"`
	// INFO stats total_reads_processed: read events on client sockets, about
	// one per request or pipeline a client sent (a network round trip); the
	// generator's own INFO request removed.
	Reads int64 `json:"reads"`
	// INFO stats total_writes_processed: socket writes (replies and pub/sub
	// pushes to subscribers).
	Writes      int64      `json:"writes"`
	NetInBytes  int64      `json:"netInBytes"`
	NetOutBytes int64      `json:"netOutBytes"`
	CPUUS       float64    `json:"cpuUs"` // redis-server utime+stime over the window, µs
	Commands    []cmdCount `json:"commands"`

	CallsPerMsg   float64 `json:"callsPerMsg"`
	UsecPerMsg    float64 `json:"usecPerMsg"`
	ScriptsPerMsg float64 `json:"scriptsPerMsg"`
	ReadsPerMsg   float64 `json:"readsPerMsg"`
	WritesPerMsg  float64 `json:"writesPerMsg"`
	CPUUSPerMsg   float64 `json:"cpuUsPerMsg"`
	// 1e6 / CPUUSPerMsg: messages per second one fully busy Redis core would
	// carry at this cost.
	CeilingPerSec float64 `json:"ceilingMsgsPerSec"`

	Monitor *monitorSplit `json:"monitor,omitempty"`
	Error   string        `json:"error,omitempty"`
}

// monitorSplit is MONITOR's view of a short window after the measured one:
// each executed command appears once, tagged "lua" when a script ran it and
// with the client's address otherwise.
type monitorSplit struct {
	Seconds        float64    `json:"seconds"`
	Acked          int64      `json:"acked"`
	TopLevel       int64      `json:"topLevel"`
	InScripts      int64      `json:"inScripts"`
	TopLevelPerMsg float64    `json:"topLevelPerMsg"`
	InScriptPerMsg float64    `json:"inScriptsPerMsg"`
	Top            []cmdCount `json:"top"`
	Lua            []cmdCount `json:"lua"`
}

// topLevelUsecPerMsg estimates the time inside commands that clients sent
// (a script's EVALSHA counts once, with the calls it makes inside it):
// commandstats counts a command run by a script both inside the script's
// time and under its own name, so each name's usec is counted with the
// share of its calls MONITOR saw at the top level (names MONITOR saw only
// inside scripts count nothing; names it did not see count in full).
func (rc *redisCost) topLevelUsecPerMsg() (float64, bool) {
	m := rc.Monitor
	if m == nil || rc.Usec == 0 {
		return 0, false
	}
	top, lua := map[string]int64{}, map[string]int64{}
	for _, c := range m.Top {
		top[c.Name] = c.Calls
	}
	for _, c := range m.Lua {
		lua[c.Name] = c.Calls
	}
	var usec float64
	for _, c := range rc.Commands {
		share := 1.0
		if t, l := top[c.Name], lua[c.Name]; t+l > 0 {
			share = float64(t) / float64(t+l)
		}
		usec += float64(c.Usec) * share
	}
	return rc.UsecPerMsg * usec / float64(rc.Usec), true
}

var scriptCmds = map[string]bool{"eval": true, "evalsha": true, "eval_ro": true, "evalsha_ro": true, "fcall": true, "fcall_ro": true}

// redisProbe measures one redis-server around the sending window.
type redisProbe struct {
	addr string
	c    *respConn
	pid  int
	cpu0 time.Duration
}

func newRedisProbe(addr string) (*redisProbe, error) {
	c, err := dialRESP(addr)
	if err != nil {
		return nil, err
	}
	p := &redisProbe{addr: addr, c: c}
	v, err := c.do("INFO", "server")
	if err != nil {
		c.Close()
		return nil, err
	}
	s, _ := v.(string)
	if pid, err := strconv.Atoi(infoKV(s)["process_id"]); err == nil {
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.HasPrefix(string(comm), "redis-server") {
			p.pid = pid
		}
	}
	return p, nil
}

// begin resets Redis's counters and samples its CPU: call it right before the
// window opens.
func (p *redisProbe) begin() error {
	if _, err := p.c.do("CONFIG", "RESETSTAT"); err != nil {
		return err
	}
	if p.pid > 0 {
		p.cpu0 = procTreeCPU([]int{p.pid})
	}
	return nil
}

// end takes one INFO snapshot (its own call is not in it) and the CPU: call
// it right when the window closes.
func (p *redisProbe) end(acked int64) *redisCost {
	rc := &redisCost{Addr: p.addr, PID: p.pid}
	v, err := p.c.do("INFO", "commandstats", "stats")
	if p.pid > 0 {
		rc.CPUUS = float64((procTreeCPU([]int{p.pid}) - p.cpu0).Microseconds())
	}
	if err != nil {
		rc.Error = err.Error()
		return rc
	}
	s, _ := v.(string)
	kv := infoKV(s)
	for k, val := range kv {
		name, ok := strings.CutPrefix(k, "cmdstat_")
		if !ok {
			continue
		}
		f := infoKV(strings.ReplaceAll(val, ",", "\n"))
		calls, _ := strconv.ParseInt(f["calls"], 10, 64)
		usec, _ := strconv.ParseInt(f["usec"], 10, 64)
		if name == "config|resetstat" { // the generator's own reset
			calls--
			if calls <= 0 {
				continue
			}
			usec = usec * calls / (calls + 1)
		}
		rc.Calls += calls
		rc.Usec += usec
		if scriptCmds[name] {
			rc.Scripts += calls
		}
		rc.Commands = append(rc.Commands, cmdCount{Name: name, Calls: calls, Usec: usec})
	}
	n := func(k string) int64 { x, _ := strconv.ParseInt(kv[k], 10, 64); return x }
	rc.Reads = max(n("total_reads_processed")-1, 0)   // the INFO request above
	rc.Writes = max(n("total_writes_processed")-1, 0) // the reply to CONFIG RESETSTAT
	rc.NetInBytes, rc.NetOutBytes = n("total_net_input_bytes"), n("total_net_output_bytes")
	sortCounts(rc.Commands)
	if acked > 0 {
		m := float64(acked)
		rc.CallsPerMsg, rc.UsecPerMsg, rc.ScriptsPerMsg = float64(rc.Calls)/m, float64(rc.Usec)/m, float64(rc.Scripts)/m
		rc.ReadsPerMsg, rc.WritesPerMsg = float64(rc.Reads)/m, float64(rc.Writes)/m
		for i := range rc.Commands {
			rc.Commands[i].PerM = float64(rc.Commands[i].Calls) / m
		}
		if p.pid > 0 {
			rc.CPUUSPerMsg = rc.CPUUS / m
			if rc.CPUUSPerMsg > 0 {
				rc.CeilingPerSec = 1e6 / rc.CPUUSPerMsg
			}
		}
	}
	return rc
}

func (p *redisProbe) Close() { p.c.Close() }

func sortCounts(cs []cmdCount) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Calls != cs[j].Calls {
			return cs[i].Calls > cs[j].Calls
		}
		return cs[i].Name < cs[j].Name
	})
}

// infoKV parses "key:value" lines (INFO output).
func infoKV(s string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(l, ":"); ok {
			out[k] = v
		} else if k, v, ok := strings.Cut(l, "="); ok {
			out[k] = v
		}
	}
	return out
}

// redisMonitor counts MONITOR lines by command, top level vs inside scripts.
type redisMonitor struct {
	c     *respConn
	t0    time.Time
	mu    sync.Mutex
	top   map[string]int64
	lua   map[string]int64
	done  chan struct{}
	err   error
	acked int64
}

func startMonitor(addr string, acked int64) (*redisMonitor, error) {
	c, err := dialRESP(addr)
	if err != nil {
		return nil, err
	}
	if _, err := c.do("MONITOR"); err != nil {
		c.Close()
		return nil, err
	}
	m := &redisMonitor{c: c, t0: time.Now(), top: map[string]int64{}, lua: map[string]int64{}, done: make(chan struct{}), acked: acked}
	go m.loop()
	return m, nil
}

// A MONITOR line: +1796400253.832263 [0 lua] "set" "a" "1"
// or              +1796400253.838194 [0 127.0.0.1:55842] "INCR" "b"
func (m *redisMonitor) loop() {
	defer close(m.done)
	for {
		s, err := m.c.line()
		if err != nil {
			m.err = err
			return
		}
		i, j := strings.IndexByte(s, '['), strings.IndexByte(s, ']')
		if i < 0 || j < i {
			continue
		}
		who := s[i+1 : j]
		rest := s[j+1:]
		a := strings.IndexByte(rest, '"')
		if a < 0 {
			continue
		}
		b := strings.IndexByte(rest[a+1:], '"')
		if b < 0 {
			continue
		}
		name := strings.ToLower(rest[a+1 : a+1+b])
		m.mu.Lock()
		if strings.HasSuffix(who, " lua") {
			m.lua[name]++
		} else {
			m.top[name]++
		}
		m.mu.Unlock()
	}
}

func (m *redisMonitor) stop(acked int64) *monitorSplit {
	sec := time.Since(m.t0).Seconds()
	m.c.Close()
	<-m.done
	ms := &monitorSplit{Seconds: sec, Acked: acked - m.acked}
	m.mu.Lock()
	defer m.mu.Unlock()
	den := float64(max(ms.Acked, 1))
	conv := func(mp map[string]int64) (out []cmdCount, total int64) {
		for k, v := range mp {
			out = append(out, cmdCount{Name: k, Calls: v, PerM: float64(v) / den})
			total += v
		}
		sortCounts(out)
		return out, total
	}
	ms.Top, ms.TopLevel = conv(m.top)
	ms.Lua, ms.InScripts = conv(m.lua)
	if ms.Acked > 0 {
		ms.TopLevelPerMsg, ms.InScriptPerMsg = float64(ms.TopLevel)/den, float64(ms.InScripts)/den
	}
	return ms
}

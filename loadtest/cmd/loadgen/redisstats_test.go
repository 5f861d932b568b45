package main

import (
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// startRedis runs a throwaway redis-server on a free loopback port, or skips.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("redis-server did not start")
	return ""
}

// The probe counts exactly what clients ran in the window, not its own
// RESETSTAT/INFO, and MONITOR tells script-internal commands apart.
func TestRedisProbeCountsOnlyTheWindow(t *testing.T) {
	addr := startRedis(t)
	p, err := newRedisProbe(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.pid == 0 {
		t.Fatal("no redis-server pid from INFO server")
	}
	cl, err := dialRESP(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.do("SET", "warm", "1"); err != nil { // before the window: not counted
		t.Fatal(err)
	}
	if err := p.begin(); err != nil {
		t.Fatal(err)
	}
	script := "redis.call('set', KEYS[1], '1'); redis.call('incr', KEYS[1]); return redis.call('get', KEYS[1])"
	for i := 0; i < 3; i++ {
		if _, err := cl.do("EVAL", script, "1", "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.do("PUBLISH", "ch", "x"); err != nil {
			t.Fatal(err)
		}
	}
	rc := p.end(3)
	if rc.Error != "" {
		t.Fatal(rc.Error)
	}
	// 3 × (eval + set + incr + get + publish)
	if rc.Calls != 15 || rc.Scripts != 3 || rc.CallsPerMsg != 5 {
		t.Errorf("calls %d scripts %d per msg %.2f, want 15, 3, 5: %+v", rc.Calls, rc.Scripts, rc.CallsPerMsg, rc.Commands)
	}
	if rc.Reads != 6 {
		t.Errorf("reads %d, want 6 (one per request)", rc.Reads)
	}
	if rc.Commands[0].Calls != 3 {
		t.Errorf("top command %+v", rc.Commands[0])
	}

	m, err := startMonitor(addr, 10)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := cl.do("EVAL", script, "1", "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.do("PUBLISH", "ch", "x"); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	ms := m.stop(12)
	if ms.Acked != 2 || ms.TopLevel != 4 || ms.InScripts != 6 || ms.TopLevelPerMsg != 2 || ms.InScriptPerMsg != 3 {
		t.Errorf("monitor split %+v", ms)
	}
}

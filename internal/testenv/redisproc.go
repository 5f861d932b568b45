package testenv

import (
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// RedisProcess is a redis-server of one test's own, for tests that stop,
// kill or restart Redis (the shared one of RedisAddr must stay up).
type RedisProcess struct {
	t    testing.TB
	Addr string
	port int
	args []string
	cmd  *exec.Cmd
}

// StartRedis starts a private redis-server on a free loopback port, without
// persistence; extra arguments are passed on. It is killed when the test
// ends.
func StartRedis(t testing.TB, extra ...string) *RedisProcess {
	t.Helper()
	port := FreePort(t)
	p := &RedisProcess{t: t, port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port),
		args: append([]string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}, extra...)}
	p.Start()
	t.Cleanup(p.Kill)
	return p
}

// Start (re)starts the server on its port and waits until it accepts
// connections. A restarted server remembers nothing: no keys, no scripts.
func (p *RedisProcess) Start() {
	p.t.Helper()
	p.cmd = exec.Command("redis-server", p.args...)
	orphanSafe(p.cmd)
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("testenv: start redis-server: %v", err)
	}
	WaitTCP(p.t, p.Addr, 5*time.Second)
}

// Kill stops the server at once (SIGKILL), as a crash would.
func (p *RedisProcess) Kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	p.cmd = nil
}

// Restart is Kill then Start.
func (p *RedisProcess) Restart() {
	p.t.Helper()
	p.Kill()
	p.Start()
}

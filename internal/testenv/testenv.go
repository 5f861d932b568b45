// Package testenv gives integration tests real services: a redis-server and
// a MongoDB-wire server (FerretDB), shared by the tests of one package, with
// a unique database and key prefix per test.
//
// `make test` starts both once and exports CHATDESK_TEST_REDIS_ADDR and
// CHATDESK_TEST_MONGO_URI. Without them, testenv starts its own: redis-server
// from PATH and bin/chatdesk-dev mongo (built by `make bin/chatdesk-dev`).
package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	mu        sync.Mutex
	redisAddr string
	mongoURI  string
)

// UniqueName returns a short random name safe for database names and key prefixes.
func UniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// RedisAddr returns the address of a running redis-server.
func RedisAddr(t testing.TB) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if redisAddr != "" {
		return redisAddr
	}
	if a := os.Getenv("CHATDESK_TEST_REDIS_ADDR"); a != "" {
		redisAddr = a
		return a
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("testenv: redis-server not found; run `make test` or install redis-server (apt-get install redis-server)")
	}
	port := FreePort(t)
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	orphanSafe(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start redis-server: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	WaitTCP(t, addr, 5*time.Second)
	redisAddr = addr
	return addr
}

// MongoURI returns the URI of a running MongoDB-wire server.
func MongoURI(t testing.TB) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if mongoURI != "" {
		return mongoURI
	}
	if u := os.Getenv("CHATDESK_TEST_MONGO_URI"); u != "" {
		mongoURI = u
		return u
	}
	bin := filepath.Join(RepoRoot(t), "bin", "chatdesk-dev")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("testenv: %s missing; run `make test` (or `make bin/chatdesk-dev`) first", bin)
	}
	port := FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	dir, err := os.MkdirTemp("", "chatdesk-ferret-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "mongo", "-addr", addr, "-dir", dir)
	orphanSafe(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start ferretdb: %v", err)
	}
	WaitTCP(t, addr, 15*time.Second)
	mongoURI = "mongodb://" + addr + "/"
	return mongoURI
}

// orphanSafe makes a helper process die with the test binary and keeps it
// off the test's stdout/stderr, which `go test` would otherwise wait for.
func orphanSafe(cmd *exec.Cmd) {
	cmd.Stdout, cmd.Stderr = nil, nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// RepoRoot finds the directory holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testenv: go.mod not found")
		}
		dir = parent
	}
}

// FreePort asks the kernel for a free TCP port on loopback.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitTCP waits until addr accepts connections.
func WaitTCP(t testing.TB, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: %s not reachable after %s: %v", addr, within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// DBName returns a unique database name for one test.
func DBName(t testing.TB) string {
	return UniqueName("t_" + sanitize(t.Name()) + "_")
}

func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
	if len(s) > 20 {
		s = s[:20]
	}
	return s
}

package mongo

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestMain starts one FerretDB for the package when `make test` has not
// exported CHATDESK_TEST_MONGO_URI, and stops it afterwards. testenv would
// start one too, but leaves it running with the test binary's stderr, which
// makes `go test` wait a minute for that output and then fail.
func TestMain(m *testing.M) {
	if os.Getenv("CHATDESK_TEST_MONGO_URI") != "" {
		os.Exit(m.Run())
	}
	stop, err := startFerret()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mongo tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

func startFerret() (stop func(), err error) {
	bin, err := devBinary()
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	dir, err := os.MkdirTemp("", "chatdesk-mongo-test-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "mongo", "-addr", addr, "-dir", dir)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("ferretdb on %s did not start", addr)
		}
	}
	os.Setenv("CHATDESK_TEST_MONGO_URI", "mongodb://"+addr+"/")
	return stop, nil
}

// devBinary finds bin/chatdesk-dev at the repository root.
func devBinary() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			bin := filepath.Join(dir, "bin", "chatdesk-dev")
			if _, err := os.Stat(bin); err != nil {
				return "", fmt.Errorf("%s missing: go build -o bin/chatdesk-dev ./cmd/chatdesk-dev", bin)
			}
			return bin, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found")
		}
		dir = parent
	}
}

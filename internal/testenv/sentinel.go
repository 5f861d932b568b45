package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisSentinel is a Sentinel deployment of one test's own on loopback: a
// master, one replica and three sentinels (quorum 2), without persistence.
type RedisSentinel struct {
	t          testing.TB
	MasterName string
	// Servers are the master and the replica, in start order (which one is
	// master changes with failovers: ask MasterAddr).
	Servers   []*RedisProcess
	Sentinels []*RedisProcess
}

// sentinelDownAfter is how long a master must be unreachable before the
// sentinels fail it over.
const sentinelDownAfter = 2000 * time.Millisecond

// StartSentinel starts the master, its replica and three sentinels, and
// waits until the replica is in sync and every sentinel knows the replica
// and the other two sentinels (so a failover can reach its quorum).
// Everything is killed when the test ends.
func StartSentinel(t testing.TB) *RedisSentinel {
	t.Helper()
	s := &RedisSentinel{t: t, MasterName: "chatdesk"}
	// A replica writes the snapshot of its full sync to its directory.
	dir := t.TempDir()
	master := StartRedis(t, "--dir", dir, "--dbfilename", "master.rdb")
	replica := StartRedis(t, "--dir", dir, "--dbfilename", "replica.rdb", "--replicaof", "127.0.0.1", portOf(master.Addr))
	s.Servers = []*RedisProcess{master, replica}
	for i := 0; i < 3; i++ {
		port := FreePort(t)
		conf := filepath.Join(dir, fmt.Sprintf("sentinel-%d.conf", i))
		text := fmt.Sprintf(`port %d
bind 127.0.0.1
dir %s
sentinel resolve-hostnames no
sentinel monitor %s 127.0.0.1 %s 2
sentinel down-after-milliseconds %s %d
sentinel failover-timeout %s 10000
sentinel parallel-syncs %s 1
`, port, dir, s.MasterName, portOf(master.Addr), s.MasterName, sentinelDownAfter.Milliseconds(), s.MasterName, s.MasterName)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		// redis-server runs as a sentinel with --sentinel (no separate
		// package needed); the sentinel rewrites its file as it learns.
		p := &RedisProcess{t: t, port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port), args: []string{conf, "--sentinel"}}
		p.Start()
		t.Cleanup(p.Kill)
		s.Sentinels = append(s.Sentinels, p)
	}
	s.waitReady(30 * time.Second)
	return s
}

func portOf(addr string) string {
	i := strings.LastIndexByte(addr, ':')
	return addr[i+1:]
}

// URL is the Sentinel URL in go-redis's form: one sentinel, the others as
// addr=, and the master's name.
func (s *RedisSentinel) URL() string {
	u := "redis://" + s.Sentinels[0].Addr + "/0?master_name=" + s.MasterName
	for _, p := range s.Sentinels[1:] {
		u += "&addr=" + p.Addr
	}
	return u
}

// MasterAddr is the master's address as a sentinel that answers reports it.
func (s *RedisSentinel) MasterAddr() string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, p := range s.Sentinels {
		if p.cmd == nil {
			continue
		}
		sc := goredis.NewSentinelClient(&goredis.Options{Addr: p.Addr, MaxRetries: -1})
		hp, err := sc.GetMasterAddrByName(ctx, s.MasterName).Result()
		sc.Close()
		if err == nil && len(hp) == 2 {
			return hp[0] + ":" + hp[1]
		}
	}
	s.t.Fatal("testenv: no sentinel answers")
	return ""
}

// Server returns the master or replica listening on addr.
func (s *RedisSentinel) Server(addr string) *RedisProcess {
	for _, p := range s.Servers {
		if p.Addr == addr {
			return p
		}
	}
	s.t.Fatalf("testenv: no sentinel-managed server %s", addr)
	return nil
}

func (s *RedisSentinel) waitReady(within time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	why := ""
	for time.Now().Before(deadline) {
		if why = s.notReady(); why == "" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("testenv: sentinel deployment not ready after %s: %s", within, why)
}

func (s *RedisSentinel) notReady() string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var masters []string
	for _, p := range s.Sentinels {
		sc := goredis.NewSentinelClient(&goredis.Options{Addr: p.Addr, MaxRetries: -1})
		m, err := sc.Master(ctx, s.MasterName).Result()
		sc.Close()
		if err != nil {
			return p.Addr + ": " + err.Error()
		}
		if m["num-other-sentinels"] != "2" || m["num-slaves"] != "1" || strings.Contains(m["flags"], "down") {
			return fmt.Sprintf("sentinel %s: flags %s, %s other sentinels, %s replicas", p.Addr, m["flags"], m["num-other-sentinels"], m["num-slaves"])
		}
		masters = append(masters, m["ip"]+":"+m["port"])
	}
	for _, m := range masters[1:] {
		if m != masters[0] {
			return fmt.Sprintf("sentinels disagree on the master: %v", masters)
		}
	}
	for _, p := range s.Servers {
		if p.cmd == nil || p.Addr == masters[0] {
			continue
		}
		rdb := goredis.NewClient(&goredis.Options{Addr: p.Addr, MaxRetries: -1})
		repl, err := rdb.Info(ctx, "replication").Result()
		rdb.Close()
		if err != nil {
			return p.Addr + ": " + err.Error()
		}
		if !strings.Contains(repl, "master_link_status:up") || !strings.Contains(repl, "master_port:"+portOf(masters[0])) {
			return p.Addr + ": replica not in sync with " + masters[0]
		}
	}
	return ""
}

// KillMaster SIGKILLs the current master and waits until the sentinels
// promoted the replica and it answers as master. It returns the new
// master's address. The old master stays down.
func (s *RedisSentinel) KillMaster() (newMaster string) {
	s.t.Helper()
	old := s.MasterAddr()
	s.Server(old).Kill()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := s.MasterAddr(); m != old {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			rdb := goredis.NewClient(&goredis.Options{Addr: m, MaxRetries: -1})
			role, _ := rdb.Info(ctx, "replication").Result()
			rdb.Close()
			cancel()
			if strings.Contains(role, "role:master") {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("testenv: no replica promoted 30 s after killing master %s", old)
	return ""
}

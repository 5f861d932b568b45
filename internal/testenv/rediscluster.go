package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisCluster is a Redis Cluster of one test's own on loopback: masters
// with their replicas, every server a redis-server process without
// persistence (each keeps its cluster identity in nodes.conf, so a server
// restarted rejoins as itself).
type RedisCluster struct {
	t     testing.TB
	Nodes []*RedisProcess
}

// clusterNodeTimeout is the cluster-node-timeout of test clusters: a
// master unreachable this long is failed over to its replica (long enough
// that a server starved of CPU by a busy test run is not failed over).
const clusterNodeTimeout = 2000 * time.Millisecond

// StartRedisCluster starts masters × (1 + replicasPerMaster) servers, joins
// them with `redis-cli --cluster create` (slots spread evenly over the
// masters) and waits until every server sees every slot served and every
// replica is in sync. Everything is killed when the test ends.
func StartRedisCluster(t testing.TB, masters, replicasPerMaster int) *RedisCluster {
	t.Helper()
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Fatal("testenv: redis-cli not found (apt-get install redis-tools)")
	}
	dir := t.TempDir()
	c := &RedisCluster{t: t}
	n := masters * (1 + replicasPerMaster)
	addrs := make([]string, n)
	for i := 0; i < n; i++ {
		busPort := FreePort(t)
		ndir := filepath.Join(dir, fmt.Sprint("n", i))
		mkdir(t, ndir)
		p := StartRedis(t, "--cluster-enabled", "yes", "--cluster-port", fmt.Sprint(busPort),
			"--cluster-config-file", filepath.Join(ndir, "nodes.conf"), "--dir", ndir,
			"--cluster-node-timeout", fmt.Sprint(clusterNodeTimeout.Milliseconds()),
			// A test cluster may lose a shard on purpose: the others keep serving.
			"--cluster-require-full-coverage", "no",
			"--cluster-allow-reads-when-down", "yes")
		c.Nodes = append(c.Nodes, p)
		addrs[i] = p.Addr
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", fmt.Sprint(replicasPerMaster), "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("testenv: redis-cli --cluster create: %v\n%s", err, out)
	}
	c.WaitHealthy(30 * time.Second)
	return c
}

// Addrs are the addresses of every server.
func (c *RedisCluster) Addrs() []string {
	out := make([]string, len(c.Nodes))
	for i, p := range c.Nodes {
		out[i] = p.Addr
	}
	return out
}

// URL is the cluster URL in go-redis's form: one seed, the others as addr=.
func (c *RedisCluster) URL() string {
	addrs := c.Addrs()
	u := "redis://" + addrs[0]
	for i, a := range addrs[1:] {
		if i == 0 {
			u += "?"
		} else {
			u += "&"
		}
		u += "addr=" + a
	}
	return u
}

// Node returns the server listening on addr.
func (c *RedisCluster) Node(addr string) *RedisProcess {
	for _, p := range c.Nodes {
		if p.Addr == addr {
			return p
		}
	}
	c.t.Fatalf("testenv: no cluster node %s", addr)
	return nil
}

// clusterNode is one line of CLUSTER NODES.
type clusterNode struct {
	id, addr, master string
	isMaster, failed bool
	slots            []string
}

func (c *RedisCluster) nodesSeenBy(ctx context.Context, addr string) ([]clusterNode, error) {
	rdb := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 500 * time.Millisecond})
	defer rdb.Close()
	txt, err := rdb.ClusterNodes(ctx).Result()
	if err != nil {
		return nil, err
	}
	var out []clusterNode
	for _, line := range strings.Split(strings.TrimSpace(txt), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			continue
		}
		n := clusterNode{id: f[0], addr: strings.SplitN(f[1], "@", 2)[0], master: f[3], slots: f[8:]}
		n.isMaster = strings.Contains(f[2], "master")
		n.failed = strings.Contains(f[2], "fail")
		out = append(out, n)
	}
	return out, nil
}

// Masters are the addresses of the masters serving slots, as the live
// servers see them.
func (c *RedisCluster) Masters() []string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, p := range c.Nodes {
		if p.cmd == nil {
			continue
		}
		nodes, err := c.nodesSeenBy(ctx, p.Addr)
		if err != nil {
			continue
		}
		var out []string
		for _, n := range nodes {
			if n.isMaster && !n.failed && len(n.slots) > 0 {
				out = append(out, n.addr)
			}
		}
		return out
	}
	c.t.Fatal("testenv: no cluster node answers")
	return nil
}

// HasReplica reports whether the master at addr has a live replica.
func (c *RedisCluster) HasReplica(master string) bool {
	c.t.Helper()
	return c.replicaOf(master) != ""
}

// ReplicaOf returns the address of a replica of the master at addr.
func (c *RedisCluster) ReplicaOf(master string) string {
	c.t.Helper()
	r := c.replicaOf(master)
	if r == "" {
		c.t.Fatalf("testenv: master %s has no replica", master)
	}
	return r
}

func (c *RedisCluster) replicaOf(master string) string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	nodes, err := c.nodesSeenBy(ctx, master)
	if err != nil {
		c.t.Fatal(err)
	}
	var id string
	for _, n := range nodes {
		if n.addr == master {
			id = n.id
		}
	}
	for _, n := range nodes {
		if n.master == id && !n.failed {
			return n.addr
		}
	}
	return ""
}

// WaitHealthy waits until every running server reports the cluster ok,
// with all 16384 slots served by live masters, every running server
// known, and every running replica in sync with its master.
func (c *RedisCluster) WaitHealthy(within time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(within)
	var why string
	for time.Now().Before(deadline) {
		if why = c.unhealthy(); why == "" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("testenv: redis cluster not healthy after %s: %s", within, why)
}

func (c *RedisCluster) unhealthy() string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	running := 0
	for _, p := range c.Nodes {
		if p.cmd != nil {
			running++
		}
	}
	for _, p := range c.Nodes {
		if p.cmd == nil {
			continue
		}
		rdb := goredis.NewClient(&goredis.Options{Addr: p.Addr, MaxRetries: -1, DialTimeout: 500 * time.Millisecond})
		info, err := rdb.ClusterInfo(ctx).Result()
		if err != nil {
			rdb.Close()
			return p.Addr + ": " + err.Error()
		}
		if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_slots_ok:16384") {
			rdb.Close()
			return p.Addr + ": " + strings.ReplaceAll(info, "\r\n", " ")
		}
		repl, err := rdb.Info(ctx, "replication").Result()
		rdb.Close()
		if err != nil {
			return p.Addr + ": " + err.Error()
		}
		if strings.Contains(repl, "role:slave") && !strings.Contains(repl, "master_link_status:up") {
			return p.Addr + ": replica not in sync"
		}
		nodes, err := c.nodesSeenBy(ctx, p.Addr)
		if err != nil {
			return p.Addr + ": " + err.Error()
		}
		alive := 0
		for _, n := range nodes {
			if !n.failed {
				alive++
			}
			if n.isMaster && n.failed && len(n.slots) > 0 {
				return p.Addr + " sees failed master " + n.addr + " still serving slots"
			}
		}
		if alive < running {
			return fmt.Sprintf("%s knows %d live servers of %d", p.Addr, alive, running)
		}
	}
	return ""
}

// Failover makes the replica of master take its place with CLUSTER
// FAILOVER (coordinated: nothing acknowledged is lost; the old master
// stays up as a replica) and waits until the cluster agrees.
func (c *RedisCluster) Failover(master string) (newMaster string) {
	c.t.Helper()
	replica := c.ReplicaOf(master)
	rdb := goredis.NewClient(&goredis.Options{Addr: replica})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Do(ctx, "cluster", "failover").Err(); err != nil {
		c.t.Fatalf("testenv: CLUSTER FAILOVER on %s: %v", replica, err)
	}
	c.waitMaster(replica, 15*time.Second)
	return replica
}

// KillMaster SIGKILLs master and waits until its replica was promoted by
// the cluster (after cluster-node-timeout) and every live server agrees.
// The killed server stays down.
func (c *RedisCluster) KillMaster(master string) (newMaster string) {
	c.t.Helper()
	replica := c.ReplicaOf(master)
	c.Node(master).Kill()
	c.waitMaster(replica, 20*time.Second)
	return replica
}

func (c *RedisCluster) waitMaster(addr string, within time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		rdb := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
		role, _ := rdb.Info(ctx, "replication").Result()
		rdb.Close()
		cancel()
		if strings.Contains(role, "role:master") && c.unhealthy() == "" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("testenv: %s not promoted within %s: %s", addr, within, c.unhealthy())
}

// mkdir makes a directory for a test's server.
func mkdir(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

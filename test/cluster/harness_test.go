// Package cluster holds the end-to-end tests of a chatdesk cluster: real
// processes (3 production nodes, redis-server, FerretDB, Nginx with the
// production proxy rules) on loopback, driven by the protocol client.
package cluster

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/testenv"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// PresenceTTL used by the cluster; the offline bound is TTL + one janitor
// tick (5 s).
const presenceTTL = 6 * time.Second

type proc struct {
	name string
	cmd  *exec.Cmd
	args []string
	env  []string
	log  *os.File
}

func (p *proc) start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(p.args[0], p.args[1:]...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	p.cmd = cmd
}

func (p *proc) kill() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_, _ = p.cmd.Process.Wait()
		p.cmd = nil
	}
}

func (p *proc) terminate() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _, _ = p.cmd.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(25 * time.Second):
			_ = p.cmd.Process.Kill()
		}
		p.cmd = nil
	}
}

type cluster struct {
	t         *testing.T
	dir       string
	redis     *proc
	redisAddr string
	mongo     *proc
	nodes     []*proc
	nodeAddrs []string
	nginx     *proc
	edge      string // http://127.0.0.1:port of Nginx
	bin       string
}

func buildBinaries(t *testing.T, dir string) (string, string) {
	t.Helper()
	root := testenv.RepoRoot(t)
	node := filepath.Join(dir, "chatdesk")
	dev := filepath.Join(dir, "chatdesk-dev")
	for out, pkg := range map[string]string{node: "./cmd/chatdesk", dev: "./cmd/chatdesk-dev"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	return node, dev
}

func startCluster(t *testing.T, nodes int) *cluster {
	t.Helper()
	return startClusterOn(t, nodes, "", "")
}

// startClusterOn starts the cluster on a Redis deployment of the test's
// (CHATDESK_REDIS_MODE redisMode at redisURL) instead of its own
// redis-server when redisMode is set.
func startClusterOn(t *testing.T, nodes int, redisMode, redisURL string) *cluster {
	t.Helper()
	for _, bin := range []string{"redis-server", "nginx"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is required (apt-get install %s)", bin, bin)
		}
	}
	dir := t.TempDir()
	nodeBin, devBin := buildBinaries(t, dir)
	c := &cluster{t: t, dir: dir, bin: nodeBin}
	logf := func(name string) *os.File {
		f, err := os.Create(filepath.Join(dir, name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if redisMode == "" {
		redisPort := testenv.FreePort(t)
		c.redisAddr = fmt.Sprintf("127.0.0.1:%d", redisPort)
		c.redis = &proc{name: "redis", log: logf("redis"), env: os.Environ(),
			args: []string{"redis-server", "--port", fmt.Sprint(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}}
		c.redis.start(t)
		testenv.WaitTCP(t, c.redisAddr, 5*time.Second)
		redisMode, redisURL = "standalone", "redis://"+c.redisAddr+"/0"
	}

	mongoAddr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	c.mongo = &proc{name: "ferretdb", log: logf("ferretdb"), env: os.Environ(),
		args: []string{devBin, "mongo", "-addr", mongoAddr, "-dir", filepath.Join(dir, "mongo")}}
	c.mongo.start(t)
	testenv.WaitTCP(t, mongoAddr, 15*time.Second)

	secret := testenv.UniqueName("secret-") + strings.Repeat("x", 24)
	baseEnv := append(os.Environ(),
		"CHATDESK_ENV=production",
		"CHATDESK_JWT_SECRET="+secret,
		"CHATDESK_MONGO_URI=mongodb://"+mongoAddr+"/",
		"CHATDESK_MONGO_DB=cluster",
		"CHATDESK_REDIS_MODE="+redisMode,
		"CHATDESK_REDIS_URL="+redisURL,
		"CHATDESK_REDIS_PREFIX=cl",
		"CHATDESK_PRESENCE_TTL="+presenceTTL.String(),
		"CHATDESK_GRACE_PERIOD=60s",
		"CHATDESK_SHUTDOWN_GRACE=5s",
		"CHATDESK_LOG_FORMAT=text",
		// Every test client shares 127.0.0.1; lift the per-IP limits.
		"CHATDESK_RATE_LIMITS=conv-ip=100000/1m,msg-ip=1000000/1m,msg-visitor=100000/1m,login-ip=100000/1m",
	)
	// The first admin and the agents come from the CLI, as in production.
	for _, a := range [][3]string{{"admin@chatdesk.local", "Quản trị", "admin"}, {"an@chatdesk.local", "An", "agent"}, {"binh@chatdesk.local", "Bình", "agent"}} {
		cmd := exec.Command(nodeBin, "agent", "add", "--email", a[0], "--name", a[1], "--role", a[2])
		cmd.Env = append(baseEnv, "CHATDESK_AGENT_PASSWORD=matkhau123")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("agent add %s: %v\n%s", a[0], err, out)
		}
	}
	for i := 0; i < nodes; i++ {
		addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
		name := fmt.Sprintf("node%d", i+1)
		p := &proc{name: name, log: logf(name), args: []string{nodeBin},
			env: append(append([]string{}, baseEnv...), "CHATDESK_ADDR="+addr, "CHATDESK_NODE_ID="+name)}
		p.start(t)
		c.nodes = append(c.nodes, p)
		c.nodeAddrs = append(c.nodeAddrs, addr)
	}
	for _, a := range c.nodeAddrs {
		c.waitReady("http://" + a)
	}
	c.startNginx()
	t.Cleanup(c.stop)
	return c
}

func (c *cluster) startNginx() {
	t := c.t
	edge := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	ndir := filepath.Join(c.dir, "nginx")
	args := []string{filepath.Join(testenv.RepoRoot(t), "nginx", "render-test-conf.sh"), "--dir", ndir, "--listen", edge}
	for _, a := range c.nodeAddrs {
		args = append(args, "--backend", a)
	}
	if out, err := exec.Command("bash", args...).CombinedOutput(); err != nil {
		t.Fatalf("render nginx conf: %v\n%s", err, out)
	}
	c.nginx = &proc{name: "nginx", log: nil, env: os.Environ(),
		args: []string{"nginx", "-p", ndir, "-e", filepath.Join(ndir, "error.log"), "-c", filepath.Join(ndir, "nginx.conf")}}
	c.nginx.start(t)
	testenv.WaitTCP(t, edge, 10*time.Second)
	c.edge = "http://" + edge
	c.waitReady(c.edge)
}

func (c *cluster) stop() {
	for _, p := range append([]*proc{c.nginx}, c.nodes...) {
		if p != nil {
			p.terminate()
		}
	}
	c.mongo.kill()
	if c.redis != nil {
		c.redis.kill()
	}
	if c.t.Failed() {
		for _, n := range append(c.nodes, c.mongo) {
			if b, err := os.ReadFile(filepath.Join(c.dir, n.name+".log")); err == nil {
				tail := b
				if len(tail) > 3000 {
					tail = tail[len(tail)-3000:]
				}
				c.t.Logf("---- %s log (tail) ----\n%s", n.name, tail)
			}
		}
	}
}

func (c *cluster) waitReady(base string) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s not ready: %v", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// restartNode starts a killed node again on the same address.
func (c *cluster) restartNode(i int) {
	c.nodes[i].start(c.t)
	c.waitReady("http://" + c.nodeAddrs[i])
}

func (c *cluster) restartRedis() {
	c.redis.kill()
	time.Sleep(500 * time.Millisecond)
	c.redis.start(c.t)
	testenv.WaitTCP(c.t, c.redisAddr, 5*time.Second)
}

func (c *cluster) nodeURL(i int) string { return "http://" + c.nodeAddrs[i] }

// api is the REST API at base (a node or Nginx).
func api(t *testing.T, base string) *clienttest.API { return clienttest.NewAPI(t, base) }

func login(t *testing.T, base, email string) (string, *chat.Agent) {
	t.Helper()
	return api(t, base).Login(email, "matkhau123")
}

func newConversation(t *testing.T, base, name string) clienttest.Created {
	t.Helper()
	return api(t, base).NewConversation(map[string]any{"name": name, "phone": "0912345678"}, "")
}

func dial(t *testing.T, base, token string, onEvent func(wsclient.Frame)) *wsclient.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cl, err := wsclient.Dial(ctx, wsclient.Options{URL: clienttest.WSURL(base), Token: token, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second, OnEvent: onEvent})
	if err != nil {
		t.Fatalf("dial %s: %v", base, err)
	}
	t.Cleanup(cl.Close)
	return cl
}

package redis

import (
	"context"
	"strings"
	"sync"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// The Redis adapter is held to the same contracts as the in-memory fakes
// of internal/inmem, on real redis-servers: one server, a Sentinel
// deployment (master, replica, three sentinels) and a 3-master Redis
// Cluster with a replica each.

var (
	_ desk.Coordinator = (*Client)(nil)
	_ desktest.Bus     = (*Bus)(nil)
)

// topology is where a contract runs: how to open a client there.
type topology struct {
	mode Mode
	url  string
}

func standalone(t *testing.T) topology {
	return topology{Standalone, "redis://" + testenv.RedisAddr(t) + "/0"}
}

// open connects to the topology under prefix; query is added to the URL.
func (tp topology) open(t *testing.T, prefix, query string) *Client {
	t.Helper()
	u := tp.url
	if query != "" {
		if strings.Contains(u, "?") {
			u += "&" + query
		} else {
			u += "?" + query
		}
	}
	c, err := OpenWith(context.Background(), Options{Mode: tp.mode, URL: u, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// The Sentinel and Cluster runs are subtests of TestSentinel and
// TestCluster (topology_test.go), which start one deployment for them all.

func TestCoordinatorContract(t *testing.T) { coordinatorContract(t, standalone(t)) }

func TestBusContract(t *testing.T) { busContract(t, standalone(t)) }

func coordinatorContract(t *testing.T, tp topology) {
	desktest.TestCoordinator(t, func(t *testing.T) (desk.Coordinator, desktest.Clock) {
		return tp.open(t, testenv.UniqueName("t"), ""), desktest.RealClock{}
	})
}

func busContract(t *testing.T, tp topology) {
	desktest.TestBus(t, func(t *testing.T) desktest.Buses {
		prefix := testenv.UniqueName("bus")
		// A's client has a name of its own, so the test can find its
		// pub/sub connections and kill them alone.
		name := testenv.UniqueName("conn")
		ca, cb := tp.open(t, prefix, "client_name="+name), tp.open(t, prefix, "")
		a, b := ca.NewBus(), cb.NewBus()
		t.Cleanup(func() { a.Close(); b.Close() })
		return desktest.Buses{A: a, B: b, Reconnect: func() { killPubSub(t, cb, name) }}
	})
}

// killPubSub closes, on the servers, the pub/sub connections of the
// client named name, as a network failure would; go-redis reconnects by
// itself. In cluster mode every master is searched; with Sentinel, the
// master.
func killPubSub(t *testing.T, admin *Client, name string) {
	t.Helper()
	ctx := context.Background()
	killed := 0
	var lists []string
	var mu sync.Mutex // ForEachShard calls kill concurrently
	kill := func(ctx context.Context, rdb goredis.Cmdable) error {
		list, err := rdb.ClientList(ctx).Result()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		lists = append(lists, list)
		for _, line := range strings.Split(list, "\n") {
			f := map[string]string{}
			for _, kv := range strings.Fields(line) {
				k, v, _ := strings.Cut(kv, "=")
				f[k] = v
			}
			if f["name"] != name || (f["sub"] == "0" && f["psub"] == "0" && f["ssub"] == "0") {
				continue
			}
			if err := rdb.ClientKillByFilter(ctx, "ID", f["id"]).Err(); err != nil {
				return err
			}
			killed++
		}
		return nil
	}
	var err error
	if admin.cc != nil {
		err = admin.cc.ForEachShard(ctx, func(ctx context.Context, n *goredis.Client) error { return kill(ctx, n) })
	} else {
		err = kill(ctx, admin.rdb)
	}
	if err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatalf("no pub/sub connection named %s in CLIENT LIST:\n%s", name, strings.Join(lists, "\n"))
	}
}

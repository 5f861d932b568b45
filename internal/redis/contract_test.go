package redis

import (
	"context"
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// The Redis adapter is held to the same contracts as the in-memory fakes
// of internal/inmem, on a real redis-server.

var (
	_ desk.Coordinator = (*Client)(nil)
	_ desktest.Bus     = (*Bus)(nil)
)

func TestCoordinatorContract(t *testing.T) {
	desktest.TestCoordinator(t, func(t *testing.T) (desk.Coordinator, desktest.Clock) {
		return newClient(t), desktest.RealClock{}
	})
}

func TestBusContract(t *testing.T) {
	desktest.TestBus(t, func(t *testing.T) desktest.Buses {
		prefix := testenv.UniqueName("bus")
		// A's client has a name of its own, so the test can find its
		// pub/sub connection on the shared server and kill it alone.
		name := testenv.UniqueName("conn")
		open := func(query string) *Client {
			c, err := Open(context.Background(), "redis://"+testenv.RedisAddr(t)+"/0"+query, prefix)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		}
		ca, cb := open("?client_name="+name), open("")
		a, b := ca.NewBus(), cb.NewBus()
		t.Cleanup(func() { a.Close(); b.Close() })
		return desktest.Buses{A: a, B: b, Reconnect: func() { killPubSub(t, cb, name) }}
	})
}

// killPubSub closes, on the server, the pub/sub connections of the client
// named name, as a network failure would; go-redis reconnects by itself.
func killPubSub(t *testing.T, admin *Client, name string) {
	t.Helper()
	ctx := context.Background()
	list, err := admin.rdb.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	for _, line := range strings.Split(list, "\n") {
		f := map[string]string{}
		for _, kv := range strings.Fields(line) {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		if f["name"] != name || (f["sub"] == "0" && f["psub"] == "0") {
			continue
		}
		if err := admin.rdb.ClientKillByFilter(ctx, "ID", f["id"]).Err(); err != nil {
			t.Fatal(err)
		}
		killed++
	}
	if killed == 0 {
		t.Fatalf("no pub/sub connection named %s in CLIENT LIST:\n%s", name, list)
	}
}

package redis

import (
	"context"
	"fmt"
	"os/exec"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/testenv"
)

func newClient(t *testing.T) *Client {
	t.Helper()
	c, err := Open(context.Background(), "redis://"+testenv.RedisAddr(t)+"/0", testenv.UniqueName("t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestClaimRaceHasOneWinner(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	for round := 0; round < 50; round++ {
		conv := fmt.Sprintf("c%d", round)
		var wg sync.WaitGroup
		winners := make(chan string, 10)
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func(agent string) {
				defer wg.Done()
				owner, err := c.Claim(ctx, conv, agent)
				if err != nil {
					t.Error(err)
				}
				if owner == agent {
					winners <- agent
				}
			}(fmt.Sprintf("a%d", i))
		}
		wg.Wait()
		close(winners)
		if n := len(winners); n != 1 {
			t.Fatalf("round %d: %d winners", round, n)
		}
	}
}

func TestTransferAndRelease(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		do        func() (string, error)
		wantOwner string
	}{
		{"claim", func() (string, error) { return c.Claim(ctx, "x", "an") }, "an"},
		{"claim taken", func() (string, error) { return c.Claim(ctx, "x", "binh") }, "an"},
		{"transfer by non-owner refused", func() (string, error) { return c.Transfer(ctx, "x", "binh", "chi") }, "an"},
		{"transfer by owner", func() (string, error) { return c.Transfer(ctx, "x", "an", "binh") }, "binh"},
		{"release by non-owner refused", func() (string, error) {
			ok, err := c.Release(ctx, "x", "an")
			if ok {
				t.Error("non-owner released")
			}
			o, _, _ := c.Owner(ctx, "x")
			return o, err
		}, "binh"},
		{"release by owner", func() (string, error) {
			ok, err := c.Release(ctx, "x", "binh")
			if !ok {
				t.Error("owner could not release")
			}
			o, _, _ := c.Owner(ctx, "x")
			return o, err
		}, ""},
		{"transfer of unowned", func() (string, error) { return c.Transfer(ctx, "x", "binh", "an") }, ""},
	}
	for _, tt := range tests {
		got, err := tt.do()
		if err != nil || got != tt.wantOwner {
			t.Fatalf("%s: owner %q err %v, want %q", tt.name, got, err, tt.wantOwner)
		}
	}
}

func TestPresenceAcrossNodes(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	online, err := c.Join(ctx, "an", "n1", time.Minute)
	if err != nil || !online {
		t.Fatalf("first join: %v %v", online, err)
	}
	if online, _ := c.Join(ctx, "an", "n2", time.Minute); online {
		t.Fatal("second node join reported came online")
	}
	if off, _ := c.Leave(ctx, "an", "n1"); off {
		t.Fatal("went offline while n2 holds a socket")
	}
	if ids, _ := c.OnlineAgents(ctx); len(ids) != 1 || ids[0] != "an" {
		t.Fatalf("online = %v", ids)
	}
	if off, _ := c.Leave(ctx, "an", "n2"); !off {
		t.Fatal("last leave did not go offline")
	}
	// A crashed node: its member expires and Reap reports the transition once.
	if _, err := c.Join(ctx, "binh", "dead", 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(80 * time.Millisecond)
	gone, err := c.Reap(ctx)
	if err != nil || len(gone) != 1 || gone[0] != "binh" {
		t.Fatalf("reap = %v %v", gone, err)
	}
	if again, _ := c.Reap(ctx); len(again) != 0 {
		t.Fatalf("second reap = %v", again)
	}
	taken, _ := c.TakeOfflineSince(ctx, time.Now())
	if len(taken) != 2 {
		t.Fatalf("offline since = %v, want an and binh", taken)
	}
}

func TestRotationIsFair(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	counts := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := c.NextInRotation(ctx, []string{"an", "binh"})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			counts[a]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts["an"] != 100 || counts["binh"] != 100 {
		t.Fatalf("counts = %v", counts)
	}
	// A newly online agent is next, then the rotation continues.
	if a, _ := c.NextInRotation(ctx, []string{"an", "binh", "chi"}); a != "chi" {
		t.Fatalf("new agent not first: %s", a)
	}
}

func TestBusDeliversAfterSubscribeAndResubscribesAfterRestart(t *testing.T) {
	port := testenv.FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	start := func() *exec.Cmd {
		cmd := exec.Command("redis-server", "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		testenv.WaitTCP(t, addr, 5*time.Second)
		return cmd
	}
	srv := start()
	defer func() { srv.Process.Kill(); srv.Wait() }()
	c, err := Open(context.Background(), "redis://"+addr+"/0", "bus")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := make(chan string, 10)
	resub := make(chan struct{}, 10)
	bus := c.NewBus()
	bus.Handle(func(topic string, p []byte) { got <- topic + "=" + string(p) })
	bus.OnResubscribe(func() { resub <- struct{}{} })
	defer bus.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bus.Subscribe(ctx, "conv:1"); err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(ctx, "conv:1", []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, got); m != "conv:1=hi" {
		t.Fatalf("got %q", m)
	}
	srv.Process.Kill()
	srv.Wait()
	srv = start()
	select {
	case <-resub:
	case <-time.After(15 * time.Second):
		t.Fatal("no resubscribe signal after redis restart")
	}
	if err := bus.Publish(ctx, "conv:1", []byte("again")); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, got); m != "conv:1=again" {
		t.Fatalf("after restart got %q", m)
	}
}

func recv(t *testing.T, ch chan string) string {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("timeout waiting for bus message")
		return ""
	}
}

// The password and ACL user of Options replace the URL's.
func TestCredentialsReplaceTheURLs(t *testing.T) {
	r := testenv.StartRedis(t, "--requirepass", "s3cret")
	ctx := context.Background()
	admin := goredis.NewClient(&goredis.Options{Addr: r.Addr, Password: "s3cret"})
	defer admin.Close()
	if err := admin.Do(ctx, "acl", "setuser", "chat", "on", ">pw", "~*", "&*", "+@all").Err(); err != nil {
		t.Fatal(err)
	}
	open := func(o Options) error {
		o.Prefix = "cred"
		c, err := OpenWith(ctx, o)
		if err == nil {
			defer c.Close()
			_, err = c.Claim(ctx, "c1", "an")
		}
		return err
	}
	if err := open(Options{URL: "redis://" + r.Addr + "/0"}); err == nil {
		t.Fatal("connected without a password")
	}
	if err := open(Options{URL: "redis://:wrong@" + r.Addr + "/0", Password: "s3cret"}); err != nil {
		t.Fatalf("CHATDESK_REDIS_PASSWORD did not replace the URL's: %v", err)
	}
	if err := open(Options{URL: "redis://" + r.Addr + "/0", Username: "chat", Password: "pw"}); err != nil {
		t.Fatalf("ACL user: %v", err)
	}
	if err := open(Options{URL: "redis://chat:pw@" + r.Addr + "/0"}); err != nil {
		t.Fatalf("ACL user in the URL: %v", err)
	}
	for _, bad := range []Options{
		{URL: "redis://" + r.Addr + "/0", Prefix: "a{b}"},
		{Mode: "ring", URL: "redis://" + r.Addr},
		{Mode: Sentinel, URL: "redis://" + r.Addr},
		{Mode: Cluster, URL: "redis://" + r.Addr + "/3"},
		{URL: "redis://" + r.Addr + "?master_name=x"},
	} {
		if err := bad.Check(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

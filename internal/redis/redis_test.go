package redis

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/testenv"
)

// The coordinator's and the bus's behaviour is checked by the contracts
// (contract_test.go); what is left here is about the real process.

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

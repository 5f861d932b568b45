package inmem

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/checkfor"
)

// tap records what a bus delivers and how often it resubscribed.
type tap struct {
	mu     sync.Mutex
	got    []string
	resubs int
}

func newTap(b *Bus) *tap {
	tp := &tap{}
	b.Handle(func(topic string, payload []byte) {
		tp.mu.Lock()
		tp.got = append(tp.got, topic+"="+string(payload))
		tp.mu.Unlock()
	})
	b.OnResubscribe(func() {
		tp.mu.Lock()
		tp.resubs++
		tp.mu.Unlock()
	})
	return tp
}

func (tp *tap) snapshot() ([]string, int) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return slices.Clone(tp.got), tp.resubs
}

// waitFor waits for want to be delivered and returns everything delivered.
func (tp *tap) waitFor(t *testing.T, want string) []string {
	t.Helper()
	var got []string
	checkfor.Eventually(t, 2*time.Second, func() (bool, string) {
		got, _ = tp.snapshot()
		return slices.Contains(got, want), fmt.Sprintf("want %q, got %q", want, got)
	})
	return got
}

// TestBusConnectionLoss: what is published while a bus is disconnected is
// lost for it alone; reconnecting restores its topics and tells its
// OnResubscribe handlers, once, and only when it had topics.
func TestBusConnectionLoss(t *testing.T) {
	ctx := context.Background()
	br := NewBroker()
	a, b, idle := br.Bus(), br.Bus(), br.Bus()
	defer a.Close()
	defer b.Close()
	defer idle.Close()
	ta, tb, ti := newTap(a), newTap(b), newTap(idle)
	must(t, a.Subscribe(ctx, "conv:1"))
	must(t, b.Subscribe(ctx, "conv:1"))

	a.Disconnect()
	idle.Disconnect()
	must(t, b.Publish(ctx, "conv:1", []byte("lost for a")))
	if err := a.Subscribe(ctx, "conv:2"); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("Subscribe while disconnected: %v, want ErrDisconnected", err)
	}
	must(t, a.Publish(ctx, "conv:1", []byte("a can still publish")))
	tb.waitFor(t, "conv:1=a can still publish")
	a.Reconnect()
	idle.Reconnect()
	a.Reconnect() // connected already: nothing to resubscribe
	must(t, b.Publish(ctx, "conv:1", []byte("back")))
	must(t, b.Publish(ctx, "conv:2", []byte("kept while down")))
	got := ta.waitFor(t, "conv:2=kept while down")
	if want := []string{"conv:1=back", "conv:2=kept while down"}; !slices.Equal(got, want) {
		t.Fatalf("a got %q, want %q", got, want)
	}
	if _, n := ta.snapshot(); n != 1 {
		t.Fatalf("a resubscribed %d times, want 1", n)
	}
	if _, n := ti.snapshot(); n != 0 {
		t.Fatalf("a bus without topics reported %d resubscriptions, want 0 (as Redis)", n)
	}
	if got, n := tb.snapshot(); n != 0 || !slices.Contains(got, "conv:1=lost for a") {
		t.Fatalf("b: %q, %d resubscriptions; want every event and none", got, n)
	}
}

// TestBrokerDown: while the broker is down publishing fails and nothing is
// delivered; when it comes back every bus with topics resubscribes.
func TestBrokerDown(t *testing.T) {
	ctx := context.Background()
	br := NewBroker()
	a, b := br.Bus(), br.Bus()
	defer a.Close()
	defer b.Close()
	ta, tb := newTap(a), newTap(b)
	must(t, a.Subscribe(ctx, "agents"))
	must(t, b.Subscribe(ctx, "agents"))
	br.SetDown(true)
	if err := a.Publish(ctx, "agents", []byte("x")); !errors.Is(err, ErrDown) {
		t.Fatalf("Publish while down: %v, want ErrDown", err)
	}
	if err := a.Subscribe(ctx, "conv:1"); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("Subscribe while down: %v, want ErrDisconnected", err)
	}
	late := br.Bus() // a node starting while the broker is down
	defer late.Close()
	if err := late.Subscribe(ctx, "agents"); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("Subscribe on a bus born while down: %v", err)
	}
	tl := newTap(late)
	br.SetDown(false)
	must(t, a.Publish(ctx, "agents", []byte("up")))
	for name, tp := range map[string]*tap{"a": ta, "b": tb, "late": tl} {
		if got := tp.waitFor(t, "agents=up"); len(got) != 1 {
			t.Errorf("%s got %q", name, got)
		}
		if _, n := tp.snapshot(); n != 1 {
			t.Errorf("%s resubscribed %d times, want 1", name, n)
		}
	}
}

// TestBusClose: Close delivers what was queued, then nothing; the bus can
// still publish, as the Redis bus publishes through the node's client.
func TestBusClose(t *testing.T) {
	ctx := context.Background()
	br := NewBroker()
	a, b := br.Bus(), br.Bus()
	defer b.Close()
	release := make(chan struct{})
	var delivered atomic.Int32
	a.Handle(func(string, []byte) {
		<-release
		delivered.Add(1)
	})
	must(t, a.Subscribe(ctx, "conv:1"))
	for i := 0; i < 3; i++ {
		must(t, b.Publish(ctx, "conv:1", []byte("queued")))
	}
	closed := make(chan error)
	go func() { closed <- a.Close() }()
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if n := delivered.Load(); n != 3 {
		t.Fatalf("%d of 3 queued events delivered before Close returned", n)
	}
	must(t, b.Subscribe(ctx, "conv:1"))
	tb := newTap(b)
	must(t, a.Publish(ctx, "conv:1", []byte("from a closed bus")))
	tb.waitFor(t, "conv:1=from a closed bus")
	if err := a.Subscribe(ctx, "conv:2"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Subscribe after Close: %v, want ErrClosed", err)
	}
	if err := a.Unsubscribe(ctx, "conv:1"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Unsubscribe after Close: %v, want ErrClosed", err)
	}
	must(t, a.Close())
}

// TestBusOneDeliveryAtATime: handlers never run concurrently on one bus,
// however many publishers race.
func TestBusOneDeliveryAtATime(t *testing.T) {
	ctx := context.Background()
	br := NewBroker()
	a := br.Bus()
	defer a.Close()
	var inside, overlaps, count atomic.Int32
	a.Handle(func(string, []byte) {
		if inside.Add(1) > 1 {
			overlaps.Add(1)
		}
		time.Sleep(50 * time.Microsecond)
		inside.Add(-1)
		count.Add(1)
	})
	must(t, a.Subscribe(ctx, "agents"))
	var wg sync.WaitGroup
	for p := 0; p < 4; p++ {
		pub := br.Bus()
		defer pub.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if err := pub.Publish(ctx, "agents", nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	checkfor.Eventually(t, 5*time.Second, func() (bool, string) {
		return count.Load() == 200, fmt.Sprintf("%d of 200 delivered", count.Load())
	})
	if n := overlaps.Load(); n != 0 {
		t.Fatalf("%d deliveries overlapped", n)
	}
}

func TestBusEndedContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := NewBroker().Bus()
	defer b.Close()
	for name, err := range map[string]error{
		"Publish":     b.Publish(ctx, "t", nil),
		"Subscribe":   b.Subscribe(ctx, "t"),
		"Unsubscribe": b.Unsubscribe(ctx, "t"),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", name, err)
		}
	}
}

package main

// loadgen ceiling: what one Redis does per message when it is the busy part.
//
// The chat steps measure Redis per message at a given rate, where most of
// Redis's CPU is the wake-up and I/O of each round trip and falls as the
// rate rises; "one Redis core ÷ CPU per message" taken there understates
// the ceiling. This scenario drives only the Redis side of the send path,
// as fast as it goes, so Redis (one core) is what limits it:
//
//   - target chatdesk: the node's own core (internal/desk with the real
//     internal/redis coordinator and bus; the durable store in memory, so
//     MongoDB is not the limit) takes visitor messages from -workers
//     concurrent senders over -convs conversations; a second bus, another
//     node, is subscribed to every conversation (each message's event
//     reaches it).
//   - target publish: what the Socket.IO redis adapter asks of Redis, one
//     PUBLISH per message of a similar payload, from as many senders, to a
//     channel a second connection is subscribed to by pattern.
//
// Both report the same redisCost as the chat steps over the window.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/inmem"
	"github.com/chatdesk/chatdesk/internal/redis"
)

type ceilingResult struct {
	Scenario string     `json:"scenario"` // "ceiling"
	Label    string     `json:"label"`
	Target   string     `json:"target"`
	Convs    int        `json:"convs"`
	Workers  int        `json:"workers"`
	Seconds  float64    `json:"seconds"`
	Sent     int64      `json:"sent"`
	Failed   int64      `json:"failed"`
	PerSec   float64    `json:"perSec"`
	Received int64      `json:"received"` // events the subscriber got in the window
	GenCPUUS float64    `json:"genCpuUsPerMsg"`
	Redis    *redisCost `json:"redis"`
	Load     string     `json:"load"`
}

func runCeiling(args []string) error {
	fs := flag.NewFlagSet("ceiling", flag.ExitOnError)
	label := fs.String("label", "ceiling", "")
	target := fs.String("target", "chatdesk", "chatdesk | publish")
	addr := fs.String("redis", "127.0.0.1:6379", "redis-server address (loopback)")
	convs := fs.Int("convs", 200, "conversations")
	workers := fs.Int("workers", 64, "concurrent senders")
	duration := fs.Duration("duration", 10*time.Second, "measured window")
	out := fs.String("out", "", "JSON result file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	var (
		send     func(ctx context.Context, w, i int) error
		received atomic.Int64
		cleanup  func()
		err      error
	)
	switch *target {
	case "chatdesk":
		send, cleanup, err = ceilingChatdesk(ctx, *addr, *convs, &received)
	case "publish":
		send, cleanup, err = ceilingPublish(ctx, *addr, *convs, &received)
	default:
		return fmt.Errorf("unknown target %q", *target)
	}
	if err != nil {
		return err
	}
	defer cleanup()

	probe, err := newRedisProbe(*addr)
	if err != nil {
		return err
	}
	defer probe.Close()
	if probe.pid == 0 {
		return fmt.Errorf("redis-server at %s is not a local process: its CPU cannot be read", *addr)
	}

	var sent, failed atomic.Int64
	var measuring atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				err := send(ctx, w, i)
				if measuring.Load() {
					if err != nil {
						failed.Add(1)
					} else {
						sent.Add(1)
					}
				}
			}
		}(w)
	}
	time.Sleep(2 * time.Second) // warm: scripts loaded, counters seeded, pools full
	self := procTreeCPU([]int{selfPID()})
	if err := probe.begin(); err != nil {
		return err
	}
	received.Store(0)
	measuring.Store(true)
	start := time.Now()
	time.Sleep(*duration)
	measuring.Store(false)
	n := sent.Load()
	cost := probe.end(n)
	elapsed := time.Since(start)
	gen := procTreeCPU([]int{selfPID()}) - self
	close(stop)
	wg.Wait()

	r := ceilingResult{
		Scenario: "ceiling", Label: *label, Target: *target, Convs: *convs, Workers: *workers,
		Seconds: elapsed.Seconds(), Sent: n, Failed: failed.Load(), PerSec: float64(n) / elapsed.Seconds(),
		Received: received.Load(), Redis: cost, Load: loadAvg(),
	}
	if n > 0 {
		r.GenCPUUS = float64(gen.Microseconds()) / float64(n)
	}
	fmt.Printf("%s: %d messages in %.1fs (%.0f/s), %d failed; Redis %.1f µs CPU, %.1f µs in commands, %.2f commands, %.2f reads a message; one Redis core ≈ %.0f msgs/s; generator %.0f µs a message\n",
		r.Label, n, r.Seconds, r.PerSec, r.Failed, cost.CPUUSPerMsg, cost.UsecPerMsg, cost.CallsPerMsg, cost.ReadsPerMsg, cost.CeilingPerSec, r.GenCPUUS)
	if *out != "" {
		return writeJSON(*out, r)
	}
	return nil
}

// ceilingChatdesk runs one node's core on the real Redis coordinator and
// bus, with the durable store in memory.
func ceilingChatdesk(ctx context.Context, addr string, convs int, received *atomic.Int64) (func(context.Context, int, int) error, func(), error) {
	prefix := fmt.Sprintf("ceiling%d:", time.Now().UnixNano())
	coord, err := redis.Open(ctx, "redis://"+addr+"/0", prefix)
	if err != nil {
		return nil, nil, err
	}
	other, err := redis.Open(ctx, "redis://"+addr+"/0", prefix)
	if err != nil {
		return nil, nil, err
	}
	tokens, err := auth.NewTokens(strings.Repeat("ceiling-secret-", 4), time.Hour, time.Hour)
	if err != nil {
		return nil, nil, err
	}
	bus := coord.NewBus()
	core := desk.New(desk.Deps{Store: inmem.NewStore(), Coord: coord, Bus: bus, Tokens: tokens}, desk.Config{NodeID: "ceiling"})
	if err := core.Setup(ctx); err != nil {
		return nil, nil, err
	}
	core.Start()
	watcher := other.NewBus() // another node, with every conversation open
	watcher.Handle(func(string, []byte) { received.Add(1) })
	ids := make([]string, convs)
	for i := range ids {
		c, err := core.Conversations.CreateConversation(ctx, desk.NewConversation{
			Fields: map[string]any{chat.KeyName: fmt.Sprintf("Khách %d", i), chat.KeyPhone: fmt.Sprintf("09120%05d", i)},
			IP:     "127.0.0.1",
		})
		if err != nil {
			return nil, nil, fmt.Errorf("conversation %d: %w", i, err)
		}
		ids[i] = c.Conversation.ID
		if err := watcher.Subscribe(ctx, desk.ConversationTopic(c.Conversation.ID)); err != nil {
			return nil, nil, err
		}
	}
	send := func(ctx context.Context, w, i int) error {
		id := ids[(w*7919+i)%len(ids)]
		_, _, err := core.Messages.SendMessage(ctx, desk.Actor{Visitor: true, ConversationID: id}, id, fmt.Sprintf("w%d-%d", w, i), "Cho em hỏi đơn hàng này còn không ạ?")
		return err
	}
	cleanup := func() {
		core.Stop()
		bus.Close()
		watcher.Close()
		coord.Close()
		other.Close()
	}
	return send, cleanup, nil
}

// ceilingPublish is the Socket.IO redis adapter's use of Redis: one PUBLISH
// per message, every node subscribed by pattern.
func ceilingPublish(ctx context.Context, addr string, convs int, received *atomic.Int64) (func(context.Context, int, int) error, func(), error) {
	pub := goredis.NewClient(&goredis.Options{Addr: addr, PoolSize: 128})
	sub := goredis.NewClient(&goredis.Options{Addr: addr})
	ps := sub.PSubscribe(ctx, "socket.io#/#*")
	if _, err := ps.Receive(ctx); err != nil {
		return nil, nil, err
	}
	go func() {
		for range ps.Channel() {
			received.Add(1)
		}
	}()
	payload := []byte(strings.Repeat("x", 260)) // about a message.created event
	send := func(ctx context.Context, w, i int) error {
		return pub.Publish(ctx, fmt.Sprintf("socket.io#/#room-%d#", (w*7919+i)%convs), payload).Err()
	}
	cleanup := func() {
		ps.Close()
		sub.Close()
		pub.Close()
	}
	return send, cleanup, nil
}

func selfPID() int { return os.Getpid() }

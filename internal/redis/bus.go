package redis

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Bus delivers events between nodes over Redis pub/sub: at most once, in
// publish order per topic. Durability comes from MongoDB; a subscriber
// that may have missed events (Redis restarted or failed over, connection
// dropped) is told through OnResubscribe and repairs by replay.
//
// A node subscribes only to the topics its local sockets need; the caller
// reference-counts topics.
//
// Standalone and Sentinel: one connection, PUBLISH/SUBSCRIBE, channel
// prefix:bus:<topic> (with Sentinel, go-redis's failover client dials the
// current master, so the subscription follows a failover).
//
// Cluster: sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7), so delivery
// spreads over the shards instead of every message crossing every server.
// A sharded subscription lives on the server of its channel's slot, and
// go-redis binds a PubSub to the slot of its first channel and resubscribes
// all its channels with one command, so every channel of one connection
// must share a slot. Conversation topics are therefore cut into
// busPartitions partitions, each a hash tag whose slot is placed evenly
// over the 16384 slots (busTags); a conversation's partition is a stable
// hash of its id, and its channel prefix:bus:{tag}:conv:<id>. Every other
// topic (agents: inbox and presence for every agent) shares the {presence}
// tag with the presence keys, one slot an operator can move apart. A node
// holds one connection per tag in use, all fanned in to one delivery
// goroutine: handlers see one event at a time, in registration order, in
// publish order per topic.
type Bus struct {
	c       *Client
	sharded bool
	in      chan busEvent

	mu        sync.Mutex
	handlers  []func(topic string, payload []byte)
	resubs    []func()
	conns     map[string]*busConn // by hash tag; "" for the one unsharded connection
	confirmed map[string]bool
	waiters   map[string][]chan struct{}
	resubAt   time.Time
	closed    bool

	forwarders sync.WaitGroup
	done       chan struct{}
	rehomes    atomic.Int64 // connections replaced after the server dropped them
}

// busConn is one pub/sub connection: the only one, or one hash tag's.
type busConn struct {
	tag string
	// op serialises what is done to ps: create, (un)subscribe, close.
	op sync.Mutex
	ps *goredis.PubSub

	// Under Bus.mu:
	cur      *goredis.PubSub // ps, for the delivery goroutine
	want     map[string]bool // channels subscribed by the caller
	unsubs   map[string]int  // our SUNSUBSCRIBE replies still to come
	rehoming bool
}

type busEvent struct {
	conn *busConn
	ps   *goredis.PubSub
	msg  any
}

// busPartitions is how many hash tags conversation topics are spread
// over in cluster mode. 24 divides evenly among 2, 3, 4, 6, 8 or 12 shards
// with the even slot ranges `redis-cli --cluster create` assigns, so each
// shard carries the same number of partitions.
const busPartitions = 24

// busTags are the partitions' hash tags: for partition p, the first
// "b<n>" whose slot falls in the middle half of the p-th 1/busPartitions
// of the slot space (away from the edges, where shard boundaries fall).
// Every node computes the same tags.
var busTags = func() [busPartitions]string {
	var tags [busPartitions]string
	for p := range tags {
		lo := (4*p + 1) * 16384 / (4 * busPartitions)
		hi := (4*p + 3) * 16384 / (4 * busPartitions)
		for n := 0; ; n++ {
			t := fmt.Sprint("b", n)
			if s := slot("{" + t + "}"); s >= lo && s < hi {
				tags[p] = t
				break
			}
		}
	}
	return tags
}()

// busGlobalTag carries the topics that are not a conversation's (agents).
const busGlobalTag = "presence"

// busTag is the hash tag of topic's channel in cluster mode.
func busTag(topic string) string {
	id, ok := strings.CutPrefix(topic, "conv:")
	if !ok {
		return busGlobalTag
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return busTags[h.Sum32()%busPartitions]
}

var errBusClosed = errors.New("redis bus: closed")

// NewBus starts the node's pub/sub. Register handlers with Handle and
// OnResubscribe before subscribing to topics.
func (c *Client) NewBus() *Bus {
	b := &Bus{
		c:         c,
		sharded:   c.cluster,
		in:        make(chan busEvent, 4096),
		conns:     map[string]*busConn{},
		confirmed: map[string]bool{},
		waiters:   map[string][]chan struct{}{},
		done:      make(chan struct{}),
	}
	if b.sharded {
		go func() {
			defer close(b.done)
			for ev := range b.in {
				b.handle(ev)
			}
		}()
		return b
	}
	// One connection: the delivery goroutine reads go-redis's channel
	// directly, with no hop through the fan-in channel.
	bc := newBusConn("")
	bc.ps = c.rdb.Subscribe(context.Background())
	bc.cur = bc.ps
	b.conns[""] = bc
	ps := bc.ps
	ch := channelOf(ps)
	go func() {
		defer close(b.done)
		for m := range ch {
			b.handle(busEvent{conn: bc, ps: ps, msg: m})
		}
	}()
	return b
}

func newBusConn(tag string) *busConn {
	return &busConn{tag: tag, want: map[string]bool{}, unsubs: map[string]int{}}
}

// forward starts ps's receiving goroutine and passes what it receives to
// the delivery goroutine.
func (b *Bus) forward(bc *busConn, ps *goredis.PubSub) {
	ch := channelOf(ps)
	b.forwarders.Add(1)
	go func() {
		defer b.forwarders.Done()
		for m := range ch {
			b.in <- busEvent{conn: bc, ps: ps, msg: m}
		}
	}()
}

// channelOf starts ps's receiving goroutine: messages and subscription
// confirmations, with a health check that reconnects a dead connection.
func channelOf(ps *goredis.PubSub) <-chan any {
	return ps.ChannelWithSubscriptions(
		goredis.WithChannelSize(4096),
		goredis.WithChannelHealthCheckInterval(3*time.Second),
	)
}

// Handle registers a handler for every message of the subscribed topics.
// Handlers run in registration order on the bus's one goroutine, in
// publish order per topic: a handler must not block.
func (b *Bus) Handle(h func(topic string, payload []byte)) {
	b.mu.Lock()
	b.handlers = append(b.handlers, h)
	b.mu.Unlock()
}

// OnResubscribe registers a handler called (at most once per reconnection)
// when a connection was re-established and live events may have been
// lost.
func (b *Bus) OnResubscribe(f func()) {
	b.mu.Lock()
	b.resubs = append(b.resubs, f)
	b.mu.Unlock()
}

// channel is topic's channel name and the tag of its connection.
func (b *Bus) channel(topic string) (string, string) {
	if !b.sharded {
		return b.c.key("bus", topic), ""
	}
	tag := busTag(topic)
	return b.c.key("bus") + ":{" + tag + "}:" + topic, tag
}

// topic is the topic of a channel name.
func (b *Bus) topic(channel string) string {
	rest := strings.TrimPrefix(channel, b.c.key("bus")+":")
	if b.sharded {
		if _, t, ok := strings.Cut(rest, "}:"); ok {
			return t
		}
	}
	return rest
}

// handle is the delivery goroutine's work for one thing received.
func (b *Bus) handle(ev busEvent) {
	switch m := ev.msg.(type) {
	case *goredis.Message:
		b.mu.Lock()
		hs := b.handlers
		b.mu.Unlock()
		topic, payload := b.topic(m.Channel), []byte(m.Payload)
		for _, h := range hs {
			h(topic, payload)
		}
	case *goredis.Subscription:
		switch m.Kind {
		case "subscribe", "ssubscribe":
			b.confirm(m.Channel)
		case "sunsubscribe":
			b.sunsubscribed(ev, m.Channel)
		}
	}
}

func (b *Bus) confirm(channel string) {
	b.mu.Lock()
	ws := b.waiters[channel]
	delete(b.waiters, channel)
	again := b.confirmed[channel] && len(ws) == 0
	b.confirmed[channel] = true
	fire := again && time.Since(b.resubAt) > time.Second
	if fire {
		b.resubAt = time.Now()
	}
	resubs := b.resubs
	b.mu.Unlock()
	for _, w := range ws {
		close(w)
	}
	if fire {
		// Off the delivery goroutine (a handler may publish or subscribe),
		// in registration order.
		go func() {
			for _, f := range resubs {
				f()
			}
		}()
	}
}

// sunsubscribed handles a sharded unsubscription: the answer to ours, or
// the server's own when the channel's slot left it (its master failed
// over while staying up, or the slot was resharded). Then the connection
// subscribes again where the slot now lives.
func (b *Bus) sunsubscribed(ev busEvent, channel string) {
	bc := ev.conn
	b.mu.Lock()
	defer b.mu.Unlock()
	if ev.ps != bc.cur {
		return // from a connection already replaced
	}
	if n := bc.unsubs[channel]; n > 0 {
		if n == 1 {
			delete(bc.unsubs, channel)
		} else {
			bc.unsubs[channel] = n - 1
		}
		return
	}
	if !bc.want[channel] || bc.rehoming || b.closed || b.conns[bc.tag] != bc {
		return
	}
	bc.rehoming = true
	go b.rehome(bc)
}

// rehome replaces a sharded connection whose subscriptions the server
// dropped with a new one on the server now holding the slot. The channels'
// confirmations fire OnResubscribe.
func (b *Bus) rehome(bc *busConn) {
	b.c.cc.ReloadState(context.Background())
	time.Sleep(100 * time.Millisecond) // let the slot map reload
	bc.op.Lock()
	defer bc.op.Unlock()
	b.mu.Lock()
	bc.rehoming = false
	live := !b.closed && b.conns[bc.tag] == bc && bc.ps != nil
	chans := make([]string, 0, len(bc.want))
	for ch := range bc.want {
		chans = append(chans, ch)
	}
	b.mu.Unlock()
	if !live || len(chans) == 0 {
		return
	}
	_ = bc.ps.Close()
	b.rehomes.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.openSharded(ctx, bc, chans...)
}

// openSharded gives bc a new sharded connection subscribed to chans (on
// error, go-redis keeps trying and subscribes them once connected). The
// caller holds bc.op.
func (b *Bus) openSharded(ctx context.Context, bc *busConn, chans ...string) error {
	// No channel yet: nothing is sent. The first SSubscribe connects to
	// the server of the channels' slot; the receiving goroutine starts
	// after it, so it never connects anywhere else first.
	ps := b.c.cc.SSubscribe(ctx)
	err := ps.SSubscribe(ctx, chans...)
	bc.ps = ps
	b.mu.Lock()
	bc.cur = ps
	clear(bc.unsubs)
	b.mu.Unlock()
	b.forward(bc, ps)
	return err
}

var errStaleConn = errors.New("redis bus: connection replaced")

// Subscribe starts delivery of topic and returns once Redis confirmed it,
// so an event published after Subscribe returns is delivered. On error the
// topic stays registered and is subscribed when the connection recovers.
func (b *Bus) Subscribe(ctx context.Context, topic string) error {
	ch, tag := b.channel(topic)
	w := make(chan struct{})
	b.mu.Lock()
	b.waiters[ch] = append(b.waiters[ch], w)
	b.mu.Unlock()
	for {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return errBusClosed
		}
		bc := b.conns[tag]
		if bc == nil {
			bc = newBusConn(tag)
			b.conns[tag] = bc
		}
		bc.want[ch] = true
		b.mu.Unlock()
		err := b.subscribeOn(ctx, bc, ch)
		if errors.Is(err, errStaleConn) {
			continue // unsubscribed and closed meanwhile: take the new one
		}
		if err != nil {
			return err
		}
		break
	}
	select {
	case <-w:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *Bus) subscribeOn(ctx context.Context, bc *busConn, ch string) error {
	bc.op.Lock()
	defer bc.op.Unlock()
	b.mu.Lock()
	stale := b.conns[bc.tag] != bc
	b.mu.Unlock()
	if stale {
		return errStaleConn
	}
	switch {
	case !b.sharded:
		return bc.ps.Subscribe(ctx, ch)
	case bc.ps == nil:
		return b.openSharded(ctx, bc, ch)
	default:
		return bc.ps.SSubscribe(ctx, ch)
	}
}

// Unsubscribe stops delivery of topics. A sharded connection left with no
// channel is closed (go-redis would reconnect it to any server).
func (b *Bus) Unsubscribe(ctx context.Context, topics ...string) error {
	type work struct {
		bc    *busConn
		chans []string
		drop  bool
	}
	var todo []*work
	at := map[*busConn]*work{}
	b.mu.Lock()
	for _, t := range topics {
		ch, tag := b.channel(t)
		delete(b.confirmed, ch)
		bc := b.conns[tag]
		if bc == nil || !bc.want[ch] {
			continue
		}
		delete(bc.want, ch)
		w := at[bc]
		if w == nil {
			w = &work{bc: bc}
			at[bc] = w
			todo = append(todo, w)
		}
		w.chans = append(w.chans, ch)
	}
	for _, w := range todo {
		if b.sharded && len(w.bc.want) == 0 {
			w.drop = true
			delete(b.conns, w.bc.tag)
			continue
		}
		for _, ch := range w.chans {
			w.bc.unsubs[ch]++
		}
	}
	b.mu.Unlock()
	var errs []error
	for _, w := range todo {
		w.bc.op.Lock()
		var err error
		switch {
		case w.drop:
			if w.bc.ps != nil {
				err = w.bc.ps.Close()
				w.bc.ps = nil
			}
		case b.sharded:
			err = w.bc.ps.SUnsubscribe(ctx, w.chans...)
		default:
			err = w.bc.ps.Unsubscribe(ctx, w.chans...)
		}
		w.bc.op.Unlock()
		if err != nil && !w.drop {
			b.mu.Lock()
			for _, ch := range w.chans {
				if w.bc.unsubs[ch]--; w.bc.unsubs[ch] <= 0 {
					delete(w.bc.unsubs, ch)
				}
			}
			b.mu.Unlock()
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Publish sends payload to every node subscribed to topic.
func (b *Bus) Publish(ctx context.Context, topic string, payload []byte) error {
	ch, _ := b.channel(topic)
	if b.sharded {
		return b.c.rdb.SPublish(ctx, ch, payload).Err()
	}
	return b.c.rdb.Publish(ctx, ch, payload).Err()
}

// PublishBatch sends events in order, pipelined: one round trip (in
// cluster mode, one per shard concerned, in parallel; order per topic
// holds, as a topic lives on one shard).
func (b *Bus) PublishBatch(ctx context.Context, events []chat.Published) error {
	if len(events) == 0 {
		return nil
	}
	if len(events) == 1 {
		return b.Publish(ctx, events[0].Topic, events[0].Payload)
	}
	pipe := b.c.rdb.Pipeline()
	for _, e := range events {
		ch, _ := b.channel(e.Topic)
		if b.sharded {
			pipe.SPublish(ctx, ch, e.Payload)
		} else {
			pipe.Publish(ctx, ch, e.Payload)
		}
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Close ends the pub/sub connections.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errBusClosed
	}
	b.closed = true
	conns := make([]*busConn, 0, len(b.conns))
	for _, bc := range b.conns {
		conns = append(conns, bc)
	}
	b.mu.Unlock()
	var errs []error
	for _, bc := range conns {
		bc.op.Lock()
		if bc.ps != nil {
			errs = append(errs, bc.ps.Close())
			bc.ps = nil
		}
		bc.op.Unlock()
	}
	b.forwarders.Wait()
	close(b.in)
	<-b.done
	return errors.Join(errs...)
}

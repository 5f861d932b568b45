package redis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/ratelimit"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// TestSentinel runs the contracts and the Sentinel-specific cases on one
// deployment of a master, a replica and three sentinels; the failover
// comes last.
func TestSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own Redis servers")
	}
	s := testenv.StartSentinel(t)
	tp := topology{Sentinel, s.URL()}
	t.Run("CoordinatorContract", func(t *testing.T) { coordinatorContract(t, tp) })
	t.Run("BusContract", func(t *testing.T) { busContract(t, tp) })
	t.Run("ScriptsSurviveAnEmptyScriptCache", func(t *testing.T) { scriptsSurviveFlush(t, tp) })
	t.Run("MasterKilled", func(t *testing.T) {
		failover(t, tp, func() string {
			m := s.KillMaster()
			return "sentinels promoted " + m
		})
	})
}

// TestCluster runs the contracts and the Cluster-specific cases on one
// 3-master cluster with a replica per master; the failovers come last.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own Redis servers")
	}
	rc := testenv.StartRedisCluster(t, 3, 1)
	tp := topology{Cluster, rc.URL()}
	t.Run("CoordinatorContract", func(t *testing.T) { coordinatorContract(t, tp) })
	t.Run("BusContract", func(t *testing.T) { busContract(t, tp) })
	t.Run("BusBatchOrderPerTopic", func(t *testing.T) { busBatchOrderPerTopic(t, tp) })
	t.Run("BusPartitionsEvenlyOverShards", func(t *testing.T) { busPartitionsPerShard(t, tp) })
	t.Run("ConversationTrafficSpreads", func(t *testing.T) { spread(t, tp, rc) })
	t.Run("LockManyOneRoundTripColdCache", func(t *testing.T) { lockManyAcrossSlots(t, tp) })
	t.Run("RateLimiter", func(t *testing.T) { rateLimiterOnCluster(t, tp) })
	t.Run("ScriptsSurviveAnEmptyScriptCache", func(t *testing.T) { scriptsSurviveFlush(t, tp) })
	t.Run("ShardFailover", func(t *testing.T) {
		failover(t, tp, func() string {
			old := rc.Masters()[0]
			m := rc.Failover(old)
			return "CLUSTER FAILOVER: " + m + " replaced " + old
		})
	})
	t.Run("ShardMasterKilled", func(t *testing.T) {
		failover(t, tp, func() string {
			// The previous failover's demoted master may still be joining
			// as a replica: kill a master whose replica is in place.
			old := masterWithReplica(t, rc)
			m := rc.KillMaster(old)
			return "SIGKILL " + old + ", " + m + " promoted"
		})
	})
	t.Run("ReadyWhileAShardIsDown", func(t *testing.T) {
		c := tp.open(t, "ready", "")
		// A node that runs (its slot map loaded) sees a shard go down
		// entirely, neither master nor replica: its slots are unserved.
		if err := c.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		lone := rc.Masters()[0]
		if rc.HasReplica(lone) {
			rc.Node(rc.ReplicaOf(lone)).Kill()
		}
		rc.Node(lone).Kill()
		var slowest time.Duration
		for i := 0; i < 5; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			start := time.Now()
			err := c.Ping(ctx)
			slowest = max(slowest, time.Since(start))
			cancel()
			if err != nil {
				t.Fatalf("ping %d with one shard down: %v", i, err)
			}
		}
		t.Logf("readiness ping with one shard down: slowest %s", slowest)
		if slowest > time.Second {
			t.Fatalf("readiness ping took %s with one shard down", slowest)
		}
	})
}

// busBatchOrderPerTopic: what TestBus's PublishBatchInOrder checks, per
// topic (sharded pub/sub orders events per topic only).
func busBatchOrderPerTopic(t *testing.T, tp topology) {
	prefix := testenv.UniqueName("bus")
	a, b := tp.open(t, prefix, "").NewBus(), tp.open(t, prefix, "").NewBus()
	defer a.Close()
	defer b.Close()
	got := map[string][]string{}
	var mu sync.Mutex
	b.Handle(func(topic string, p []byte) {
		mu.Lock()
		got[topic] = append(got[topic], string(p))
		mu.Unlock()
	})
	ctx := context.Background()
	topics := []string{"conv:1", "conv:2", "conv:3", "agents"}
	for _, topic := range topics {
		if err := b.Subscribe(ctx, topic); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{}
	for round := 0; round < 20; round++ {
		var batch []chat.Published
		for i := 0; i < 12; i++ {
			topic := topics[(round+i)%len(topics)]
			p := fmt.Sprint(round, "-", i)
			batch = append(batch, chat.Published{Topic: topic, Payload: []byte(p)})
			want[topic] = append(want[topic], p)
		}
		if err := a.PublishBatch(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	checkfor.Eventually(t, 5*time.Second, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		for _, topic := range topics {
			if len(got[topic]) < len(want[topic]) {
				return false, fmt.Sprintf("%s: %d of %d", topic, len(got[topic]), len(want[topic]))
			}
		}
		return true, ""
	})
	mu.Lock()
	defer mu.Unlock()
	for _, topic := range topics {
		if !slices.Equal(got[topic], want[topic]) {
			t.Fatalf("%s delivered %q, want %q", topic, got[topic], want[topic])
		}
	}
}

// masterSlots maps each master's address to the slot ranges it serves.
func masterSlots(t *testing.T, c *Client) map[string][][2]int64 {
	t.Helper()
	shards, err := c.cc.ClusterShards(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][2]int64{}
	for _, s := range shards {
		for _, n := range s.Nodes {
			if n.Role != "master" {
				continue
			}
			addr := fmt.Sprintf("%s:%d", n.IP, n.Port)
			for _, r := range s.Slots {
				out[addr] = append(out[addr], [2]int64{r.Start, r.End})
			}
		}
	}
	return out
}

func ownerOf(m map[string][][2]int64, slot int) string {
	for addr, ranges := range m {
		for _, r := range ranges {
			if int64(slot) >= r[0] && int64(slot) <= r[1] {
				return addr
			}
		}
	}
	return ""
}

// busPartitionsPerShard: the partitions' slots are spread so that each of
// the 3 masters (even slot ranges, as redis-cli --cluster create assigns)
// carries the same number of partitions; and likewise for 2, 4, 6 and 8
// masters, computed.
func busPartitionsPerShard(t *testing.T, tp topology) {
	c := tp.open(t, "p", "")
	owners := masterSlots(t, c)
	count := map[string]int{}
	prev := -1
	for p, tag := range busTags {
		s := slot("{" + tag + "}")
		if s <= prev {
			t.Fatalf("partition %d's slot %d not after %d", p, s, prev)
		}
		prev = s
		count[ownerOf(owners, s)]++
	}
	t.Logf("partitions per master: %v; tags %v", count, busTags)
	for addr, n := range count {
		if n != busPartitions/3 {
			t.Fatalf("master %s carries %d partitions, want %d: %v", addr, n, busPartitions/3, count)
		}
	}
	for _, shards := range []int{2, 4, 6, 8} {
		per := make([]int, shards)
		for _, tag := range busTags {
			// redis-cli --cluster create gives master i the slots from
			// i*16384/n (rounded as it does) on.
			s := slot("{" + tag + "}")
			per[int(float64(s)/(16384/float64(shards)))]++
		}
		for _, n := range per {
			if n != busPartitions/shards {
				t.Fatalf("%d shards: partitions per shard %v", shards, per)
			}
		}
	}
}

// convIDs are 24-hex-digit ids shaped like MongoDB ObjectIDs, the same on
// every run.
func convIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("6750%04x%016x", i, uint64(i)*0x9E3779B97F4A7C15)
	}
	return out
}

// commandCalls returns, per master, the calls of the commands a message
// costs (scripts and publishes) since the last CONFIG RESETSTAT.
func commandCalls(t *testing.T, c *Client) map[string]int {
	t.Helper()
	ctx := context.Background()
	out := map[string]int{}
	var mu sync.Mutex
	err := c.cc.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error {
		info, err := m.Info(ctx, "commandstats").Result()
		if err != nil {
			return err
		}
		n := 0
		for _, line := range strings.Split(info, "\n") {
			name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
			if !ok || !slices.Contains([]string{"cmdstat_evalsha", "cmdstat_eval", "cmdstat_spublish", "cmdstat_setnx", "cmdstat_set"}, name) {
				continue
			}
			calls, _, _ := strings.Cut(strings.TrimPrefix(rest, "calls="), ",")
			v, _ := strconv.Atoi(calls)
			n += v
		}
		mu.Lock()
		out[m.Options().Addr] = n
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// spread: 300 conversations, each seeded, a message reserved and its event
// published: the commands land on the 3 masters within ±20 % of the mean,
// and so do the keys.
func spread(t *testing.T, tp topology, rc *testenv.RedisCluster) {
	c := tp.open(t, testenv.UniqueName("s"), "")
	bus := c.NewBus()
	defer bus.Close()
	ctx := context.Background()
	if err := c.cc.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error {
		return m.ConfigResetStat(ctx).Err()
	}); err != nil {
		t.Fatal(err)
	}
	keysBefore := dbsizes(t, c)
	ids := convIDs(300)
	for _, id := range ids {
		if err := c.InitSeq(ctx, id, 0); err != nil {
			t.Fatal(err)
		}
		r := chat.Reservation{ConversationID: id, ClientID: "m1", Unread: "agent"}
		if _, err := c.Reserve(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := bus.Publish(ctx, "conv:"+id, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	calls := commandCalls(t, c)
	keys := dbsizes(t, c)
	for a := range keys {
		keys[a] -= keysBefore[a]
	}
	t.Logf("commands per master (SET NX, EVALSHA/EVAL, SPUBLISH) for 300 conversations: %v; new keys per master: %v", calls, keys)
	for what, m := range map[string]map[string]int{"commands": calls, "keys": keys} {
		if len(m) != 3 {
			t.Fatalf("%s on %d masters: %v", what, len(m), m)
		}
		total := 0
		for _, n := range m {
			total += n
		}
		mean := float64(total) / 3
		for addr, n := range m {
			if dev := math.Abs(float64(n)-mean) / mean; dev > 0.20 {
				t.Fatalf("%s: master %s has %d, %.0f%% off the mean %.0f (%v)", what, addr, n, 100*dev, mean, m)
			}
		}
	}
	_ = rc
}

func dbsizes(t *testing.T, c *Client) map[string]int {
	t.Helper()
	out := map[string]int{}
	var mu sync.Mutex
	if err := c.cc.ForEachMaster(context.Background(), func(ctx context.Context, m *goredis.Client) error {
		n, err := m.DBSize(ctx).Result()
		mu.Lock()
		out[m.Options().Addr] = int(n)
		mu.Unlock()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// lockManyAcrossSlots: locks of conversations on every shard are taken
// and released with one pipeline, on a cold script cache (SCRIPT FLUSH
// everywhere first), and a second holder gets none of them.
func lockManyAcrossSlots(t *testing.T, tp topology) {
	c := tp.open(t, testenv.UniqueName("l"), "")
	ctx := context.Background()
	names := make([]string, 40)
	for i, id := range convIDs(40) {
		names[i] = "conv:" + id
	}
	if groups := c.slotGroups(lockKeys(c, names)); len(groups) < 30 {
		t.Fatalf("%d slot groups for 40 unrelated lock names", len(groups))
	}
	flushScripts(t, c)
	got, err := c.TryLockMany(ctx, names, "n1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.TryLockMany(ctx, names, "n2", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for i := range names {
		if !got[i] || other[i] {
			t.Fatalf("lock %d: first holder %v, second %v", i, got[i], other[i])
		}
	}
	flushScripts(t, c)
	if err := c.UnlockMany(ctx, names, "n1"); err != nil {
		t.Fatal(err)
	}
	again, err := c.TryLockMany(ctx, names, "n2", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for i := range names {
		if !again[i] {
			t.Fatalf("lock %d still held after UnlockMany", i)
		}
	}
}

func lockKeys(c *Client, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = c.key("mutex", n)
	}
	return out
}

// flushScripts empties the script cache of every server, as a restart or
// a failover to a replica does.
func flushScripts(t *testing.T, c *Client) {
	t.Helper()
	ctx := context.Background()
	var err error
	if c.cc != nil {
		err = c.cc.ForEachShard(ctx, func(ctx context.Context, n *goredis.Client) error { return n.ScriptFlush(ctx).Err() })
	} else {
		err = c.rdb.ScriptFlush(ctx).Err()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// rateLimiterOnCluster: ulule/limiter's Redis store (one key per bucket,
// its scripts loaded on every shard) counts on a cluster client, also
// after the script caches were emptied.
func rateLimiterOnCluster(t *testing.T, tp topology) {
	c := tp.open(t, testenv.UniqueName("r"), "")
	rules := ratelimit.DefaultRules()
	l, err := ratelimit.New(c.Raw(), c.Prefix(), rules)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, ip := range []string{"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"} {
		if i == 2 {
			flushScripts(t, c)
		}
		for n := int64(0); n < rules["login-ip"].Limit; n++ {
			if w, err := l.Take(ctx, "login-ip", ip); err != nil || w != 0 {
				t.Fatalf("%s attempt %d: wait %d, %v", ip, n+1, w, err)
			}
		}
		if w, err := l.Take(ctx, "login-ip", ip); err != nil || w == 0 {
			t.Fatalf("%s over the limit: wait %d, %v", ip, w, err)
		}
	}
}

// scriptsSurviveFlush: every script of the coordinator works on an empty
// script cache (Redis restarted or failed over to a replica).
func scriptsSurviveFlush(t *testing.T, tp topology) {
	c := tp.open(t, testenv.UniqueName("f"), "")
	ctx := context.Background()
	steps := []struct {
		name string
		do   func() error
	}{
		{"claim", func() error { _, err := c.Claim(ctx, "c1", "an"); return err }},
		{"transfer", func() error { _, err := c.Transfer(ctx, "c1", "an", "binh"); return err }},
		{"init seq", func() error { return c.InitSeq(ctx, "c1", 0) }},
		{"reserve", func() error {
			_, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "m1", AgentID: "binh", Unread: "visitor"})
			return err
		}},
		{"reserve batch", func() error {
			rs := []chat.Reservation{{ConversationID: "c1", ClientID: "m2", Unread: "agent"}, {ConversationID: "c1", ClientID: "m3", Unread: "agent"}}
			out, errs := c.ReserveBatch(ctx, rs)
			if err := errors.Join(errs...); err != nil {
				return err
			}
			if out[1].Seq != out[0].Seq+1 {
				return fmt.Errorf("batch seqs %d, %d: want consecutive", out[0].Seq, out[1].Seq)
			}
			return nil
		}},
		{"unreserve", func() error {
			return c.Unreserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "m1", Unread: "visitor"}, 1)
		}},
		{"raise seq", func() error { return c.RaiseSeq(ctx, "c1", 5) }},
		{"reset unread", func() error { _, _, err := c.ResetUnread(ctx, "c1", "agent"); return err }},
		{"release", func() error { _, err := c.Release(ctx, "c1", "binh"); return err }},
		{"join", func() error { _, err := c.Join(ctx, "an", "n1", time.Minute); return err }},
		{"leave", func() error { _, err := c.Leave(ctx, "an", "n1"); return err }},
		{"reap", func() error { _, err := c.Reap(ctx); return err }},
		{"take offline", func() error { _, err := c.TakeOfflineSince(ctx, time.Now()); return err }},
		{"rotation", func() error { _, err := c.NextInRotation(ctx, []string{"an", "binh"}); return err }},
		{"lock", func() error {
			unlock, err := c.TryLock(ctx, "drain", "n1", time.Minute)
			if err == nil && unlock != nil {
				flushScripts(t, c)
				unlock()
				if again, _ := c.TryLock(ctx, "drain", "n2", time.Minute); again == nil {
					return fmt.Errorf("named lock still held after unlock on a cold script cache")
				}
			}
			return err
		}},
		{"lock many", func() error {
			_, err := c.TryLockMany(ctx, []string{"conv:a", "conv:b", "conv:c"}, "n1", time.Minute)
			return err
		}},
		{"unlock many", func() error { return c.UnlockMany(ctx, []string{"conv:a", "conv:b", "conv:c"}, "n1") }},
	}
	for _, s := range steps {
		flushScripts(t, c)
		if err := s.do(); err != nil {
			t.Fatalf("%s on an empty script cache: %v", s.name, err)
		}
	}
}

// failover subscribes a bus to conversation topics of every partition and
// to agents, keeps publishing to all of them from another node's bus,
// runs fail (a failover), and checks that OnResubscribe fired, that every
// topic delivers again, and that the coordinator serves writes again.
func failover(t *testing.T, tp topology, fail func() string) {
	prefix := testenv.UniqueName("fo")
	ca, cb := tp.open(t, prefix, ""), tp.open(t, prefix, "")
	a, b := ca.NewBus(), cb.NewBus()
	defer a.Close()
	defer b.Close()
	var mu sync.Mutex
	last := map[string]int{}
	a.Handle(func(topic string, p []byte) {
		n, _ := strconv.Atoi(string(p))
		mu.Lock()
		last[topic] = max(last[topic], n)
		mu.Unlock()
	})
	resub := make(chan time.Time, 16)
	a.OnResubscribe(func() { resub <- time.Now() })
	ctx := context.Background()
	topics := []string{"agents"}
	for _, id := range convIDs(96) {
		topics = append(topics, "conv:"+id)
	}
	for _, topic := range topics {
		if err := a.Subscribe(ctx, topic); err != nil {
			t.Fatal(err)
		}
	}
	// Steady traffic, before, during and after the failover.
	stop := make(chan struct{})
	var sent sync.WaitGroup
	var pubMu sync.Mutex
	published := 0
	sent.Add(1)
	go func() {
		defer sent.Done()
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			batch := make([]chat.Published, len(topics))
			for i, topic := range topics {
				batch[i] = chat.Published{Topic: topic, Payload: []byte(strconv.Itoa(n))}
			}
			pctx, cancel := context.WithTimeout(ctx, time.Second)
			if b.PublishBatch(pctx, batch) == nil {
				pubMu.Lock()
				published = n
				pubMu.Unlock()
			}
			cancel()
		}
	}()
	defer func() { close(stop); sent.Wait() }()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	t.Log(fail())
	t.Logf("failover done after %.1fs", time.Since(start).Seconds())
	select {
	case at := <-resub:
		t.Logf("OnResubscribe %.1fs after the failover began", at.Sub(start).Seconds())
	case <-time.After(20 * time.Second):
		t.Fatal("no OnResubscribe after the failover")
	}
	// Every topic delivers what is published from now on.
	pubMu.Lock()
	mark := published
	pubMu.Unlock()
	checkfor.Eventually(t, 20*time.Second, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		var behind []string
		for _, topic := range topics {
			if last[topic] <= mark {
				behind = append(behind, topic)
			}
		}
		return len(behind) == 0, fmt.Sprintf("%d topics deliver nothing after publish %d: %v", len(behind), mark, behind[:min(3, len(behind))])
	})
	t.Logf("every topic delivers again %.1fs after the failover began; %d rehomed connection(s)", time.Since(start).Seconds(), a.rehomes.Load())
	// The coordinator writes on the new masters, scripts included.
	checkfor.Eventually(t, 20*time.Second, func() (bool, string) {
		for _, id := range convIDs(30) {
			if _, err := ca.Claim(ctx, id, "an"); err != nil {
				return false, err.Error()
			}
		}
		return true, ""
	})
	t.Logf("claims on every shard answer %.1fs after the failover began", time.Since(start).Seconds())
}

// masterWithReplica waits for a master with a live replica and returns it.
func masterWithReplica(t *testing.T, rc *testenv.RedisCluster) string {
	t.Helper()
	var found string
	checkfor.Eventually(t, 15*time.Second, func() (bool, string) {
		masters := rc.Masters()
		for _, m := range masters {
			if rc.HasReplica(m) {
				found = m
				return true, ""
			}
		}
		return false, fmt.Sprint("no master with a replica among ", masters)
	})
	return found
}

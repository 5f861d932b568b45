package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/inmem"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// testDesk is one node's core on the in-memory adapters (held to the same
// contract as the real ones by internal/desk/desktest), with a manual clock
// shared by the core and the coordinator, and a second bus that watches
// what the core publishes.
type testDesk struct {
	t      *testing.T
	core   *Core
	store  *inmem.Store
	coord  *inmem.Coordinator
	clock  *inmem.ManualClock
	broker *inmem.Broker
	events *eventLog
	ctx    context.Context
	bus    *inmem.Bus
	// connected are the agents with a socket on this node: advance
	// heartbeats them as the node would.
	connected map[string]bool
}

type testOptions struct {
	bot    BotClient
	window time.Duration
	grace  time.Duration
	// store and coord, when set, are shared with another testDesk: two
	// nodes of one cluster.
	peer *testDesk
	// seed writes to the store before the core starts.
	seed func(*inmem.Store)
}

func newTestDesk(t *testing.T, opt testOptions) *testDesk {
	t.Helper()
	d := &testDesk{t: t, ctx: context.Background(), connected: map[string]bool{}}
	if opt.peer != nil {
		d.store, d.coord, d.clock, d.broker = opt.peer.store, opt.peer.coord, opt.peer.clock, opt.peer.broker
	} else {
		d.store = inmem.NewStore()
		d.clock = inmem.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
		d.coord = inmem.NewCoordinator(d.clock.Now)
		d.broker = inmem.NewBroker()
	}
	if opt.seed != nil {
		opt.seed(d.store)
	}
	tokens, err := auth.NewTokens(strings.Repeat("k", 32)+"-unit-test-secret", time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bus := d.broker.Bus()
	d.bus = bus
	d.core = New(Deps{Store: d.store, Coord: d.coord, Bus: bus, Tokens: tokens, Bot: opt.bot}, Config{
		NodeID: fmt.Sprintf("node-%p", d), Clock: d.clock.Now, UpdateWindow: opt.window, Grace: opt.grace,
		// The janitor is driven by the tests (janitor.tick), not by time.
		JanitorEvery: time.Hour,
	})
	if err := d.core.Setup(d.ctx); err != nil {
		t.Fatal(err)
	}
	d.events = watch(t, d.broker)
	d.core.Start()
	t.Cleanup(d.core.Stop)
	return d
}

// busOf is this node's bus (Disconnect/Reconnect simulate a connection
// cut and re-established).
func (d *testDesk) busOf() *inmem.Bus { return d.bus }

// agent adds an enabled agent straight to the store (no bcrypt).
func (d *testDesk) agent(name string, role chat.Role) *chat.Agent {
	d.t.Helper()
	a := &chat.Agent{ID: chat.NewID(), Email: strings.ToLower(name) + "@chatdesk.local", Name: name, Role: role}
	if err := d.store.CreateAgent(d.ctx, a); err != nil {
		d.t.Fatal(err)
	}
	return a
}

// online connects an agent as a node does on its first socket.
func (d *testDesk) online(a *chat.Agent) {
	d.core.Presence.AgentOnline(d.ctx, a)()
	d.connected[a.ID] = true
}

// offline closes the agent's last socket on this node.
func (d *testDesk) offline(a *chat.Agent) {
	d.core.Presence.AgentOffline(d.ctx, a)
	delete(d.connected, a.ID)
}

// advance moves time on, with the presence heartbeats this node's
// connected agents would send meanwhile.
func (d *testDesk) advance(by time.Duration) {
	d.t.Helper()
	step := d.core.Presence.HeartbeatEvery()
	for by > 0 {
		dt := min(step, by)
		d.clock.Advance(dt)
		by -= dt
		ids := make([]string, 0, len(d.connected))
		for id := range d.connected {
			ids = append(ids, id)
		}
		if err := d.core.Presence.Heartbeat(d.ctx, ids); err != nil {
			d.t.Fatal(err)
		}
	}
}

func (d *testDesk) newConversation(name, message string) *chat.Conversation {
	d.t.Helper()
	created, err := d.core.Conversations.CreateConversation(d.ctx, NewConversation{
		Fields: map[string]any{chat.KeyName: name, chat.KeyPhone: "0912345678", chat.KeyMessage: message},
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return created.Conversation
}

func (d *testDesk) conversation(id string) *chat.Conversation {
	d.t.Helper()
	c, err := d.store.Conversation(d.ctx, id)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

func (d *testDesk) transcript(id string) []*chat.Message {
	d.t.Helper()
	ms, err := d.store.MessagesAfter(d.ctx, id, 0, MaxReplay)
	if err != nil {
		d.t.Fatal(err)
	}
	return ms
}

func visitorOf(c *chat.Conversation) Actor { return Actor{Visitor: true, ConversationID: c.ID} }

func agentActor(a *chat.Agent) Actor { return Actor{Agent: a} }

// assertGapFree fails unless the stored seqs are 1…n with no repeat.
func assertGapFree(t *testing.T, ms []*chat.Message) {
	t.Helper()
	for i, m := range ms {
		if m.Seq != int64(i+1) {
			var seqs []int64
			for _, m := range ms {
				seqs = append(seqs, m.Seq)
			}
			t.Fatalf("seqs %v are not 1…%d", seqs, len(ms))
		}
	}
}

// eventLog records what reaches another node: every event of the agents
// topic and of the conversation topics it is told to follow.
type eventLog struct {
	bus *inmem.Bus
	mu  sync.Mutex
	got []recorded
}

type recorded struct {
	topic string
	head  protocol.EventHead
}

func watch(t *testing.T, broker *inmem.Broker) *eventLog {
	l := &eventLog{bus: broker.Bus()}
	l.bus.Handle(func(topic string, payload []byte) {
		var h protocol.EventHead
		if err := json.Unmarshal(payload, &h); err != nil {
			t.Errorf("undecodable event on %s: %s", topic, payload)
			return
		}
		l.mu.Lock()
		l.got = append(l.got, recorded{topic, h})
		l.mu.Unlock()
	})
	if err := l.bus.Subscribe(context.Background(), AgentsTopic); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.bus.Close() })
	return l
}

// matching returns the events of type typ that pass keep.
func (l *eventLog) matching(typ string, keep func(recorded) bool) []recorded {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []recorded
	for _, r := range l.got {
		if r.head.Type == typ && (keep == nil || keep(r)) {
			out = append(out, r)
		}
	}
	return out
}

// summary lists the last events, for failure messages.
func (l *eventLog) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, r := range l.got[max(0, len(l.got)-20):] {
		fmt.Fprintf(&b, "%s %s; ", r.topic, r.head.Type)
	}
	return b.String()
}

// eventually waits for cond, reporting state on timeout.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	checkfor.Eventually(t, 5*time.Second, func() (bool, string) {
		ok, state := cond()
		return ok, what + ": " + state
	})
}

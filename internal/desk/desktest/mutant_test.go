package desktest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

// A contract only keeps fakes honest if it fails them when they drift.
// Each mutant below is internal/inmem with one plausible drift; the suites
// run against every mutant in a child process, and each must be caught by
// the case named here.
var mutants = []struct {
	name   string
	run    func(t *testing.T)
	caught string // the failing case that must report it
}{
	{"NilEmptyList", func(t *testing.T) {
		desktest.TestStore(t, func(*testing.T) desk.Store { return nilAgents{inmem.NewStore()} })
	}, "Agents"},
	{"SeqDuplicateWinsOverClientID", func(t *testing.T) {
		desktest.TestStore(t, func(*testing.T) desk.Store { return seqWins{inmem.NewStore()} })
	}, "MessageUniqueKeys"},
	{"ClaimOverwrites", func(t *testing.T) {
		desktest.TestCoordinator(t, manual(func(c *inmem.Coordinator) desk.Coordinator { return claimOverwrites{c} }))
	}, "ReplyLocks/ClaimTransferRelease"},
	{"UnreserveKeepsSeq", func(t *testing.T) {
		desktest.TestCoordinator(t, manual(func(c *inmem.Coordinator) desk.Coordinator { return releaseKeeps{c} }))
	}, "Sequencer/Steps"},
	{"RotationTiesToGreaterID", func(t *testing.T) {
		desktest.TestCoordinator(t, manual(newTiesReversed))
	}, "Rotation/OldestTurnFirstTiesByID"},
	{"HandlersReversed", func(t *testing.T) { desktest.TestBus(t, busPair(newReversed)) }, "HandlersInRegistrationOrder"},
	{"UnsubscribeIgnored", func(t *testing.T) { desktest.TestBus(t, busPair(newSticky)) }, "UnsubscribeStopsDelivery"},
}

// TestMutants is run by TestSuitesCatchDrift in a child process.
func TestMutants(t *testing.T) {
	if os.Getenv("DESKTEST_MUTANTS") == "" {
		t.Skip("run by TestSuitesCatchDrift")
	}
	for _, m := range mutants {
		t.Run(m.name, m.run)
	}
}

func TestSuitesCatchDrift(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every suite against every mutant")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMutants$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "DESKTEST_MUTANTS=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("every mutant passed the contracts:\n%s", out)
	}
	for _, m := range mutants {
		line := "--- FAIL: TestMutants/" + m.name + "/" + m.caught
		if !strings.Contains(string(out), line+" ") && !strings.Contains(string(out), line+"/") {
			t.Errorf("mutant %s not caught by %s", m.name, m.caught)
		}
	}
	if t.Failed() {
		t.Logf("child output:\n%s", out)
	}
}

func manual(wrap func(*inmem.Coordinator) desk.Coordinator) desktest.NewCoordinator {
	return func(*testing.T) (desk.Coordinator, desktest.Clock) {
		clock := inmem.NewManualClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
		return wrap(inmem.NewCoordinator(clock.Now)), clock
	}
}

// nilAgents returns nil for no agents: JSON null instead of [].
type nilAgents struct{ *inmem.Store }

func (s nilAgents) Agents(ctx context.Context) ([]*chat.Agent, error) {
	list, err := s.Store.Agents(ctx)
	if len(list) == 0 {
		return nil, err
	}
	return list, err
}

// seqWins reports a resend that reused its seq as a seq collision.
type seqWins struct{ *inmem.Store }

func (s seqWins) InsertMessage(ctx context.Context, m *chat.Message) error {
	err := s.Store.InsertMessage(ctx, m)
	if errors.Is(err, chat.ErrDuplicateClientID) {
		if max, _ := s.MaxSeq(ctx, m.ConversationID); m.Seq <= max {
			return chat.ErrDuplicateSeq
		}
	}
	return err
}

// claimOverwrites lets the last claim win.
type claimOverwrites struct{ *inmem.Coordinator }

func (c claimOverwrites) Claim(ctx context.Context, conv, agent string) (string, error) {
	if o, ok, _ := c.Owner(ctx, conv); ok {
		return c.Transfer(ctx, conv, o, agent)
	}
	return c.Coordinator.Claim(ctx, conv, agent)
}

// releaseKeeps never gives a seq back, only the client id and the count.
type releaseKeeps struct{ *inmem.Coordinator }

func (c releaseKeeps) Unreserve(ctx context.Context, r chat.Reservation, _ int64) error {
	return c.Coordinator.Unreserve(ctx, r, 0)
}

// tiesReversed is a rotation whose ties go to the greater id.
type tiesReversed struct {
	*inmem.Coordinator
	mu     *sync.Mutex
	turns  map[string]int
	ticket *int
}

func newTiesReversed(c *inmem.Coordinator) desk.Coordinator {
	return tiesReversed{c, &sync.Mutex{}, map[string]int{}, new(int)}
}

func (c tiesReversed) NextInRotation(_ context.Context, candidates []string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	best := ""
	for _, a := range candidates {
		if best == "" || c.turns[a] < c.turns[best] || (c.turns[a] == c.turns[best] && a > best) {
			best = a
		}
	}
	if best != "" {
		*c.ticket++
		c.turns[best] = *c.ticket
	}
	return best, nil
}

func busPair(wrap func(*inmem.Bus) desktest.Bus) func(t *testing.T) desktest.Buses {
	return func(t *testing.T) desktest.Buses {
		br := inmem.NewBroker()
		a, b := br.Bus(), br.Bus()
		t.Cleanup(func() { a.Close(); b.Close() })
		return desktest.Buses{A: wrap(a), B: wrap(b)}
	}
}

// reversed calls the handlers last registered first.
type reversed struct {
	*inmem.Bus
	mu sync.Mutex
	hs []func(string, []byte)
}

func newReversed(b *inmem.Bus) desktest.Bus {
	r := &reversed{Bus: b}
	b.Handle(func(topic string, payload []byte) {
		r.mu.Lock()
		hs := slices.Clone(r.hs)
		r.mu.Unlock()
		for _, h := range hs {
			h(topic, payload)
		}
	})
	return r
}

func (r *reversed) Handle(h func(string, []byte)) {
	r.mu.Lock()
	r.hs = append([]func(string, []byte){h}, r.hs...)
	r.mu.Unlock()
}

// sticky ignores Unsubscribe.
type sticky struct{ *inmem.Bus }

func newSticky(b *inmem.Bus) desktest.Bus { return sticky{b} }

func (sticky) Unsubscribe(context.Context, ...string) error { return nil }

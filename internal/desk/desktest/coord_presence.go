package desktest

import (
	"slices"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/desk"
)

// The presence cases wait on the clock for members to expire. Against a
// real server the margins are wide in the safe direction: a member meant
// to be alive gets seconds, one meant to expire gets waited out.
const (
	shortTTL = 300 * time.Millisecond
	pastTTL  = 450 * time.Millisecond // waited so that shortTTL has run out
	longTTL  = 30 * time.Second
)

var presenceCases = []coordCase{
	{"JoinAndLeaveAcrossNodes", testJoinLeave},
	{"ExpiredMembersDoNotCount", testExpiredMembers},
	{"HeartbeatExtends", testHeartbeat},
	{"ReapReportsEachAgentOnce", testReapOnce},
	{"TakeOfflineSinceHandsEachAgentOnce", testTakeOffline},
	{"HeartbeatRestoresAForgottenMember", testHeartbeatRestores},
	{"NodeIDsAreFreeText", testNodeIDWithSeparator},
	{"Away", testAway},
}

func online(t *testing.T, c desk.Coordinator) []string {
	t.Helper()
	ids, err := c.OnlineAgents(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	return sorted(ids)
}

func testJoinLeave(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	if ids := online(t, c); len(ids) != 0 {
		t.Fatalf("online before any join: %v", ids)
	}
	steps := []struct {
		name   string
		do     func() (bool, error)
		want   bool
		online []string
	}{
		{"first join comes online", func() (bool, error) { return c.Join(ctx, "an", "n1", longTTL) }, true, []string{"an"}},
		{"join on a second node", func() (bool, error) { return c.Join(ctx, "an", "n2", longTTL) }, false, []string{"an"}},
		{"join again on a node", func() (bool, error) { return c.Join(ctx, "an", "n1", longTTL) }, false, []string{"an"}},
		{"another agent", func() (bool, error) { return c.Join(ctx, "anh", "n1", longTTL) }, true, []string{"an", "anh"}},
		{"leave one node of two", func() (bool, error) { return c.Leave(ctx, "an", "n1") }, false, []string{"an", "anh"}},
		{"leave the last node", func() (bool, error) { return c.Leave(ctx, "an", "n2") }, true, []string{"anh"}},
		{"leave again", func() (bool, error) { return c.Leave(ctx, "an", "n2") }, false, []string{"anh"}},
		{"leave of a node never joined", func() (bool, error) { return c.Leave(ctx, "anh", "n9") }, false, []string{"anh"}},
		{"leave of an unknown agent", func() (bool, error) { return c.Leave(ctx, "ghost", "n1") }, false, []string{"anh"}},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil || got != s.want {
			t.Fatalf("%s: %v, %v; want %v", s.name, got, err, s.want)
		}
		if ids := online(t, c); !slices.Equal(ids, s.online) {
			t.Fatalf("%s: online %v, want %v", s.name, ids, s.online)
		}
	}
}

// testExpiredMembers: a crashed node's member, once expired, neither keeps
// the agent online nor counts as another node holding a socket.
func testExpiredMembers(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	for _, j := range []struct{ agent, node string }{{"an", "crashed"}, {"binh", "crashed"}} {
		if _, err := c.Join(ctx, j.agent, j.node, shortTTL); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Join(ctx, "an", "n2", longTTL); err != nil {
		t.Fatal(err)
	}
	clock.Sleep(pastTTL)
	if ids := online(t, c); !slices.Equal(ids, []string{"an"}) {
		t.Fatalf("online %v, want [an]: binh's only member expired", ids)
	}
	if came, err := c.Join(ctx, "binh", "n2", longTTL); err != nil || !came {
		t.Fatalf("join after the only member expired: came online %v, %v; want true", came, err)
	}
	if gone, err := c.Leave(ctx, "an", "n2"); err != nil || !gone {
		t.Fatalf("leaving while the other member expired: went offline %v, %v; want true", gone, err)
	}
}

func testHeartbeat(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	for _, a := range []string{"an", "binh"} {
		if _, err := c.Join(ctx, a, "n1", shortTTL); err != nil {
			t.Fatal(err)
		}
	}
	clock.Sleep(shortTTL / 2)
	must(t, c.Heartbeat(ctx, "n1", []string{"an"}, longTTL))
	must(t, c.Heartbeat(ctx, "n1", nil, longTTL))
	clock.Sleep(pastTTL)
	if ids := online(t, c); !slices.Equal(ids, []string{"an"}) {
		t.Fatalf("online %v, want [an]: only an's member was refreshed", ids)
	}
	gone, err := c.Reap(ctx)
	if err != nil || !slices.Equal(gone, []string{"binh"}) {
		t.Fatalf("Reap = %v, %v; want [binh]", gone, err)
	}
}

// testReapOnce: expired members turn into one offline transition per
// agent, reported to one of the racing reapers; an agent alive on another
// node is not reported.
func testReapOnce(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	joins := []struct {
		agent, node string
		ttl         time.Duration
	}{
		{"an", "crashed", shortTTL},
		{"binh", "crashed", shortTTL},
		{"binh", "alive", longTTL},
		{"chi", "crashed", shortTTL},
		{"chi", "crashed2", shortTTL},
		{"dung", "alive", longTTL},
	}
	for _, j := range joins {
		if _, err := c.Join(ctx, j.agent, j.node, j.ttl); err != nil {
			t.Fatal(err)
		}
	}
	if gone, err := c.Reap(ctx); err != nil || len(gone) != 0 {
		t.Fatalf("Reap before any expiry = %v, %v", gone, err)
	}
	clock.Sleep(pastTTL)
	results := race(8, func(int) []string {
		gone, err := c.Reap(ctx)
		if err != nil {
			t.Error(err)
		}
		return gone
	})
	var all []string
	for _, r := range results {
		all = append(all, r...)
	}
	if got := sorted(all); !slices.Equal(got, []string{"an", "chi"}) {
		t.Fatalf("racing reapers reported %v (per reaper %v), want an and chi once each", got, results)
	}
	if gone, err := c.Reap(ctx); err != nil || len(gone) != 0 {
		t.Fatalf("second Reap = %v, %v; want none", gone, err)
	}
	if ids := online(t, c); !slices.Equal(ids, []string{"binh", "dung"}) {
		t.Fatalf("online %v, want [binh dung]", ids)
	}
	// Reaped agents are offline from now, for the grace period.
	taken, err := c.TakeOfflineSince(ctx, clock.Now())
	if err != nil || !slices.Equal(sorted(taken), []string{"an", "chi"}) {
		t.Fatalf("TakeOfflineSince(now) = %v, %v; want [an chi]", taken, err)
	}
}

// testTakeOffline: an agent offline since before the cutoff is handed to
// exactly one caller; coming back online withdraws the record.
func testTakeOffline(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	before := clock.Now().Add(-time.Second)
	for _, a := range []string{"an", "binh", "chi"} {
		if _, err := c.Join(ctx, a, "n1", longTTL); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Leave(ctx, a, "n1"); err != nil {
			t.Fatal(err)
		}
	}
	if taken, err := c.TakeOfflineSince(ctx, before); err != nil || len(taken) != 0 {
		t.Fatalf("TakeOfflineSince(before they left) = %v, %v; want none", taken, err)
	}
	if _, err := c.Join(ctx, "chi", "n2", longTTL); err != nil {
		t.Fatal(err)
	}
	results := race(8, func(int) []string {
		taken, err := c.TakeOfflineSince(ctx, clock.Now())
		if err != nil {
			t.Error(err)
		}
		return taken
	})
	var all []string
	for _, r := range results {
		all = append(all, r...)
	}
	if got := sorted(all); !slices.Equal(got, []string{"an", "binh"}) {
		t.Fatalf("racing takers got %v, want an and binh once each (chi is back)", got)
	}
	if taken, err := c.TakeOfflineSince(ctx, clock.Now()); err != nil || len(taken) != 0 {
		t.Fatalf("second take = %v, %v; want none", taken, err)
	}
}

func testAway(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	steps := []struct {
		agent string
		away  bool
		want  map[string]bool
	}{
		{"an", true, map[string]bool{"an": true}},
		{"binh", true, map[string]bool{"an": true, "binh": true}},
		{"an", true, map[string]bool{"an": true, "binh": true}},
		{"an", false, map[string]bool{"binh": true}},
		{"chi", false, map[string]bool{"binh": true}},
	}
	if got, err := c.AwayAgents(ctx); err != nil || len(got) != 0 {
		t.Fatalf("AwayAgents before any = %v, %v", got, err)
	}
	for i, s := range steps {
		must(t, c.SetAway(ctx, s.agent, s.away))
		got, err := c.AwayAgents(ctx)
		if err != nil || len(got) != len(s.want) {
			t.Fatalf("step %d: AwayAgents = %v, %v; want %v", i, got, err, s.want)
		}
		for a := range s.want {
			if !got[a] {
				t.Fatalf("step %d: AwayAgents = %v, want %v", i, got, s.want)
			}
		}
	}
}

// testHeartbeatRestores: a heartbeat adds the members it refreshes, so
// presence comes back by itself after the server forgot it (Redis
// restarted without persistence).
func testHeartbeatRestores(t *testing.T, c desk.Coordinator, _ Clock) {
	must(t, c.Heartbeat(ctxT(t), "n1", []string{"an", "binh"}, longTTL))
	if ids := online(t, c); !slices.Equal(ids, []string{"an", "binh"}) {
		t.Fatalf("online after a heartbeat of unknown members: %v, want [an binh]", ids)
	}
	if gone, err := c.Leave(ctxT(t), "an", "n1"); err != nil || !gone {
		t.Fatalf("leave of a restored member: went offline %v, %v; want true", gone, err)
	}
}

// testNodeIDWithSeparator: a node id is configuration (CHATDESK_NODE_ID),
// free text; one containing the member separator "|" still yields the
// agent's own id everywhere, and still keeps its agent alive.
func testNodeIDWithSeparator(t *testing.T, c desk.Coordinator, clock Clock) {
	ctx := ctxT(t)
	joins := []struct {
		agent, node string
		ttl         time.Duration
	}{
		{"an", "rack|1", shortTTL},
		{"binh", "rack|2", longTTL}, // keeps binh online
		{"binh", "n3", shortTTL},
	}
	for _, j := range joins {
		if _, err := c.Join(ctx, j.agent, j.node, j.ttl); err != nil {
			t.Fatal(err)
		}
	}
	if ids := online(t, c); !slices.Equal(ids, []string{"an", "binh"}) {
		t.Fatalf("online %v, want [an binh]", ids)
	}
	clock.Sleep(pastTTL)
	if gone, err := c.Reap(ctx); err != nil || !slices.Equal(gone, []string{"an"}) {
		t.Fatalf("Reap = %q, %v; want [an]", gone, err)
	}
	if taken, err := c.TakeOfflineSince(ctx, clock.Now()); err != nil || !slices.Equal(taken, []string{"an"}) {
		t.Fatalf("TakeOfflineSince = %q, %v; want [an]", taken, err)
	}
}

package desktest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

var sequencerCases = []coordCase{
	{"Steps", testSeqSteps},
	{"GapFreeUnderConcurrency", testSeqConcurrency},
	{"ReserveChecksTheReplyLockAndCountsUnread", testReserveChecks},
	{"ReserveBatchAnswersEachInOrder", testReserveBatch},
}

// seqStep is one call of a sequencer scenario.
type seqStep struct {
	do     string // next (Reserve), init, raise, release (Unreserve), current
	conv   string // "" is c1
	cid    string
	n      int64 // init and raise: the value; release: the seq
	want   int64 // next: the seq; current: the counter, -1 for unknown
	reused bool
	err    error
}

func testSeqSteps(t *testing.T, c desk.Coordinator, _ Clock) {
	scenarios := []struct {
		name  string
		steps []seqStep
	}{
		{"an unknown counter is seeded once", []seqStep{
			{do: "next", cid: "m1", err: chat.ErrSeqUnknown},
			{do: "current", want: -1},
			{do: "init", n: 4},
			{do: "init", n: 1}, // another node seeded it first: no lower
			{do: "init", n: 9}, // nor higher
			{do: "current", want: 4},
			{do: "next", cid: "m1", want: 5},
			{do: "current", want: 5},
		}},
		{"a resend reuses its seq", []seqStep{
			{do: "init", n: 0},
			{do: "next", cid: "m1", want: 1},
			{do: "next", cid: "m1", want: 1, reused: true},
			{do: "next", cid: "m2", want: 2},
			{do: "next", cid: "m1", want: 1, reused: true},
			{do: "current", want: 2},
		}},
		{"releasing the last seq pulls the counter down", []seqStep{
			{do: "init", n: 0},
			{do: "next", cid: "a", want: 1},
			{do: "next", cid: "b", want: 2},
			{do: "release", cid: "b", n: 2},
			{do: "current", want: 1},
			{do: "next", cid: "b", want: 2}, // the reservation went with it
			{do: "next", cid: "c", want: 3},
		}},
		{"releasing an earlier seq makes a hole the next message fills", []seqStep{
			{do: "init", n: 0},
			{do: "next", cid: "a", want: 1},
			{do: "next", cid: "b", want: 2},
			{do: "next", cid: "c", want: 3},
			{do: "release", cid: "b", n: 2},
			{do: "current", want: 3},
			{do: "next", cid: "d", want: 2},
			{do: "next", cid: "e", want: 4},
		}},
		{"holes are filled lowest first", []seqStep{
			{do: "init", n: 0},
			{do: "next", cid: "a", want: 1},
			{do: "next", cid: "b", want: 2},
			{do: "next", cid: "c", want: 3},
			{do: "next", cid: "d", want: 4},
			{do: "release", cid: "c", n: 3},
			{do: "release", cid: "b", n: 2},
			{do: "next", cid: "e", want: 2},
			{do: "next", cid: "f", want: 3},
			{do: "next", cid: "g", want: 5},
		}},
		{"releasing the last seq folds the holes below it", []seqStep{
			{do: "init", n: 0},
			{do: "next", cid: "a", want: 1},
			{do: "next", cid: "b", want: 2},
			{do: "next", cid: "c", want: 3},
			{do: "release", cid: "b", n: 2},
			{do: "release", cid: "c", n: 3},
			{do: "current", want: 1},
			{do: "next", cid: "d", want: 2},
			{do: "next", cid: "e", want: 3},
			{do: "current", want: 3},
		}},
		{"giving back seq 0 frees the client id only", []seqStep{
			{do: "init", n: 0},
			{do: "next", cid: "a", want: 1},
			{do: "release", cid: "a", n: 0},
			{do: "current", want: 1},
			{do: "next", cid: "a", want: 2},
			{do: "release", cid: "never", n: 0},
			{do: "current", want: 2},
		}},
		{"raise lifts, never lowers", []seqStep{
			{do: "init", n: 3},
			{do: "raise", n: 10},
			{do: "current", want: 10},
			{do: "raise", n: 5},
			{do: "current", want: 10},
			{do: "next", cid: "x", want: 11},
		}},
		{"raise seeds an unknown counter above zero", []seqStep{
			{do: "raise", n: 0},
			{do: "current", want: -1},
			{do: "raise", n: 7},
			{do: "current", want: 7},
			{do: "next", cid: "x", want: 8},
		}},
		{"counters and client ids are per conversation", []seqStep{
			{do: "init", n: 5},
			{do: "next", conv: "c2", cid: "x", err: chat.ErrSeqUnknown},
			{do: "init", conv: "c2", n: 0},
			{do: "next", cid: "x", want: 6},
			{do: "next", conv: "c2", cid: "x", want: 1},
			{do: "release", conv: "c2", cid: "x", n: 1},
			{do: "current", want: 6},
			{do: "current", conv: "c2", want: 0},
			{do: "next", cid: "x", want: 6, reused: true},
		}},
	}
	for si, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			ctx := ctxT(t)
			prefix := fmt.Sprint("s", si, "-") // scenarios share the coordinator
			for i, s := range sc.steps {
				conv := prefix + "c1"
				if s.conv != "" {
					conv = prefix + s.conv
				}
				var err error
				switch s.do {
				case "next":
					var seq int64
					var reused bool
					var res chat.Reserved
					res, err = c.Reserve(ctx, chat.Reservation{ConversationID: conv, ClientID: s.cid})
					seq, reused = res.Seq, res.Reused
					if s.err == nil && err == nil && (seq != s.want || reused != s.reused) {
						t.Fatalf("step %d: Reserve(%s, %s) = %d, reused %v; want %d, %v", i, s.conv, s.cid, seq, reused, s.want, s.reused)
					}
				case "init":
					err = c.InitSeq(ctx, conv, s.n)
				case "raise":
					err = c.RaiseSeq(ctx, conv, s.n)
				case "release":
					err = c.Unreserve(ctx, chat.Reservation{ConversationID: conv, ClientID: s.cid}, s.n)
				case "current":
					var seq int64
					var ok bool
					seq, ok, err = c.CurrentSeq(ctx, conv)
					if err == nil && (ok != (s.want >= 0) || (ok && seq != s.want)) {
						t.Fatalf("step %d: CurrentSeq = %d, %v; want %d (-1: unknown)", i, seq, ok, s.want)
					}
				default:
					t.Fatalf("step %d: unknown op %q", i, s.do)
				}
				if !errors.Is(err, s.err) || (s.err == nil && err != nil) {
					t.Fatalf("step %d (%s %s): err = %v, want %v", i, s.do, s.cid, err, s.err)
				}
			}
		})
	}
}

// testSeqConcurrency: racing messages get distinct seqs with no gap;
// racing resends of one message all get its one seq.
func testSeqConcurrency(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	must(t, c.InitSeq(ctx, "c1", 7))
	got := race(100, func(i int) int64 {
		res, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: fmt.Sprint("m", i)})
		if err != nil || res.Reused {
			t.Errorf("Reserve: %v, reused %v", err, res.Reused)
		}
		return res.Seq
	})
	slices.Sort(got)
	for i, seq := range got {
		if seq != int64(8+i) {
			t.Fatalf("seqs %v, want 8..107 once each", got)
		}
	}
	if cur, ok, err := c.CurrentSeq(ctx, "c1"); err != nil || !ok || cur != 107 {
		t.Fatalf("CurrentSeq = %d, %v, %v; want 107", cur, ok, err)
	}
	type res struct {
		seq    int64
		reused bool
	}
	resends := race(20, func(int) res {
		r, err := c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "resent"})
		if err != nil {
			t.Error(err)
		}
		return res{r.Seq, r.Reused}
	})
	fresh := 0
	for _, r := range resends {
		if r.seq != 108 {
			t.Fatalf("racing resends got %v, want seq 108 for all", resends)
		}
		if !r.reused {
			fresh++
		}
	}
	if fresh != 1 {
		t.Fatalf("%d racing resends were told the seq was new, want 1", fresh)
	}
}

// testReserveChecks: an agent's reservation needs the reply lock; a fresh
// reservation raises the other side's unread counter (a resend does not),
// and giving it back lowers it, never below zero.
func testReserveChecks(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	must(t, c.InitSeq(ctx, "c1", 0))
	type want struct {
		seq, agent, visitor int64
		reused              bool
		err                 error
	}
	reserve := func(cid, agent, unread string) (chat.Reserved, error) {
		return c.Reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: cid, AgentID: agent, Unread: unread})
	}
	steps := []struct {
		name string
		do   func() (chat.Reserved, error)
		want want
	}{
		{"an agent without a lock", func() (chat.Reserved, error) { return reserve("a1", "an", "visitor") }, want{err: chat.ErrNoReplyLock}},
		{"the visitor needs none", func() (chat.Reserved, error) { return reserve("v1", "", "agent") }, want{seq: 1, agent: 1}},
		{"another agent's lock", func() (chat.Reserved, error) {
			if _, err := c.Claim(ctx, "c1", "binh"); err != nil {
				return chat.Reserved{}, err
			}
			return reserve("a1", "an", "visitor")
		}, want{agent: 1, err: chat.ErrNotAssigned}},
		{"the owner", func() (chat.Reserved, error) { return reserve("b1", "binh", "visitor") }, want{seq: 2, agent: 1, visitor: 1}},
		{"a resend raises nothing", func() (chat.Reserved, error) { return reserve("b1", "binh", "visitor") }, want{seq: 2, agent: 1, visitor: 1, reused: true}},
		{"a notice counts for nobody", func() (chat.Reserved, error) { return reserve("s1", "", "") }, want{seq: 3, agent: 1, visitor: 1}},
		{"giving back lowers the count", func() (chat.Reserved, error) {
			err := c.Unreserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "b1", AgentID: "binh", Unread: "visitor"}, 2)
			a, v, _ := c.Unread(ctx, "c1")
			return chat.Reserved{UnreadAgent: a, UnreadVisit: v}, err
		}, want{agent: 1}},
		{"never below zero", func() (chat.Reserved, error) {
			err := c.Unreserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "x", Unread: "visitor"}, 0)
			a, v, _ := c.Unread(ctx, "c1")
			return chat.Reserved{UnreadAgent: a, UnreadVisit: v}, err
		}, want{agent: 1}},
		{"the given-back seq is next", func() (chat.Reserved, error) { return reserve("v2", "", "agent") }, want{seq: 2, agent: 2}},
	}
	for _, s := range steps {
		got, err := s.do()
		if !errors.Is(err, s.want.err) || (s.want.err == nil && err != nil) {
			t.Fatalf("%s: err %v, want %v", s.name, err, s.want.err)
		}
		if err != nil {
			continue
		}
		if got.Seq != s.want.seq || got.Reused != s.want.reused || got.UnreadAgent != s.want.agent || got.UnreadVisit != s.want.visitor {
			t.Fatalf("%s: %+v, want %+v", s.name, got, s.want)
		}
	}
}

// testReserveBatch: one batch answers each reservation as Reserve would
// have, one after another: seqs in order across conversations, a client id
// repeated within the batch reused, each refusal its own.
func testReserveBatch(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	must(t, c.InitSeq(ctx, "c1", 4))
	must(t, c.InitSeq(ctx, "c2", 0))
	if _, err := c.Claim(ctx, "c2", "binh"); err != nil {
		t.Fatal(err)
	}
	type want struct {
		seq    int64
		reused bool
		err    error
	}
	cases := []struct {
		r    chat.Reservation
		want want
	}{
		{chat.Reservation{ConversationID: "c1", ClientID: "v1", Unread: "agent"}, want{seq: 5}},
		{chat.Reservation{ConversationID: "c2", ClientID: "b1", AgentID: "binh", Unread: "visitor"}, want{seq: 1}},
		{chat.Reservation{ConversationID: "c1", ClientID: "v2", Unread: "agent"}, want{seq: 6}},
		{chat.Reservation{ConversationID: "c1", ClientID: "v1", Unread: "agent"}, want{seq: 5, reused: true}},
		{chat.Reservation{ConversationID: "c2", ClientID: "a1", AgentID: "an", Unread: "visitor"}, want{err: chat.ErrNotAssigned}},
		{chat.Reservation{ConversationID: "c1", ClientID: "a2", AgentID: "an", Unread: "visitor"}, want{err: chat.ErrNoReplyLock}},
		{chat.Reservation{ConversationID: "c3", ClientID: "v1"}, want{err: chat.ErrSeqUnknown}},
		{chat.Reservation{ConversationID: "c2", ClientID: "b2", AgentID: "binh", Unread: "visitor"}, want{seq: 2}},
	}
	rs := make([]chat.Reservation, len(cases))
	for i, k := range cases {
		rs[i] = k.r
	}
	out, errs := c.ReserveBatch(ctx, rs)
	if len(out) != len(rs) || len(errs) != len(rs) {
		t.Fatalf("ReserveBatch answered %d and %d for %d", len(out), len(errs), len(rs))
	}
	for i, k := range cases {
		if !errors.Is(errs[i], k.want.err) || (k.want.err == nil && errs[i] != nil) {
			t.Fatalf("%d (%+v): err %v, want %v", i, k.r, errs[i], k.want.err)
		}
		if errs[i] == nil && (out[i].Seq != k.want.seq || out[i].Reused != k.want.reused) {
			t.Fatalf("%d (%+v): %+v, want %+v", i, k.r, out[i], k.want)
		}
	}
	if a, v, err := c.Unread(ctx, "c1"); err != nil || a != 2 || v != 0 {
		t.Fatalf("c1 unread %d/%d %v, want 2 for agents (the resend raised nothing)", a, v, err)
	}
	if out, errs := c.ReserveBatch(ctx, nil); len(out) != 0 || len(errs) != 0 {
		t.Fatalf("empty batch answered %v %v", out, errs)
	}
}

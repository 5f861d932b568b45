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
}

// seqStep is one call of a sequencer scenario.
type seqStep struct {
	do     string // next, init, raise, release, forget, current
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
		{"a forgotten client id gets a new seq", []seqStep{
			{do: "init", n: 0},
			{do: "next", cid: "a", want: 1},
			{do: "forget", cid: "a"},
			{do: "next", cid: "a", want: 2},
			{do: "forget", cid: "never"},
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
					seq, reused, err = c.NextSeq(ctx, conv, s.cid)
					if s.err == nil && err == nil && (seq != s.want || reused != s.reused) {
						t.Fatalf("step %d: NextSeq(%s, %s) = %d, reused %v; want %d, %v", i, s.conv, s.cid, seq, reused, s.want, s.reused)
					}
				case "init":
					err = c.InitSeq(ctx, conv, s.n)
				case "raise":
					err = c.RaiseSeq(ctx, conv, s.n)
				case "release":
					err = c.ReleaseSeq(ctx, conv, s.n, s.cid)
				case "forget":
					err = c.ForgetClientID(ctx, conv, s.cid)
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
		seq, reused, err := c.NextSeq(ctx, "c1", fmt.Sprint("m", i))
		if err != nil || reused {
			t.Errorf("NextSeq: %v, reused %v", err, reused)
		}
		return seq
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
		seq, reused, err := c.NextSeq(ctx, "c1", "resent")
		if err != nil {
			t.Error(err)
		}
		return res{seq, reused}
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

package desktest

import (
	"fmt"
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
)

var replyLockCases = []coordCase{
	{"ClaimTransferRelease", testReplyLockSteps},
	{"RacingClaimsHaveOneWinner", testRacingClaims},
}

// testReplyLockSteps: a claim wins only a free lock; only the owner moves
// or releases it.
func testReplyLockSteps(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	type step struct {
		name   string
		do     func() (any, error)
		want   any
		owner  string // after the step; "" means no lock
		others bool   // check that conversation c2 is untouched
	}
	steps := []step{
		{"release of no lock", func() (any, error) { return c.Release(ctx, "c1", "") }, false, "", false},
		{"transfer of no lock", func() (any, error) { return c.Transfer(ctx, "c1", "", "an") }, "", "", false},
		{"claim of a free lock wins", func() (any, error) { return c.Claim(ctx, "c1", "an") }, "an", "an", false},
		{"claim of a held lock returns the owner", func() (any, error) { return c.Claim(ctx, "c1", "binh") }, "an", "an", false},
		{"claim by the owner again", func() (any, error) { return c.Claim(ctx, "c1", "an") }, "an", "an", false},
		{"transfer by another agent returns the owner", func() (any, error) { return c.Transfer(ctx, "c1", "binh", "chi") }, "an", "an", false},
		{"transfer by the owner", func() (any, error) { return c.Transfer(ctx, "c1", "an", "binh") }, "binh", "binh", false},
		{"release by the former owner", func() (any, error) { return c.Release(ctx, "c1", "an") }, false, "binh", false},
		{"release by the owner", func() (any, error) { return c.Release(ctx, "c1", "binh") }, true, "", false},
		{"second release", func() (any, error) { return c.Release(ctx, "c1", "binh") }, false, "", false},
		{"claim after release", func() (any, error) { return c.Claim(ctx, "c1", "chi") }, "chi", "chi", true},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil || got != s.want {
			t.Fatalf("%s: got %v, %v; want %v", s.name, got, err, s.want)
		}
		owner, ok, err := c.Owner(ctx, "c1")
		if err != nil || ok != (s.owner != "") || owner != s.owner {
			t.Fatalf("%s: Owner = %q, %v, %v; want %q", s.name, owner, ok, err, s.owner)
		}
		if s.others {
			if o, ok, err := c.Owner(ctx, "c2"); err != nil || ok || o != "" {
				t.Fatalf("another conversation has owner %q, %v, %v", o, ok, err)
			}
		}
	}
}

// testRacingClaims: claims racing on one conversation, as from several
// nodes, produce one owner that every claimant is told.
func testRacingClaims(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	for round := 0; round < 20; round++ {
		conv := fmt.Sprint("c", round)
		owners := race(8, func(i int) string {
			o, err := c.Claim(ctx, conv, fmt.Sprint("a", i))
			if err != nil {
				t.Error(err)
			}
			return o
		})
		winners := 0
		for i, o := range owners {
			if o != owners[0] {
				t.Fatalf("round %d: claimants were told different owners: %v", round, owners)
			}
			if o == fmt.Sprint("a", i) {
				winners++
			}
		}
		if owner, _, _ := c.Owner(ctx, conv); winners != 1 || owner != owners[0] {
			t.Fatalf("round %d: %d winners, owner %q, told %q", round, winners, owner, owners[0])
		}
	}
}

package desktest

import (
	"slices"
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
)

// NewCoordinator returns a coordinator with no state of its own yet and the
// clock its expiries run on.
type NewCoordinator func(t *testing.T) (desk.Coordinator, Clock)

// TestCoordinator runs the contract of desk.Coordinator, one part of the
// interface after the other. The cases run in parallel, each with a fresh
// coordinator, so the few that wait on a real clock (a TTL running out)
// overlap: about 7 s against a real Redis, for the 6 s typing mark.
func TestCoordinator(t *testing.T, newCoord NewCoordinator) {
	groups := []struct {
		name  string
		cases []coordCase
	}{
		{"ReplyLocks", replyLockCases},
		{"Sequencer", sequencerCases},
		{"UnreadCounters", unreadCases},
		{"PresenceTracker", presenceCases},
		{"Rotation", rotationCases},
		{"NamedLocks", namedLockCases},
		{"TypingMarks", typingCases},
		{"Takeovers", takeoverCases},
		{"PageMarks", pageCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					coord, clock := newCoord(t)
					c.run(t, coord, clock)
				})
			}
		})
	}
	t.Run("Ping", func(t *testing.T) {
		coord, _ := newCoord(t)
		must(t, coord.Ping(ctxT(t)))
	})
	t.Run("EndedContext", func(t *testing.T) {
		coord, clock := newCoord(t)
		testCoordEndedContext(t, coord, clock)
	})
}

type coordCase struct {
	name string
	run  func(t *testing.T, c desk.Coordinator, clock Clock)
}

// sorted returns a sorted copy, for lists whose order is not part of the
// contract.
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

package desktest

import (
	"slices"
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
)

var rotationCases = []coordCase{
	{"OldestTurnFirstTiesByID", testRotationOrder},
	{"FairUnderConcurrency", testRotationFair},
}

func testRotationOrder(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	next := func(cands ...string) string {
		t.Helper()
		a, err := c.NextInRotation(ctx, cands)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if a := next(); a != "" {
		t.Fatalf("no candidates gave %q", a)
	}
	steps := []struct {
		cands []string
		want  string
	}{
		{[]string{"binh", "an"}, "an"}, // never assigned: ties go to the smaller id
		{[]string{"binh", "an"}, "binh"},
		{[]string{"binh", "an"}, "an"},
		{[]string{"an", "binh", "chi"}, "chi"}, // a newcomer's turn is the oldest
		{[]string{"an", "binh", "chi"}, "binh"},
		{[]string{"chi"}, "chi"},
		{[]string{"an", "chi"}, "an"},
		{[]string{"an", "binh", "chi"}, "binh"}, // the rotation spans candidate lists
		{[]string{"an", "binh", "chi"}, "chi"},
		{[]string{"an", "binh", "chi"}, "an"},
	}
	var got []string
	for _, s := range steps {
		got = append(got, next(s.cands...))
	}
	want := make([]string, len(steps))
	for i, s := range steps {
		want[i] = s.want
	}
	if !slices.Equal(got, want) {
		t.Fatalf("turns %v, want %v", got, want)
	}
}

// testRotationFair: assignments racing from several nodes alternate.
func testRotationFair(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	picks := race(200, func(int) string {
		a, err := c.NextInRotation(ctx, []string{"an", "binh"})
		if err != nil {
			t.Error(err)
		}
		return a
	})
	counts := map[string]int{}
	for _, a := range picks {
		counts[a]++
	}
	if counts["an"] != 100 || counts["binh"] != 100 {
		t.Fatalf("counts %v, want 100 each", counts)
	}
}

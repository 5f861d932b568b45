package desk

import (
	"fmt"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func TestDueTouches(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	touches := func(n int) []chat.ConversationTouch {
		out := make([]chat.ConversationTouch, n)
		for i := range out {
			out[i] = chat.ConversationTouch{ID: fmt.Sprintf("c%d", i)}
		}
		return out
	}
	recent := map[string]time.Time{"c0": now.Add(-time.Second), "c1": now.Add(-touchGap), "c2": now.Add(-100 * time.Millisecond)}
	tests := []struct {
		name      string
		batch     []chat.ConversationTouch
		written   map[string]time.Time
		due, kept int
		keptIDs   []string
	}{
		{"light flush writes everything, even just written", touches(touchLightBatch), recent, touchLightBatch, 0, nil},
		{"heavy flush defers those written within the gap", touches(touchLightBatch + 1), recent, touchLightBatch - 1, 2, []string{"c0", "c2"}},
		{"heavy flush with nothing written recently", touches(touchMaxBatch), map[string]time.Time{}, touchMaxBatch, 0, nil},
		{"at most touchMaxBatch in one flush", touches(touchMaxBatch + 50), map[string]time.Time{}, touchMaxBatch, 50, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, later := dueTouches(tt.batch, tt.written, now)
			if len(due) != tt.due || len(later) != tt.kept {
				t.Fatalf("due %d, later %d; want %d and %d", len(due), len(later), tt.due, tt.kept)
			}
			for i, id := range tt.keptIDs {
				if later[i].ID != id {
					t.Errorf("later[%d] = %s, want %s", i, later[i].ID, id)
				}
			}
			seen := map[string]bool{}
			for _, u := range append(due, later...) {
				if seen[u.ID] {
					t.Errorf("%s both written and kept", u.ID)
				}
				seen[u.ID] = true
			}
			if len(seen) != len(tt.batch) {
				t.Errorf("%d touches accounted for, want %d", len(seen), len(tt.batch))
			}
		})
	}
}

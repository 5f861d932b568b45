package desk

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Who may resolve (#16, finding 8): the owner or an admin. A waiting
// conversation has no owner: an admin may close it; an agent claims it
// first.
func TestWhoMayResolve(t *testing.T) {
	for _, tt := range []struct {
		name    string
		owner   string // "", "an", "binh"
		caller  string // "an", "binh", "admin"
		wantErr string
	}{
		{"the owner", "an", "an", ""},
		{"another agent", "an", "binh", chat.ENOTASSIGNED},
		{"an admin, of an owned one", "an", "admin", ""},
		{"an agent, of a waiting one", "", "binh", chat.ENOTASSIGNED},
		{"an admin, of a waiting one", "", "admin", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDesk(t, testOptions{})
			agents := map[string]*chat.Agent{
				"an": d.agent("An", chat.RoleAgent), "binh": d.agent("Binh", chat.RoleAgent), "admin": d.agent("Admin", chat.RoleAdmin),
			}
			c := d.newConversation("Khách", "Cho em hỏi")
			if tt.owner != "" {
				if _, err := d.core.Conversations.Claim(d.ctx, agentActor(agents[tt.owner]), c.ID); err != nil {
					t.Fatal(err)
				}
			}
			got, err := d.core.Conversations.Resolve(d.ctx, agentActor(agents[tt.caller]), c.ID)
			if chat.ErrorCode(err) != tt.wantErr {
				t.Fatalf("Resolve: err = %v, want code %q", err, tt.wantErr)
			}
			stored := d.conversation(c.ID)
			if tt.wantErr != "" {
				if stored.Status == chat.StatusResolved {
					t.Fatal("refused, yet resolved")
				}
				return
			}
			if got.Status != chat.StatusResolved || stored.Status != chat.StatusResolved {
				t.Fatalf("status %s / stored %s", got.Status, stored.Status)
			}
		})
	}
	t.Run("an agent who claims a waiting one may then resolve it", func(t *testing.T) {
		d := newTestDesk(t, testOptions{})
		binh := d.agent("Binh", chat.RoleAgent)
		c := d.newConversation("Khách", "Cho em hỏi")
		if _, err := d.core.Conversations.Claim(d.ctx, agentActor(binh), c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.core.Conversations.Resolve(d.ctx, agentActor(binh), c.ID); err != nil {
			t.Fatal(err)
		}
	})
}

package desktest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

func newAgent(id, email, name string) *chat.Agent {
	return &chat.Agent{ID: id, Email: email, Name: name, Role: chat.RoleAgent, PasswordHash: "hash-" + name,
		TokenVersion: 1, CreatedAt: t0, UpdatedAt: t0}
}

func agentIDs(as []*chat.Agent) []string {
	return pluck(as, func(a *chat.Agent) string { return a.ID })
}

// testAgents: emails are unique and found however cased or padded; the
// list is by name, then id.
func testAgents(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	if list, err := s.Agents(ctx); err != nil || list == nil || len(list) != 0 {
		t.Fatalf("Agents of an empty store = %#v, %v; want an empty list", list, err)
	}
	lan := newAgent("", "  Lan@Example.COM ", "Lan")
	lan.Role, lan.Disabled, lan.TokenVersion = chat.RoleAdmin, true, 7
	must(t, s.CreateAgent(ctx, lan))
	if !hexID.MatchString(lan.ID) {
		t.Fatalf("generated id %q, want 24 hex characters", lan.ID)
	}
	want := *lan
	want.Email = "lan@example.com"
	for _, tt := range []struct {
		name string
		get  func() (*chat.Agent, error)
	}{
		{"by id", func() (*chat.Agent, error) { return s.Agent(ctx, lan.ID) }},
		{"by email", func() (*chat.Agent, error) { return s.AgentByEmail(ctx, "lan@example.com") }},
		{"by email cased and padded", func() (*chat.Agent, error) { return s.AgentByEmail(ctx, " LAN@example.Com  ") }},
	} {
		got, err := tt.get()
		if err != nil || !reflect.DeepEqual(got, &want) {
			t.Fatalf("%s: %+v, %v\nwant %+v", tt.name, got, err, &want)
		}
	}
	for _, tt := range []struct {
		name string
		get  func() (*chat.Agent, error)
	}{
		{"unknown id", func() (*chat.Agent, error) { return s.Agent(ctx, "nope") }},
		{"unknown email", func() (*chat.Agent, error) { return s.AgentByEmail(ctx, "nope@example.com") }},
	} {
		if _, err := tt.get(); !isNotFound(err) {
			t.Errorf("%s: err = %v, want not found", tt.name, err)
		}
	}
	if err := s.CreateAgent(ctx, newAgent("", "LAN@example.com", "Lan 2")); !errors.Is(err, chat.ErrDuplicateEmail) {
		t.Fatalf("duplicate email, differently cased: err = %v, want ErrDuplicateEmail", err)
	}

	// A reused id is not a taken email: the caller must not be told so.
	if err := s.CreateAgent(ctx, newAgent(lan.ID, "other@example.com", "Lan")); err == nil || errors.Is(err, chat.ErrDuplicateEmail) {
		t.Fatalf("second create with the same id: err = %v, want an error other than ErrDuplicateEmail", err)
	}

	// Names compare as bytes (no collation): "Ánh" sorts after "Zoe".
	for _, a := range []*chat.Agent{newAgent("b2", "b2@example.com", "Bình"), newAgent("b1", "b1@example.com", "Bình"),
		newAgent("an", "an@example.com", "An"), newAgent("zoe", "zoe@example.com", "Zoe"), newAgent("anh", "anh@example.com", "Ánh")} {
		must(t, s.CreateAgent(ctx, a))
	}
	list, err := s.Agents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := agentIDs(list); !slices.Equal(got, []string{"an", "b1", "b2", lan.ID, "zoe", "anh"}) {
		t.Fatalf("Agents = %v, want by name then id: [an b1 b2 %s zoe anh]", got, lan.ID)
	}

	// An update replaces every field.
	upd := newAgent("b1", " B1.New@Example.com", "Bình Mới")
	upd.Role, upd.Disabled, upd.TokenVersion, upd.PasswordHash, upd.UpdatedAt = chat.RoleAdmin, true, 2, "hash-mới", t0.Add(time.Hour)
	want = *upd
	want.Email = "b1.new@example.com"
	must(t, s.UpdateAgent(ctx, upd))
	if got, err := s.Agent(ctx, "b1"); err != nil || !reflect.DeepEqual(got, &want) {
		t.Fatalf("after update: %+v, %v\nwant %+v", got, err, &want)
	}
	if _, err := s.AgentByEmail(ctx, "b1@example.com"); !isNotFound(err) {
		t.Fatalf("old email still finds the agent: %v", err)
	}
	tests := []struct {
		name string
		a    *chat.Agent
		want error
	}{
		{"another agent's email", newAgent("b1", "An@example.com", "Bình"), chat.ErrDuplicateEmail},
		{"own email re-cased", newAgent("b1", "B1.NEW@example.com", "Bình"), nil},
		{"unknown id", newAgent("ghost", "ghost@example.com", "Ma"), chat.ErrNotFound},
		{"unknown id with a taken email", newAgent("ghost", "an@example.com", "Ma"), chat.ErrNotFound},
	}
	for _, tt := range tests {
		err := s.UpdateAgent(ctx, tt.a)
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case errors.Is(tt.want, chat.ErrNotFound) && !isNotFound(err):
			t.Errorf("%s: err = %v, want not found", tt.name, err)
		case errors.Is(tt.want, chat.ErrDuplicateEmail) && !errors.Is(err, chat.ErrDuplicateEmail):
			t.Errorf("%s: err = %v, want ErrDuplicateEmail", tt.name, err)
		}
	}
	if got, err := s.Agent(ctx, "b1"); err != nil || got.Email != "b1.new@example.com" {
		t.Fatalf("a refused update changed the email: %+v, %v", got, err)
	}
	if _, err := s.Agent(ctx, "ghost"); !isNotFound(err) {
		t.Fatalf("updating an unknown agent created it: %v", err)
	}

	// Admins racing to create one email: one agent, the others refused.
	oneWon(t, race(6, func(int) error { return s.CreateAgent(ctx, newAgent("", "Same@example.com", "Same")) }), chat.ErrDuplicateEmail, "email")
}

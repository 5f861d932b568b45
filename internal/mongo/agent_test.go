package mongo

import (
	"errors"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func newAgent(id, email, name string) *chat.Agent {
	return &chat.Agent{ID: id, Email: email, Name: name, Role: chat.RoleAgent, PasswordHash: "$2a$10$hash",
		TokenVersion: 1, CreatedAt: t0, UpdatedAt: t0}
}

func TestAgents(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	lan := newAgent("", "  Lan@Example.COM ", "Lan")
	for _, a := range []*chat.Agent{lan, newAgent("a2", "binh@example.com", "Bình"), newAgent("a3", "an@example.com", "An")} {
		if err := db.CreateAgent(ctx, a); err != nil {
			t.Fatalf("CreateAgent(%s): %v", a.Email, err)
		}
	}
	if len(lan.ID) != 24 {
		t.Fatalf("generated id %q", lan.ID)
	}

	createTests := []struct {
		name string
		a    *chat.Agent
		want error
	}{
		{"same email", newAgent("x1", "binh@example.com", "X"), chat.ErrDuplicateEmail},
		{"same email, other case", newAgent("x2", "LAN@example.com", "X"), chat.ErrDuplicateEmail},
		{"same id", newAgent("a2", "new@example.com", "X"), errDuplicateAgentID},
	}
	for _, tt := range createTests {
		if err := db.CreateAgent(ctx, tt.a); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}

	got, err := db.Agent(ctx, lan.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := *lan
	want.Email = "lan@example.com" // stored normalised
	if *got != want {
		t.Fatalf("Agent = %+v, want %+v", got, want)
	}
	for _, email := range []string{"lan@example.com", " LAN@EXAMPLE.com"} {
		if a, err := db.AgentByEmail(ctx, email); err != nil || a.ID != lan.ID {
			t.Errorf("AgentByEmail(%q) = %v, %v", email, a, err)
		}
	}
	if _, err := db.Agent(ctx, "nope"); !isNotFound(err) {
		t.Errorf("Agent(missing): %v", err)
	}
	if _, err := db.AgentByEmail(ctx, "nope@example.com"); !isNotFound(err) {
		t.Errorf("AgentByEmail(missing): %v", err)
	}

	list, err := db.Agents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.Name)
	}
	if !slices.Equal(names, []string{"An", "Bình", "Lan"}) {
		t.Fatalf("Agents by name = %v", names)
	}

	upd := *got
	upd.Name, upd.Email, upd.Disabled, upd.TokenVersion, upd.UpdatedAt = "Lan Anh", "LanAnh@example.com", true, 2, t0.Add(time.Hour)
	if err := db.UpdateAgent(ctx, &upd); err != nil {
		t.Fatalf("UpdateAgent: %v", err)
	}
	after, _ := db.Agent(ctx, lan.ID)
	upd.Email = "lananh@example.com"
	if *after != upd {
		t.Fatalf("after update %+v, want %+v", after, upd)
	}
	if _, err := db.AgentByEmail(ctx, "lan@example.com"); !isNotFound(err) {
		t.Errorf("old email still found: %v", err)
	}

	updateTests := []struct {
		name string
		a    *chat.Agent
		want error
	}{
		{"email of another agent", &chat.Agent{ID: lan.ID, Email: "BINH@example.com", Name: "Lan"}, chat.ErrDuplicateEmail},
		{"unknown id", newAgent("nope", "z@example.com", "Z"), chat.ErrNotFound},
	}
	for _, tt := range updateTests {
		if err := db.UpdateAgent(ctx, tt.a); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	if a, _ := db.Agent(ctx, lan.ID); a.Email != "lananh@example.com" {
		t.Errorf("refused update changed the email to %q", a.Email)
	}
}

// TestFerretDuplicateKeyShape pins what the server under test says on a
// duplicate, which decides how errors are classified. FerretDB v1 names no
// index on insert (so the store looks the conflict up) and reports a unique
// violation during replace as a non-11000 error naming the SQLite index.
func TestFerretDuplicateKeyShape(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	if _, err := db.agents.InsertOne(ctx, agentDoc{ID: "1", Email: "a@x"}); err != nil {
		t.Fatal(err)
	}
	_, err := db.agents.InsertOne(ctx, agentDoc{ID: "2", Email: "a@x"})
	dup, index := duplicateIndex(err)
	if !dup {
		t.Fatalf("insert duplicate not recognised: %v", err)
	}
	t.Logf("insert: index %q from %v", index, err)
	if _, err := db.agents.InsertOne(ctx, agentDoc{ID: "3", Email: "b@x"}); err != nil {
		t.Fatal(err)
	}
	_, err = db.agents.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "3"}}, agentDoc{ID: "3", Email: "a@x"})
	dup, index = duplicateIndex(err)
	if !dup || index != idxEmail {
		t.Fatalf("replace duplicate: dup=%v index=%q from %v", dup, index, err)
	}
	t.Logf("replace: index %q from %v", index, err)
}

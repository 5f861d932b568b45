package mongo

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// openTestDB opens a fresh database on the shared FerretDB with indexes, and
// drops it when the test ends.
func openTestDB(t *testing.T, opts Options) *DB {
	t.Helper()
	return openNamed(t, testenv.DBName(t), opts, true)
}

func openNamed(t *testing.T, name string, opts Options, drop bool) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := Open(ctx, testenv.MongoURI(t), name, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := db.EnsureIndexes(ctx); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if drop {
			if err := db.Drop(ctx); err != nil {
				t.Errorf("Drop: %v", err)
			}
		}
		if err := db.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestPing(t *testing.T) {
	db := openTestDB(t, Options{})
	if err := db.Ping(ctxT(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	port := testenv.FreePort(t) // nothing listens there
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	uri := "mongodb://127.0.0.1:" + strconv.Itoa(port) + "/?serverSelectionTimeoutMS=200&connectTimeoutMS=200"
	db, err := Open(ctx, uri, "x", Options{})
	if err == nil {
		_ = db.Close(ctx)
		t.Fatal("Open on a closed port succeeded")
	}
}

func TestEnsureIndexesIdempotentAndConcurrent(t *testing.T) {
	name := testenv.DBName(t)
	first := openNamed(t, name, Options{}, true)
	// Several nodes starting together on the same database, twice over.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 4; i++ {
		db := openNamed(t, name, Options{}, false)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 2; j++ {
				errs <- db.EnsureIndexes(ctxT(t))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("EnsureIndexes: %v", err)
		}
	}
	want := map[string][]string{
		collMessages:      {"_id_", idxConvClient, idxConvSeq},
		collAgents:        {"_id_", idxEmail},
		collFormFields:    {"_id_", idxKey},
		collConversations: {"_id_", "assigneeId_status", "createdAt", "priority_updatedAt", "status_createdAt", "updatedAt", "visitor_phone"},
		collAudit:         {"_id_", "action_id"},
		collCanned:        {"_id_", idxOwnerShortcut},
	}
	for coll, names := range want {
		specs, err := first.db.Collection(coll).Indexes().ListSpecifications(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range specs {
			got = append(got, s.Name)
			if slices.Contains([]string{idxConvClient, idxConvSeq, idxEmail, idxKey, idxOwnerShortcut}, s.Name) &&
				(s.Unique == nil || !*s.Unique) {
				t.Errorf("%s.%s is not unique", coll, s.Name)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, names) {
			t.Errorf("%s indexes = %v, want %v", coll, got, names)
		}
	}
}

// TestEnsureFormFieldsRace: nodes starting together on an empty database
// seed the form once between them.
func TestEnsureFormFieldsRace(t *testing.T) {
	name := testenv.DBName(t)
	nodes := []*DB{openNamed(t, name, Options{}, true)}
	for i := 0; i < 4; i++ {
		nodes = append(nodes, openNamed(t, name, Options{}, false))
	}
	defs := chat.DefaultFormFields()
	var wg sync.WaitGroup
	errs := make([]error, len(nodes))
	for i, db := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.EnsureFormFields(ctxT(t), defs)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	got, err := nodes[0].FormFields(ctxT(t))
	if err != nil || !reflect.DeepEqual(got, defs) {
		t.Fatalf("after the race: %+v (%v), want exactly one copy of %+v", got, err, defs)
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

func TestDuplicateIndexOf(t *testing.T) {
	tests := []struct {
		msg, want string
	}{
		// MongoDB 7.
		{`E11000 duplicate key error collection: db.messages index: uniq_conv_client dup key: { conversationId: "c", clientId: "x" }`, idxConvClient},
		{`E11000 duplicate key error collection: db.messages index: uniq_conv_seq dup key: { conversationId: "c", seq: 3 }`, idxConvSeq},
		{`E11000 duplicate key error collection: db.messages index: _id_ dup key: { _id: "m1" }`, idxID},
		// FerretDB v1 insert: no index named.
		{`E11000 duplicate key error collection: t_x.messages`, ""},
		// FerretDB v1 update/replace through SQLite.
		{`constraint failed: UNIQUE constraint failed: index 'agents_9f21b24f_uniq_email' (2067)`, idxEmail},
	}
	for _, tt := range tests {
		if got := duplicateIndexOf(tt.msg); got != tt.want {
			t.Errorf("duplicateIndexOf(%q) = %q, want %q", tt.msg, got, tt.want)
		}
		if !isDuplicateMessage(tt.msg) {
			t.Errorf("isDuplicateMessage(%q) = false", tt.msg)
		}
	}
	if dup, _ := duplicateIndex(errors.New("connection refused")); dup {
		t.Error("a network error was taken for a duplicate")
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := newID()
		if len(id) != 24 || seen[id] {
			t.Fatalf("newID() = %q (len %d, seen %v)", id, len(id), seen[id])
		}
		seen[id] = true
	}
}

// isNotFound reports whether err is the domain's not-found error.
func isNotFound(err error) bool { return chat.ErrorCode(err) == chat.ENOTFOUND }

package mongo

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

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

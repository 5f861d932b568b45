package devstack

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestFerretDBLooksUpIDWithTheIndexedExpression guards a FerretDB upgrade:
// the sweeper's index helps only while FerretDB's SQLite backend still
// filters `_id` with exactly idLookupExpr.
func TestFerretDBLooksUpIDWithTheIndexedExpression(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/FerretDB/FerretDB").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal/backends/sqlite/metadata/metadata.go"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `IDColumn = DefaultColumn + "->'$._id'"`; !strings.Contains(string(src), want) {
		t.Fatalf("FerretDB no longer looks up _id with %s (want %q in its metadata.go); update idLookupExpr", idLookupExpr, want)
	}
}

// TestIDIndexSweeper: collections created at any time, in any database, get
// the lookup index, the planner uses it for FerretDB's `_id` filter, and
// FerretDB's finds, updates, unique `_id`s and drops work as before.
func TestIDIndexSweeper(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	m, err := StartMongo(ctx, "127.0.0.1:0", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	client, err := mongo.Connect(options.Client().ApplyURI(m.URI))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)

	for _, name := range []struct{ db, coll string }{{"d1", "conversations"}, {"d1", "messages"}, {"d2", "agents"}} {
		c := client.Database(name.db).Collection(name.coll)
		docs := []any{bson.M{"_id": "a", "n": 1}, bson.M{"_id": "b", "n": 2}, bson.M{"_id": bson.NewObjectID(), "n": 3}}
		if _, err := c.InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
		table := waitForIDIndex(t, filepath.Join(dir, name.db+".sqlite"), name.coll)
		assertPlanUsesIndex(t, filepath.Join(dir, name.db+".sqlite"), table)

		var got bson.M
		if err := c.FindOne(ctx, bson.M{"_id": "b"}).Decode(&got); err != nil || got["n"] != int32(2) {
			t.Fatalf("%s find: %v %v", name.coll, got, err)
		}
		if _, err := c.UpdateOne(ctx, bson.M{"_id": "a"}, bson.M{"$set": bson.M{"n": 10}}); err != nil {
			t.Fatal(err)
		}
		if err := c.FindOne(ctx, bson.M{"_id": "a"}).Decode(&got); err != nil || got["n"] != int32(10) {
			t.Fatalf("%s update: %v %v", name.coll, got, err)
		}
		if _, err := c.InsertOne(ctx, bson.M{"_id": "a"}); !mongo.IsDuplicateKeyError(err) {
			t.Fatalf("%s: a second _id a: %v", name.coll, err)
		}
		if res, err := c.DeleteOne(ctx, bson.M{"_id": "b"}); err != nil || res.DeletedCount != 1 {
			t.Fatalf("%s delete: %+v %v", name.coll, res, err)
		}
		if err := c.FindOne(ctx, bson.M{"_id": "b"}).Err(); !errors.Is(err, mongo.ErrNoDocuments) {
			t.Fatalf("%s: deleted b found: %v", name.coll, err)
		}
	}

	// Dropping and re-creating a collection and a database gets a fresh index.
	c := client.Database("d1").Collection("messages")
	if err := c.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := client.Database("d2").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InsertOne(ctx, bson.M{"_id": "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Database("d2").Collection("agents").InsertOne(ctx, bson.M{"_id": "y"}); err != nil {
		t.Fatal(err)
	}
	waitForIDIndex(t, filepath.Join(dir, "d1.sqlite"), "messages")
	waitForIDIndex(t, filepath.Join(dir, "d2.sqlite"), "agents")
	var idx []bson.M
	cur, err := c.Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(ctx, &idx); err != nil || len(idx) != 1 || idx[0]["name"] != "_id_" {
		t.Fatalf("listIndexes shows FerretDB's own indexes only: %v %v", idx, err)
	}
}

func openSQLite(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// waitForIDIndex returns the collection's table once the sweeper indexed it.
func waitForIDIndex(t *testing.T, path, coll string) string {
	t.Helper()
	db := openSQLite(t, path)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var table string
		var n int
		err := db.QueryRow(`SELECT table_name FROM `+ferretCatalogTable+` WHERE name = ?`, coll).Scan(&table)
		if err == nil {
			err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, table+idIndexSuffix).Scan(&n)
		}
		if err == nil && n == 1 {
			return table
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s: no _id lookup index (%v)", filepath.Base(path), coll, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func assertPlanUsesIndex(t *testing.T, path, table string) {
	t.Helper()
	rows, err := openSQLite(t, path).Query(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "`+table+`" WHERE `+idLookupExpr+` = ?`, `"a"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if len(plan) != 1 || !strings.Contains(plan[0], "USING INDEX "+table+idIndexSuffix) {
		t.Fatalf("an _id lookup on %s is planned as %q", table, plan)
	}
}

package devstack

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	// FerretDB's own SQLite driver; the sweeper opens the same files.
	_ "modernc.org/sqlite"
)

// FerretDB v1's SQLite backend gives every collection a unique index on
// `_ferretdb_sjson->"_id"` but looks documents up by `_id` with
// `_ferretdb_sjson->'$._id' = ?`. SQLite matches index expressions by their
// text, so that index is never used and every `_id` find, update and delete
// scans its whole table (12 ms per read at 20,000 documents, growing with
// the collection). idIndexSweeper adds an index on exactly the expression the
// lookups use, turning them into B-tree searches (0.2 ms at 20,000). It only
// adds indexes: FerretDB does not know them (listIndexes is unchanged) and
// dropping a collection or database drops them with the table.
//
// FerretDB creates collections lazily and has no hook for it, so the sweeper
// looks at the data directory a few times a second; a file whose size and
// modification time did not change since its last visit is skipped.
const (
	idIndexSuffix   = "_chatdesk_id_path"
	idIndexInterval = 250 * time.Millisecond
	// idLookupExpr must stay byte-for-byte the expression FerretDB's
	// backend (internal/backends/sqlite, metadata.IDColumn) puts in its
	// WHERE clauses; TestIDIndexUsedByFerretDB checks the query plan.
	idLookupExpr       = `_ferretdb_sjson->'$._id'`
	ferretCatalogTable = "_ferretdb_collections"
)

type idIndexSweeper struct {
	dir  string
	seen map[string]fileStamp
	log  *slog.Logger
}

type fileStamp struct {
	size, walSize int64
	mod, walMod   time.Time
}

func newIDIndexSweeper(dir string, log *slog.Logger) *idIndexSweeper {
	return &idIndexSweeper{dir: dir, seen: map[string]fileStamp{}, log: log}
}

// run sweeps until ctx ends.
func (s *idIndexSweeper) run(ctx context.Context) {
	t := time.NewTicker(idIndexInterval)
	defer t.Stop()
	for {
		s.sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweep visits every database file that changed since its last visit.
func (s *idIndexSweeper) sweep(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(s.dir, "*.sqlite"))
	if err != nil {
		return
	}
	for _, f := range files {
		if ctx.Err() != nil {
			return
		}
		st, ok := stamp(f)
		if !ok || s.seen[f] == st {
			continue
		}
		if err := indexIDPaths(ctx, f); err != nil {
			// A database being dropped or busy: retried on the next sweep.
			s.log.Debug("devstack: _id index sweep", "file", f, "err", err)
			continue
		}
		s.seen[f] = st
	}
}

func stamp(path string) (fileStamp, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	out := fileStamp{size: st.Size(), mod: st.ModTime()}
	if wal, err := os.Stat(path + "-wal"); err == nil {
		out.walSize, out.walMod = wal.Size(), wal.ModTime()
	}
	return out, true
}

// indexIDPaths adds the lookup index to every collection table of one
// database file that lacks it.
func indexIDPaths(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tables, err := missingIDIndexes(ctx, db)
	if err != nil {
		return err
	}
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, table+idIndexSuffix, table, idLookupExpr)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return nil
}

func missingIDIndexes(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		`SELECT c.table_name FROM %q c WHERE NOT EXISTS
		 (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`,
		ferretCatalogTable), idIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, nil // a database FerretDB is still creating
		}
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

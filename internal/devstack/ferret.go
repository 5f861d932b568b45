// Package devstack starts the embedded stand-ins used by `make run` and by the
// test harness: a MongoDB-wire server (FerretDB on SQLite) and an in-process
// Redis (miniredis). It is imported only by cmd/chatdesk-dev, never by the
// production binary.
package devstack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Mongo is a running FerretDB instance.
type Mongo struct {
	URI    string
	cancel context.CancelFunc
	done   chan struct{}
}

// StartMongo runs FerretDB with the SQLite backend storing its files in dir,
// listening on addr ("127.0.0.1:0" picks a free port).
func StartMongo(ctx context.Context, addr, dir string) (*Mongo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		// FerretDB logs every error reply (duplicate keys included) at WARN;
		// those are normal control flow for us.
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, fmt.Errorf("ferretdb: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	m := &Mongo{cancel: cancel, done: make(chan struct{})}
	sweeper := newIDIndexSweeper(abs, slog.Default())
	go func() {
		defer close(m.done)
		swept := make(chan struct{})
		go func() {
			defer close(swept)
			sweeper.run(runCtx)
		}()
		f.Run(runCtx)
		<-swept
	}()
	// MongoDBURI is only valid once the listener is bound.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if uri := f.MongoDBURI(); uri != "" && !isUnboundURI(uri) {
			m.URI = uri
			return m, nil
		}
		if time.Now().After(deadline) {
			cancel()
			return nil, fmt.Errorf("ferretdb did not start listening on %s", addr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func isUnboundURI(uri string) bool {
	return len(uri) >= 2 && uri[len(uri)-2:] == ":0" || contains(uri, ":0/")
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Stop shuts FerretDB down and waits for it.
func (m *Mongo) Stop() {
	m.cancel()
	<-m.done
}

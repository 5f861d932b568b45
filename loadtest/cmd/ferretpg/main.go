// Command ferretpg runs FerretDB v1 with its PostgreSQL backend for the load
// tests: the SQLite backend that `chatdesk-dev mongo` uses scans a whole
// collection for every non-_id filter, which caps what a benchmark can
// measure (docs/benchmarks.md). Loopback only; stops on SIGINT/SIGTERM.
//
//	ferretpg -addr 127.0.0.1:27017 -pg postgres://user@127.0.0.1:5432/ferretdb
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:27017", "listen address")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/ferretdb", "PostgreSQL URL")
	flag.Parse()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *addr},
		Handler:       "postgresql",
		PostgreSQLURL: *pg,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretpg:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Println("ferretdb (postgresql) listening on", *addr)
	f.Run(ctx)
}

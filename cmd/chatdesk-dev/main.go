// Command chatdesk-dev runs chatdesk with embedded stand-ins for MongoDB
// (FerretDB on SQLite) and Redis (miniredis), so `make run` needs nothing
// installed. `chatdesk-dev mongo` runs only the MongoDB-wire server, for tests
// and load tests. It is never shipped: the production binary is cmd/chatdesk.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/chatdesk/chatdesk/internal/devstack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chatdesk-dev:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "mongo" {
		return runMongo(ctx, args[1:])
	}
	return runAll(ctx, args)
}

func runMongo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mongo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:27017", "listen address")
	dir := fs.String("dir", "data/mongo", "SQLite data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := devstack.StartMongo(ctx, *addr, *dir)
	if err != nil {
		return err
	}
	fmt.Println("ferretdb listening:", m.URI)
	<-ctx.Done()
	m.Stop()
	return nil
}

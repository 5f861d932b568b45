// Command chatdesk is the production node: configured only by environment
// variables (see README), any number of them behind Nginx.
//
//	chatdesk                 serve (same as `chatdesk serve`)
//	chatdesk agent add ...   create an agent or admin
//	chatdesk healthcheck     exit 0 when the local node answers /healthz
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/chatdesk/chatdesk/internal/server"
)

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chatdesk:", err)
		os.Exit(1)
	}
}

// Run is main without process globals, so tests can drive it.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	server.Version = version
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, getenv, stderr)
	case "agent":
		return agentCmd(ctx, args, getenv, stdin, stdout)
	case "healthcheck":
		return healthcheck(ctx, getenv)
	case "version":
		fmt.Fprintln(stdout, version)
		return nil
	}
	return fmt.Errorf("unknown command %q (serve, agent add, healthcheck, version)", cmd)
}

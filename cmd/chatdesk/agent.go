package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/mongo"
)

// agentCmd creates agents from the command line: the only way to get the
// first admin in production, where no account is seeded.
func agentCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: chatdesk agent add --email E --name N [--role admin|agent] (password from CHATDESK_AGENT_PASSWORD or stdin)")
	}
	fs := flag.NewFlagSet("agent add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "email")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "agent", "admin or agent")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	password := getenv("CHATDESK_AGENT_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("password: set CHATDESK_AGENT_PASSWORD or pipe it on stdin")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := mongo.Open(ctx, cfg.MongoURI, cfg.MongoDB, mongo.Options{})
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if err := db.EnsureIndexes(ctx); err != nil {
		return err
	}
	// Only the store is needed to add an agent: no Redis, no bus.
	core := desk.New(desk.Deps{Store: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, desk.Config{NodeID: "cli"})
	a, err := core.Admin.CreateAgentUnchecked(ctx, desk.AgentInput{Email: *email, Name: *name, Role: chat.Role(*role), Password: password})
	if err != nil {
		if e, ok := chat.AsError(err); ok {
			return fmt.Errorf("%s %v", e.Message, e.Fields)
		}
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (%s) id=%s\n", a.Role, a.Email, a.Name, a.ID)
	return nil
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alicebob/miniredis/v2"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/devstack"
	"github.com/chatdesk/chatdesk/internal/server"
)

// DevPassword is the password of every seeded development account.
const DevPassword = "matkhau123"

var devAccounts = []desk.AgentInput{
	{Email: "an@chatdesk.local", Name: "An", Role: chat.RoleAgent, Password: DevPassword},
	{Email: "binh@chatdesk.local", Name: "Bình", Role: chat.RoleAgent, Password: DevPassword},
	{Email: "admin@chatdesk.local", Name: "Quản trị viên", Role: chat.RoleAdmin, Password: DevPassword},
}

// runAll starts FerretDB (SQLite under CHATDESK_DATA_DIR, default ./data),
// an in-process Redis, and a development node on CHATDESK_ADDR (default
// 127.0.0.1:8080) with the seeded accounts.
func runAll(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unknown arguments %v (use `chatdesk-dev` or `chatdesk-dev mongo`)", args)
	}
	dataDir := os.Getenv("CHATDESK_DATA_DIR")
	if dataDir == "" {
		dataDir = "data"
	}
	mongo, err := devstack.StartMongo(ctx, "127.0.0.1:0", filepath.Join(dataDir, "mongo"))
	if err != nil {
		return err
	}
	defer mongo.Stop()
	redis, err := miniredis.Run()
	if err != nil {
		return err
	}
	defer redis.Close()

	env := map[string]string{
		"CHATDESK_ENV":        "development",
		"CHATDESK_ADDR":       "127.0.0.1:8080",
		"CHATDESK_NODE_ID":    "dev",
		"CHATDESK_MONGO_URI":  mongo.URI,
		"CHATDESK_REDIS_URL":  "redis://" + redis.Addr() + "/0",
		"CHATDESK_LOG_FORMAT": "text",
	}
	getenv := func(k string) string {
		if v := os.Getenv(k); v != "" && k != "CHATDESK_MONGO_URI" && k != "CHATDESK_REDIS_URL" && k != "CHATDESK_ENV" {
			return v
		}
		return env[k]
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	log := server.NewLogger(cfg, os.Stderr)
	return server.Run(ctx, cfg, log, server.Hooks{
		AfterSetup: seed,
		Listening: func(addr string) {
			host := addr
			if strings.HasPrefix(host, "127.0.0.1:") {
				host = "localhost:" + strings.TrimPrefix(host, "127.0.0.1:")
			}
			fmt.Printf("\nchatdesk (development) is running:\n")
			fmt.Printf("  dashboard  http://%s/dashboard/\n  demo page  http://%s/demo\n  widget     http://%s/widget.js\n", host, host, host)
			fmt.Printf("  accounts (password %s):\n", DevPassword)
			for _, a := range devAccounts {
				fmt.Printf("    %-22s %-6s %s\n", a.Email, a.Role, a.Name)
			}
			fmt.Println()
		},
	})
}

// seed creates the development accounts that do not exist yet.
func seed(ctx context.Context, core *desk.Core) error {
	for _, a := range devAccounts {
		if _, err := core.Admin.CreateAgentUnchecked(ctx, a); err != nil && chat.ErrorCode(err) != chat.ECONFLICT {
			return fmt.Errorf("seeding %s: %w", a.Email, err)
		}
	}
	return nil
}

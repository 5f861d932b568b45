// Command gen writes internal/protocol/wire.js from the Go definitions
// (run by `go generate ./internal/protocol`).
package main

import (
	"log"
	"os"

	"github.com/chatdesk/chatdesk/internal/protocol"
)

func main() {
	// go generate runs in the package directory.
	if err := os.WriteFile("wire.js", protocol.WireJS(), 0o644); err != nil {
		log.Fatal(err)
	}
}

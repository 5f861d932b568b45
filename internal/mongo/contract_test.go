package mongo

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
)

// TestStoreContract holds the MongoDB store (on FerretDB here) to the same
// contract as the in-memory fake of internal/inmem; each case gets a
// database of its own, dropped afterwards.
func TestStoreContract(t *testing.T) {
	desktest.TestStore(t, func(t *testing.T) desk.Store { return openTestDB(t, Options{}) })
}

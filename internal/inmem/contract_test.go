package inmem_test

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

// The fakes are held to the same contracts as internal/mongo and
// internal/redis (see their contract_test.go).

var _ desk.Store = (*inmem.Store)(nil)

func TestStoreContract(t *testing.T) {
	desktest.TestStore(t, func(*testing.T) desk.Store { return inmem.NewStore() })
}

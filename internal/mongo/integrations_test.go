package mongo

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
)

var _ desk.IntegrationStore = (*DB)(nil)

// TestIntegrationStoreContract holds webhooks and the SMTP settings on
// MongoDB (FerretDB here) to the contract the in-memory store passes.
func TestIntegrationStoreContract(t *testing.T) {
	desktest.TestIntegrationStore(t, func(t *testing.T) desk.IntegrationStore { return openTestDB(t, Options{}) })
}

package inmem_test

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

var _ desk.IntegrationStore = (*inmem.Integrations)(nil)

func TestIntegrationStoreContract(t *testing.T) {
	desktest.TestIntegrationStore(t, func(*testing.T) desk.IntegrationStore { return inmem.NewIntegrations() })
}

package redis

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
)

// The Redis adapter is held to the same contracts as the in-memory fakes
// of internal/inmem, on a real redis-server.

var _ desk.Coordinator = (*Client)(nil)

func TestCoordinatorContract(t *testing.T) {
	desktest.TestCoordinator(t, func(t *testing.T) (desk.Coordinator, desktest.Clock) {
		return newClient(t), desktest.RealClock{}
	})
}

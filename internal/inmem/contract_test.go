package inmem_test

import (
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/desk/desktest"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

// The fakes are held to the same contracts as internal/mongo and
// internal/redis (see their contract_test.go).

var (
	_ desk.Store       = (*inmem.Store)(nil)
	_ desk.Coordinator = (*inmem.Coordinator)(nil)
	_ desk.Publisher   = (*inmem.Bus)(nil)
	_ desktest.Bus     = (*inmem.Bus)(nil)
)

func TestStoreContract(t *testing.T) {
	desktest.TestStore(t, func(*testing.T) desk.Store { return inmem.NewStore() })
}

func TestCoordinatorContract(t *testing.T) {
	desktest.TestCoordinator(t, func(*testing.T) (desk.Coordinator, desktest.Clock) {
		clock := inmem.NewManualClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
		return inmem.NewCoordinator(clock.Now), clock
	})
}

func TestBusContract(t *testing.T) {
	desktest.TestBus(t, func(t *testing.T) desktest.Buses {
		broker := inmem.NewBroker()
		a, b := broker.Bus(), broker.Bus()
		t.Cleanup(func() { a.Close(); b.Close() })
		return desktest.Buses{A: a, B: b, Reconnect: func() { a.Disconnect(); a.Reconnect() }}
	})
}

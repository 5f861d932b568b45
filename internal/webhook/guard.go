package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// ErrBlockedAddress is returned when a delivery would connect to an address
// its endpoint may not reach (loopback, link-local, private, reserved).
var ErrBlockedAddress = errors.New("webhook: address not allowed")

// control is a net.Dialer.Control that refuses non-public addresses. It
// runs after name resolution, on the very address being connected to, for
// every address tried: a hostname that resolves (or re-resolves, DNS
// rebinding) to 127.0.0.1 is refused like the literal.
func control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %s", ErrBlockedAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	if !chat.PublicAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s is not a public address", ErrBlockedAddress, ap.Addr().Unmap())
	}
	return nil
}

// newDialer returns the dialer of deliveries: guarded unless allowPrivate.
func newDialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: dialTimeout}
	if !allowPrivate {
		d.Control = control
	}
	return d
}

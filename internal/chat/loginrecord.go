package chat

import (
	"net/netip"
	"time"
)

// LoginRecord is what a node remembers of an account's sign-ins, beside
// (not inside) the agent document so that recording a failure can never
// race a password change: the networks it signed in from lately, and the
// failed attempts since its last sign-in, shown to the agent at the next
// one ("Có N lần đăng nhập sai vào tài khoản của bạn từ …").
type LoginRecord struct {
	KnownNetworks []KnownNetwork `json:"knownNetworks"`
	Failures      LoginFailures  `json:"failures"`
}

// KnownNetwork is a network (IPv4 /24, IPv6 /64) an account signed in from.
type KnownNetwork struct {
	Network string    `json:"network"`
	At      time.Time `json:"at"`
}

// LoginFailures counts failed sign-ins into one account since its last
// successful one.
type LoginFailures struct {
	Count int        `json:"count"`
	First *time.Time `json:"first"`
	Last  *time.Time `json:"last"`
	// Addresses are the latest distinct addresses they came from (a few).
	Addresses []string `json:"addresses"`
}

// Bounds of a login record.
const (
	MaxKnownNetworks   = 10
	KnownNetworkFor    = 90 * 24 * time.Hour
	MaxFailedAddresses = 5
)

// NetworkOf is the network an address belongs to for "signed in from
// here before": its IPv4 /24 or IPv6 /64 (a phone or a home line keeps
// its network longer than its address). "" for what is not an address.
func NetworkOf(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

// Knows reports whether the account signed in from network within
// KnownNetworkFor before now.
func (r *LoginRecord) Knows(network string, now time.Time) bool {
	for _, n := range r.KnownNetworks {
		if network != "" && n.Network == network && now.Sub(n.At) < KnownNetworkFor {
			return true
		}
	}
	return false
}

// SignedIn records a successful sign-in from network at now, and returns
// (and clears) the failures since the previous one.
func (r *LoginRecord) SignedIn(network string, now time.Time) LoginFailures {
	nets := []KnownNetwork{}
	if network != "" {
		nets = append(nets, KnownNetwork{Network: network, At: now})
	}
	for _, n := range r.KnownNetworks {
		if n.Network != network && now.Sub(n.At) < KnownNetworkFor && len(nets) < MaxKnownNetworks {
			nets = append(nets, n)
		}
	}
	r.KnownNetworks = nets
	f := r.Failures
	r.Failures = LoginFailures{Addresses: []string{}}
	return f
}

// Failed records a failed sign-in from ip at now.
func (r *LoginRecord) Failed(ip string, now time.Time) {
	f := &r.Failures
	f.Count++
	if f.First == nil {
		f.First = &now
	}
	f.Last = &now
	addrs := []string{ip}
	for _, a := range f.Addresses {
		if a != ip && len(addrs) < MaxFailedAddresses {
			addrs = append(addrs, a)
		}
	}
	f.Addresses = addrs
}

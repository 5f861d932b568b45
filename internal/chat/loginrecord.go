package chat

import "time"

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

// Package clientaddr decides the address of the client behind a request:
// one rule for REST (rate limits, logs, the conversation's IP, blocks) and
// for the WebSocket (per-address socket caps and message limits), so that
// no transport believes a header the other would refuse.
//
// The rule: the peer of the TCP connection is the client unless it is a
// trusted proxy (CHATDESK_TRUSTED_PROXIES). Only then are the forwarding
// headers read: X-Forwarded-For from the right, skipping trusted proxies,
// the first untrusted address is the client; without X-Forwarded-For,
// X-Real-IP. A header sent by anyone else is ignored, so a visitor cannot
// pick the address its limits count against.
package clientaddr

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver applies the rule for one list of trusted proxies. The zero
// value trusts nobody.
type Resolver struct {
	trusted []netip.Prefix
}

// New parses trusted proxies: CIDRs ("10.0.0.0/8") or single addresses.
func New(trusted []string) (*Resolver, error) {
	r := &Resolver{}
	for _, s := range trusted {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("clientaddr: trusted proxy %q: %w", s, err)
			}
			r.trusted = append(r.trusted, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("clientaddr: trusted proxy %q: %w", s, err)
		}
		r.trusted = append(r.trusted, p.Masked())
	}
	return r, nil
}

// Of returns the client address of req, as text ("203.0.113.7",
// "2001:db8::1"); the connection's peer when nothing better is known.
func (r *Resolver) Of(req *http.Request) string {
	peer := peerAddr(req.RemoteAddr)
	if !peer.IsValid() {
		return hostOnly(req.RemoteAddr)
	}
	if !r.isTrusted(peer) {
		return peer.String()
	}
	if xff := req.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		hops := strings.Split(strings.Join(xff, ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a malformed list: believe none of what is left of it
			}
			a = a.Unmap()
			if i == 0 || !r.isTrusted(a) {
				return a.String()
			}
		}
	}
	if xr := strings.TrimSpace(req.Header.Get("X-Real-IP")); xr != "" {
		if a, err := netip.ParseAddr(xr); err == nil {
			return a.Unmap().String()
		}
	}
	return peer.String()
}

func (r *Resolver) isTrusted(a netip.Addr) bool {
	if r == nil {
		return false
	}
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerAddr(remote string) netip.Addr {
	a, err := netip.ParseAddr(hostOnly(remote))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func hostOnly(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

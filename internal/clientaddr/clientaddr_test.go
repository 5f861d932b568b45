package clientaddr

import (
	"net/http"
	"testing"
)

func TestOf(t *testing.T) {
	r, err := New([]string{"127.0.0.1/32", "::1", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		remote string
		hdr    map[string]string
		want   string
	}{
		{"direct client", "203.0.113.7:5555", nil, "203.0.113.7"},
		{"direct client forging X-Real-IP", "203.0.113.7:5555", map[string]string{"X-Real-IP": "1.2.3.4"}, "203.0.113.7"},
		{"direct client forging X-Forwarded-For", "203.0.113.7:5555", map[string]string{"X-Forwarded-For": "1.2.3.4"}, "203.0.113.7"},
		{"trusted proxy, X-Forwarded-For", "10.1.2.3:80", map[string]string{"X-Forwarded-For": "198.51.100.9"}, "198.51.100.9"},
		{"trusted proxy, X-Real-IP only", "127.0.0.1:80", map[string]string{"X-Real-IP": "198.51.100.9"}, "198.51.100.9"},
		{"X-Forwarded-For wins over X-Real-IP", "127.0.0.1:80", map[string]string{"X-Forwarded-For": "198.51.100.9", "X-Real-IP": "1.2.3.4"}, "198.51.100.9"},
		{"client-supplied hops left of the proxy's are ignored", "10.0.0.5:80", map[string]string{"X-Forwarded-For": "1.2.3.4, 198.51.100.9"}, "198.51.100.9"},
		{"trusted hops are skipped from the right", "10.0.0.5:80", map[string]string{"X-Forwarded-For": "198.51.100.9, 10.0.0.7"}, "198.51.100.9"},
		{"all hops trusted: the leftmost", "10.0.0.5:80", map[string]string{"X-Forwarded-For": "10.0.0.9, 10.0.0.7"}, "10.0.0.9"},
		{"malformed header: the peer", "10.0.0.5:80", map[string]string{"X-Forwarded-For": "not-an-ip"}, "10.0.0.5"},
		{"malformed X-Real-IP: the peer", "127.0.0.1:80", map[string]string{"X-Real-IP": "<script>"}, "127.0.0.1"},
		{"trusted proxy without headers: the proxy", "127.0.0.1:80", nil, "127.0.0.1"},
		{"IPv6 peer", "[2001:db8::1]:443", map[string]string{"X-Real-IP": "1.2.3.4"}, "2001:db8::1"},
		{"IPv6 loopback proxy", "[::1]:443", map[string]string{"X-Forwarded-For": "2001:db8::2"}, "2001:db8::2"},
		{"IPv4-mapped IPv6 forwarded", "127.0.0.1:80", map[string]string{"X-Forwarded-For": "::ffff:198.51.100.9"}, "198.51.100.9"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://x/", nil)
			req.RemoteAddr = tt.remote
			for k, v := range tt.hdr {
				req.Header.Set(k, v)
			}
			if got := r.Of(req); got != tt.want {
				t.Fatalf("Of = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNothingTrusted(t *testing.T) {
	r, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://x/", nil)
	req.RemoteAddr = "127.0.0.1:9"
	req.Header.Set("X-Real-IP", "1.2.3.4")
	if got := r.Of(req); got != "127.0.0.1" {
		t.Fatalf("Of = %q", got)
	}
	var zero *Resolver
	if got := zero.Of(req); got != "127.0.0.1" {
		t.Fatalf("nil resolver: Of = %q", got)
	}
}

func TestNewRefusesGarbage(t *testing.T) {
	for _, s := range []string{"10.0.0.0/33", "example.com", "1.2.3"} {
		if _, err := New([]string{s}); err == nil {
			t.Errorf("New(%q) accepted", s)
		}
	}
}

package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

const secret = "whsec_test_0123456789abcdef"

// receiver is a local endpoint that verifies what it receives.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []http.Header
	errs []error
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		err := Verify(req.Header.Get(HeaderSignature), secret, body, time.Now(), 5*time.Minute)
		r.mu.Lock()
		r.got = append(r.got, req.Header.Clone())
		r.errs = append(r.errs, err)
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func call(url string) chat.WebhookCall {
	return chat.WebhookCall{URL: url, Secret: secret, DeliveryID: "d1", Event: chat.EventMessageCreated, Attempt: 1, Body: []byte(`{"type":"message.created"}`)}
}

func TestSendSignsAndReceiverVerifies(t *testing.T) {
	r := newReceiver(t, 204)
	c := New(5 * time.Second)
	ok := call(r.URL + "/hook")
	ok.AllowPrivate = true // the receiver is on loopback
	if st, err := c.Send(context.Background(), ok); err != nil || st != 204 {
		t.Fatalf("Send = %d, %v", st, err)
	}
	if len(r.got) != 1 || r.errs[0] != nil {
		t.Fatalf("receiver: %d requests, verify %v", len(r.got), r.errs)
	}
	h := r.got[0]
	for k, want := range map[string]string{HeaderDelivery: "d1", HeaderEvent: chat.EventMessageCreated, HeaderAttempt: "1", "Content-Type": "application/json"} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
}

func TestSendReportsFailures(t *testing.T) {
	r := newReceiver(t, 500)
	redirect := httptest.NewServer(http.RedirectHandler(r.URL, http.StatusFound))
	defer redirect.Close()
	c := New(5 * time.Second)
	for _, tc := range []struct {
		url    string
		status int
	}{{r.URL, 500}, {redirect.URL, 302}} {
		cl := call(tc.url)
		cl.AllowPrivate = true
		st, err := c.Send(context.Background(), cl)
		if err == nil || st != tc.status {
			t.Errorf("%s: Send = %d, %v; want %d and an error", tc.url, st, err, tc.status)
		}
	}
	if len(r.got) != 1 {
		t.Fatalf("the redirect was followed: the receiver got %d requests", len(r.got))
	}
}

// TestGuardRefusesPrivateAddresses: without AllowPrivate, no connection
// to loopback is made, whether the URL names the address or a hostname
// that resolves to it; link-local and private ranges are refused by the
// same check, run here without opening any socket.
func TestGuardRefusesPrivateAddresses(t *testing.T) {
	r := newReceiver(t, 204)
	_, port, _ := net.SplitHostPort(r.Listener.Addr().String())
	c := New(5 * time.Second)
	urls := []string{r.URL, "http://localhost:" + port + "/hook"}
	if l, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		srv := &http.Server{Handler: r.Config.Handler}
		go func() { _ = srv.Serve(l) }()
		defer srv.Close()
		urls = append(urls, "http://"+l.Addr().String()+"/")
	}
	for _, u := range urls {
		st, err := c.Send(context.Background(), call(u))
		if !errors.Is(err, ErrBlockedAddress) || st != 0 {
			t.Errorf("%s: Send = %d, %v; want ErrBlockedAddress", u, st, err)
		}
	}
	if len(r.got) != 0 {
		t.Fatalf("the receiver got %d requests through the guard", len(r.got))
	}
	for _, addr := range []string{"169.254.169.254:80", "10.1.2.3:443", "172.16.5.4:80", "192.168.1.1:80", "[fe80::1]:80", "[fd00::1]:80", "[::ffff:10.0.0.1]:80", "0.0.0.0:80", "100.64.1.1:80"} {
		if err := control("tcp", addr, nil); !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("control(%s) = %v, want ErrBlockedAddress", addr, err)
		}
	}
	for _, addr := range []string{"203.162.4.191:443", "[2001:4860:4860::8888]:443"} {
		if err := control("tcp", addr, nil); err != nil {
			t.Errorf("control(%s) = %v, want nil", addr, err)
		}
	}
	// The message the admin sees says why.
	_, err := c.Send(context.Background(), call(r.URL))
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("error %v does not name the address", err)
	}
}

func TestSendTimesOut(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	cl := call(srv.URL)
	cl.AllowPrivate = true
	start := time.Now()
	if _, err := New(300*time.Millisecond).Send(context.Background(), cl); err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("Send = %v after %s", err, time.Since(start))
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"id":"e1"}`)
	now := time.Unix(1_750_000_000, 0)
	h := Sign(secret, now, body)
	for _, c := range []struct {
		name   string
		header string
		secret string
		body   []byte
		at     time.Time
		want   error
	}{
		{"valid", h, secret, body, now, nil},
		{"a rotated secret's second value", h + ",v1=00ff", secret, body, now.Add(time.Minute), nil},
		{"wrong secret", h, "whsec_other_secret_000000", body, now, ErrNoSignature},
		{"body changed", h, secret, []byte(`{"id":"e2"}`), now, ErrNoSignature},
		{"too old", h, secret, body, now.Add(6 * time.Minute), ErrTooOld},
		{"no timestamp", "v1=abc", secret, body, now, ErrNoSignature},
		{"empty", "", secret, body, now, ErrNoSignature},
	} {
		if err := Verify(c.header, c.secret, c.body, c.at, 5*time.Minute); !errors.Is(err, c.want) {
			t.Errorf("%s: Verify = %v, want %v", c.name, err, c.want)
		}
	}
	if !strings.HasPrefix(h, "t=1750000000,v1=") || len(h) != len("t=1750000000,v1=")+64 {
		t.Fatalf("header %q", h)
	}
}

package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// dialTimeout bounds one connection attempt.
const dialTimeout = 5 * time.Second

// Client posts deliveries. It is safe for concurrent use.
type Client struct {
	timeout time.Duration
	now     func() time.Time
	// guarded refuses non-public addresses at dial time; open is for the
	// endpoints an admin explicitly allowed to reach private networks.
	guarded, open *http.Client
}

// New returns a client whose attempts each take at most timeout.
func New(timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return &Client{timeout: timeout, now: time.Now, guarded: httpClient(false), open: httpClient(true)}
}

func httpClient(allowPrivate bool) *http.Client {
	t := &http.Transport{
		// Never through a proxy from the environment: the guard must see
		// the address actually connected to, and a proxy would reach
		// private addresses on our behalf.
		Proxy:                  nil,
		DialContext:            newDialer(allowPrivate).DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    dialTimeout,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        60 * time.Second,
		ResponseHeaderTimeout:  30 * time.Second,
		MaxResponseHeaderBytes: 16 << 10,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{
		Transport: t,
		// A redirect is not followed (it could lead anywhere, including
		// where the guard would refuse the first hop): the 3xx is a failure.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Send makes one attempt: it returns the HTTP status (0 when no answer
// came) and an error unless the endpoint answered 2xx. The error's text is
// what the admin sees in the delivery list, in Vietnamese.
func (c *Client) Send(ctx context.Context, call chat.WebhookCall) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, call.URL, bytes.NewReader(call.Body))
	if err != nil {
		return 0, fmt.Errorf("địa chỉ không hợp lệ: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "chatdesk-webhook/1")
	req.Header.Set(HeaderSignature, Sign(call.Secret, c.now(), call.Body))
	req.Header.Set(HeaderDelivery, call.DeliveryID)
	req.Header.Set(HeaderEvent, call.Event)
	req.Header.Set(HeaderAttempt, strconv.Itoa(call.Attempt))
	hc := c.guarded
	if call.AllowPrivate {
		hc = c.open
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, describe(err, c.timeout)
	}
	// Read a little of the body so the connection can be reused; the
	// answer itself means nothing to us.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("máy nhận trả lời HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

func describe(err error, timeout time.Duration) error {
	switch {
	case errors.Is(err, ErrBlockedAddress):
		return fmt.Errorf("địa chỉ bị chặn (mạng nội bộ): %w", err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("quá thời gian chờ (%s): %w", timeout, err)
	}
	return fmt.Errorf("không gửi được: %w", err)
}

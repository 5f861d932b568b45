// Package webhook sends chatdesk's webhook deliveries: signed HTTP POSTs
// through a dialer that refuses loopback, link-local and private addresses
// (checked on the resolved address at dial time, so DNS rebinding gains
// nothing), without proxies or redirects. It implements desk.WebhookSender;
// the queue, claims and retries are the core's (internal/desk).
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Headers of every delivery (docs/api.md "Webhooks").
const (
	HeaderSignature = "X-Chatdesk-Signature"
	HeaderDelivery  = "X-Chatdesk-Delivery"
	HeaderEvent     = "X-Chatdesk-Event"
	HeaderAttempt   = "X-Chatdesk-Attempt"
)

// Sign returns the signature header of body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>".
// The timestamp is signed with the body so a captured request cannot be
// replayed later under a fresh timestamp.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verification errors.
var (
	ErrNoSignature = errors.New("webhook: no valid signature")
	ErrTooOld      = errors.New("webhook: timestamp outside the tolerance")
)

// Verify checks a signature header as a receiver should: some v1 value
// must match (several appear while a secret is being rotated) and the
// timestamp must be within tolerance of now.
func Verify(header, secret string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrNoSignature
	}
	want := mac(secret, ts, body)
	ok := false
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			ok = true
		}
	}
	if !ok {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrTooOld
	}
	return nil
}

package chat

import (
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook event types: what an endpoint subscribes to, and the "type" of
// every payload (docs/api.md "Webhooks").
const (
	EventConversationCreated  = "conversation.created"
	EventConversationAssigned = "conversation.assigned"
	EventConversationResolved = "conversation.resolved"
	EventMessageCreated       = "message.created"
	EventRatingCreated        = "rating.created"
	EventContactErased        = "contact.erased"
)

// WebhookEvents lists every event type, in the order the dashboard shows them.
var WebhookEvents = []string{EventConversationCreated, EventConversationAssigned, EventConversationResolved, EventMessageCreated, EventRatingCreated, EventContactErased}

// WebhookEndpoint is an address the admin registered to receive events.
type WebhookEndpoint struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
	// Secret signs every delivery. It is write-only: answers carry it only
	// when the server generated it (once, at creation), then SecretHint.
	Secret     string `json:"secret,omitempty"`
	SecretHint string `json:"secretHint"`
	// AllowPrivate lets deliveries reach loopback, link-local and private
	// addresses (an endpoint inside the shop's own network); off, those
	// addresses are refused at dial time, whatever the name resolves to.
	AllowPrivate bool      `json:"allowPrivate"`
	Enabled      bool      `json:"enabled"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// Subscribes reports whether the endpoint wants events of type typ now.
func (e *WebhookEndpoint) Subscribes(typ string) bool {
	return e.Enabled && slices.Contains(e.Events, typ)
}

// Public is what an admin reads back: the secret's last characters only.
func (e WebhookEndpoint) Public() WebhookEndpoint {
	e.SecretHint = secretHint(e.Secret)
	e.Secret = ""
	e.Events = slices.Clone(e.Events)
	return e
}

func secretHint(s string) string {
	if len(s) < 12 {
		return ""
	}
	return "…" + s[len(s)-4:]
}

// Webhook bounds.
const (
	MaxWebhookEndpoints = 20
	maxWebhookURL       = 500
	maxWebhookDesc      = 200
	minWebhookSecret    = 16
	maxWebhookSecret    = 200
)

// NewWebhookSecret returns a random signing secret, "whsec_" and 48 hex
// characters (192 bits).
func NewWebhookSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + hex.EncodeToString(b[:])
}

var errWebhook = func(fields map[string]string) error {
	return &Error{Code: EINVALID, Message: "Cấu hình webhook chưa hợp lệ.", Fields: fields}
}

// ValidateWebhookEndpoint normalises e as written by an admin. prevSecret
// is the stored secret, kept when e leaves the secret empty (a new
// endpoint gets a generated one: generated reports that, so the answer
// can show it once).
func ValidateWebhookEndpoint(e *WebhookEndpoint, prevSecret string) (generated bool, err error) {
	fields := map[string]string{}
	e.URL = strings.TrimSpace(e.URL)
	if msg := checkWebhookURL(e.URL, e.AllowPrivate); msg != "" {
		fields["url"] = msg
	}
	e.Description = strings.TrimSpace(CleanLine(strings.ToValidUTF8(e.Description, "")))
	if utf8.RuneCountInString(e.Description) > maxWebhookDesc {
		fields["description"] = "Mô tả tối đa 200 ký tự."
	}
	events := []string{}
	for _, ev := range e.Events {
		if !slices.Contains(WebhookEvents, ev) {
			fields["events"] = "Sự kiện không hợp lệ: " + CleanLine(ev) + "."
			continue
		}
		if !slices.Contains(events, ev) {
			events = append(events, ev)
		}
	}
	if len(events) == 0 && fields["events"] == "" {
		fields["events"] = "Chọn ít nhất một sự kiện."
	}
	e.Events = events
	e.Secret = strings.TrimSpace(e.Secret)
	switch {
	case e.Secret == "" && prevSecret != "":
		e.Secret = prevSecret
	case e.Secret == "":
		e.Secret, generated = NewWebhookSecret(), true
	case len(e.Secret) < minWebhookSecret || len(e.Secret) > maxWebhookSecret || HasUnsafeText(e.Secret) || strings.ContainsAny(e.Secret, " \t"):
		fields["secret"] = "Khóa ký phải dài từ 16 đến 200 ký tự, không có khoảng trắng."
	}
	e.SecretHint = ""
	if len(fields) > 0 {
		return false, errWebhook(fields)
	}
	return generated, nil
}

// checkWebhookURL returns why a URL cannot be an endpoint ("" when it can).
// A literal private address is refused here already, for the admin's
// sake; the real guard checks every resolved address when dialling.
func checkWebhookURL(raw string, allowPrivate bool) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || u.Fragment != "" || len(raw) > maxWebhookURL || HasUnsafeText(raw) {
		return "Địa chỉ phải là một URL http(s) hợp lệ, ví dụ https://shop.example.vn/chatdesk/webhook."
	}
	if allowPrivate {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "Địa chỉ nội bộ (localhost) bị chặn. Bật \"Cho phép địa chỉ nội bộ\" nếu máy nhận nằm trong mạng của bạn."
	}
	if ip, err := netip.ParseAddr(host); err == nil && !PublicAddr(ip) {
		return "Địa chỉ IP nội bộ bị chặn. Bật \"Cho phép địa chỉ nội bộ\" nếu máy nhận nằm trong mạng của bạn."
	}
	return ""
}

// blockedPrefixes are the ranges a webhook may not reach unless its
// endpoint allows private addresses: besides what netip classifies
// (loopback, private, link-local, multicast, unspecified), "this network",
// carrier-grade NAT, the IETF protocol block, benchmarking, the
// documentation ranges, 6to4 relays' anycast and NAT64/6to4/Teredo forms
// that embed an IPv4 address, reserved and broadcast.
var blockedPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "2002::/16", "fc00::/7",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// PublicAddr reports whether ip is an address on the public internet: not
// loopback, private, link-local, multicast, unspecified or any reserved
// range (blockedPrefixes). IPv4-mapped IPv6 addresses are judged as the
// IPv4 address they carry.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// DeliveryStatus is where a webhook delivery stands.
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"   // waiting for its next attempt
	DeliveryDelivered DeliveryStatus = "delivered" // the endpoint answered 2xx
	DeliveryFailed    DeliveryStatus = "failed"    // retried for WebhookRetryFor without success
)

// WebhookRetryFor is how long a delivery is retried after its event.
const WebhookRetryFor = 24 * time.Hour

// WebhookDelivery is one event on its way to one endpoint: queued in
// MongoDB before the request that caused it returns, then attempted by
// whichever node claims it. ID is stable across attempts (the receiver's
// deduplication key); a redelivery asked by an admin is a new delivery of
// the same event (same EventID).
type WebhookDelivery struct {
	ID             string         `json:"id"`
	EndpointID     string         `json:"endpointId"`
	EventID        string         `json:"eventId"`
	Event          string         `json:"event"`
	ConversationID string         `json:"conversationId,omitempty"`
	Body           string         `json:"body"`
	Status         DeliveryStatus `json:"status"`
	Attempts       int            `json:"attempts"`
	CreatedAt      time.Time      `json:"createdAt"`
	NextAttemptAt  time.Time      `json:"nextAttemptAt"`
	LastAttemptAt  *time.Time     `json:"lastAttemptAt"`
	LastStatus     int            `json:"lastStatus"`
	LastError      string         `json:"lastError"`
	DeliveredAt    *time.Time     `json:"deliveredAt"`
	RedeliveryOf   string         `json:"redeliveryOf,omitempty"`
}

// DeliveryAttempt is the outcome of one attempt, written by the node that
// claimed the delivery: the new status, count and time of the next try.
type DeliveryAttempt struct {
	Status        DeliveryStatus
	Attempts      int
	At            time.Time
	NextAttemptAt time.Time
	HTTPStatus    int
	Error         string
}

// WebhookCall is one attempt of a delivery as the sender makes it: a
// signed POST of Body to URL (desk.WebhookSender).
type WebhookCall struct {
	URL          string
	Secret       string
	DeliveryID   string
	Event        string
	Attempt      int
	Body         []byte
	AllowPrivate bool
}

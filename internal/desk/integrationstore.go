package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The interfaces in this file are what the integrations (webhooks, email)
// need from durable storage. internal/mongo implements them beside the
// Store; internal/inmem in memory. desktest.TestIntegrationStore is their
// contract.

// WebhookEndpointStore keeps the endpoints admins registered.
type WebhookEndpointStore interface {
	// WebhookEndpoints returns every endpoint, oldest first.
	WebhookEndpoints(ctx context.Context) ([]*chat.WebhookEndpoint, error)
	// WebhookEndpoint returns chat.ErrNotFound when missing.
	WebhookEndpoint(ctx context.Context, id string) (*chat.WebhookEndpoint, error)
	CreateWebhookEndpoint(ctx context.Context, e *chat.WebhookEndpoint) error
	// UpdateWebhookEndpoint and DeleteWebhookEndpoint return chat.ErrNotFound
	// when missing.
	UpdateWebhookEndpoint(ctx context.Context, e *chat.WebhookEndpoint) error
	DeleteWebhookEndpoint(ctx context.Context, id string) error
}

// WebhookDeliveryStore is the durable queue of deliveries. Only the node
// holding a delivery's claim (a named lock) writes its outcome, so no
// racing read-modify-write is needed (FerretDB has no atomic one).
type WebhookDeliveryStore interface {
	// EnqueueDeliveries inserts deliveries in one write. A delivery whose
	// id is stored already is left as it is (a retried enqueue).
	EnqueueDeliveries(ctx context.Context, ds []*chat.WebhookDelivery) error
	// Delivery returns chat.ErrNotFound when missing.
	Delivery(ctx context.Context, id string) (*chat.WebhookDelivery, error)
	// DueDeliveries returns up to limit pending deliveries whose next
	// attempt is at or before now, soonest first.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*chat.WebhookDelivery, error)
	// RecordAttempt writes an attempt's outcome on delivery id (missing:
	// nothing happens, it was erased meanwhile).
	RecordAttempt(ctx context.Context, id string, a chat.DeliveryAttempt) error
	// Deliveries returns an endpoint's latest deliveries, newest first.
	Deliveries(ctx context.Context, endpointID string, limit int) ([]*chat.WebhookDelivery, error)
	// CountPendingDeliveries is the backlog.
	CountPendingDeliveries(ctx context.Context) (int, error)
	// DeleteDeliveriesBefore removes deliveries created before cutoff
	// (retention) and returns how many.
	DeleteDeliveriesBefore(ctx context.Context, cutoff time.Time) (int, error)
	// DeleteConversationDeliveries removes the deliveries about the given
	// conversations (their payloads hold personal data: an erasure).
	DeleteConversationDeliveries(ctx context.Context, conversationIDs []string) (int, error)
}

// MailSettingsStore keeps the SMTP settings.
type MailSettingsStore interface {
	// MailSettings returns chat.DefaultMailSettings() when none were saved.
	MailSettings(ctx context.Context) (chat.MailSettings, error)
	SaveMailSettings(ctx context.Context, m chat.MailSettings) error
}

// IntegrationStore is the storage of webhooks and email.
type IntegrationStore interface {
	WebhookEndpointStore
	WebhookDeliveryStore
	MailSettingsStore
}

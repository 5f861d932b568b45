package desk

import (
	"context"
	"errors"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Integrations is how chatdesk reaches the shop's other systems: webhook
// endpoints (admins) and email (SMTP settings for admins, transcripts for
// visitors; mail.go).
type Integrations struct {
	store    IntegrationStore
	hooks    *webhooks
	dispatch *dispatcher
	mail     *mailer
	audit    auditLog
	now      Clock
	fail     failures
}

var errNoIntegrations = chat.ErrUnavailable

func (in *Integrations) ready(actor Actor) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if in.store == nil {
		return errNoIntegrations
	}
	return nil
}

// WebhookEndpoints lists the endpoints, secrets hidden.
func (in *Integrations) WebhookEndpoints(ctx context.Context, actor Actor) ([]chat.WebhookEndpoint, error) {
	if err := in.ready(actor); err != nil {
		return nil, err
	}
	list, err := in.store.WebhookEndpoints(ctx)
	if err != nil {
		return nil, in.fail.unavailable(err)
	}
	out := make([]chat.WebhookEndpoint, len(list))
	for i, e := range list {
		out[i] = e.Public()
	}
	return out, nil
}

// CreateWebhookEndpoint registers an endpoint. When the admin gave no
// secret one is generated, and this answer is the only one that shows it.
func (in *Integrations) CreateWebhookEndpoint(ctx context.Context, actor Actor, e chat.WebhookEndpoint) (chat.WebhookEndpoint, error) {
	if err := in.ready(actor); err != nil {
		return chat.WebhookEndpoint{}, err
	}
	list, err := in.store.WebhookEndpoints(ctx)
	if err != nil {
		return chat.WebhookEndpoint{}, in.fail.unavailable(err)
	}
	if len(list) >= chat.MaxWebhookEndpoints {
		return chat.WebhookEndpoint{}, &chat.Error{Code: chat.EINVALID, Message: "Tối đa 20 điểm nhận webhook."}
	}
	generated, err := chat.ValidateWebhookEndpoint(&e, "")
	if err != nil {
		return chat.WebhookEndpoint{}, err
	}
	now := stamp(in.now)
	e.ID, e.CreatedAt, e.UpdatedAt = chat.NewID(), now, now
	if err := in.store.CreateWebhookEndpoint(ctx, &e); err != nil {
		return chat.WebhookEndpoint{}, in.fail.unavailable(err)
	}
	in.hooks.endpoints.invalidate()
	in.audit.record(ctx, actor, chat.AuditWebhookCreated, e.ID, webhookCreatedDetail(&e, generated))
	out := e.Public()
	if generated {
		out.Secret = e.Secret
	}
	return out, nil
}

// UpdateWebhookEndpoint changes an endpoint; an empty secret keeps the
// stored one.
func (in *Integrations) UpdateWebhookEndpoint(ctx context.Context, actor Actor, id string, e chat.WebhookEndpoint) (chat.WebhookEndpoint, error) {
	if err := in.ready(actor); err != nil {
		return chat.WebhookEndpoint{}, err
	}
	prev, err := in.store.WebhookEndpoint(ctx, id)
	if err != nil {
		return chat.WebhookEndpoint{}, in.fail.unavailable(err)
	}
	if _, err := chat.ValidateWebhookEndpoint(&e, prev.Secret); err != nil {
		return chat.WebhookEndpoint{}, err
	}
	e.ID, e.CreatedAt, e.UpdatedAt = prev.ID, prev.CreatedAt, stamp(in.now)
	if err := in.store.UpdateWebhookEndpoint(ctx, &e); err != nil {
		return chat.WebhookEndpoint{}, in.fail.unavailable(err)
	}
	in.hooks.endpoints.invalidate()
	in.audit.record(ctx, actor, chat.AuditWebhookUpdated, e.ID, webhookUpdatedDetail(prev, &e))
	return e.Public(), nil
}

// DeleteWebhookEndpoint removes an endpoint; its pending deliveries fail
// at their next attempt.
func (in *Integrations) DeleteWebhookEndpoint(ctx context.Context, actor Actor, id string) error {
	if err := in.ready(actor); err != nil {
		return err
	}
	prev, err := in.store.WebhookEndpoint(ctx, id)
	if err != nil {
		return in.fail.unavailable(err)
	}
	if err := in.store.DeleteWebhookEndpoint(ctx, id); err != nil {
		return in.fail.unavailable(err)
	}
	in.hooks.endpoints.invalidate()
	in.audit.record(ctx, actor, chat.AuditWebhookDeleted, id, "Xóa điểm nhận webhook "+webhookName(prev)+".")
	return nil
}

// MaxDeliveryList bounds the deliveries an admin lists.
const MaxDeliveryList = 100

// WebhookDeliveries lists an endpoint's latest deliveries, newest first.
func (in *Integrations) WebhookDeliveries(ctx context.Context, actor Actor, endpointID string, limit int) ([]*chat.WebhookDelivery, error) {
	if err := in.ready(actor); err != nil {
		return nil, err
	}
	if _, err := in.store.WebhookEndpoint(ctx, endpointID); err != nil {
		return nil, in.fail.unavailable(err)
	}
	if limit <= 0 || limit > MaxDeliveryList {
		limit = 50
	}
	out, err := in.store.Deliveries(ctx, endpointID, limit)
	if err != nil {
		return nil, in.fail.unavailable(err)
	}
	return out, nil
}

// RedeliverWebhook ("Gửi lại") queues a delivery's event again for its
// endpoint: a new delivery (its own id, the same event id), attempted at
// once, whatever became of the first.
func (in *Integrations) RedeliverWebhook(ctx context.Context, actor Actor, deliveryID string) (*chat.WebhookDelivery, error) {
	if err := in.ready(actor); err != nil {
		return nil, err
	}
	prev, err := in.store.Delivery(ctx, deliveryID)
	if err != nil {
		return nil, in.fail.unavailable(err)
	}
	if _, err := in.store.WebhookEndpoint(ctx, prev.EndpointID); errors.Is(err, chat.ErrNotFound) {
		return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Điểm nhận của lần gửi này đã bị xóa."}
	} else if err != nil {
		return nil, in.fail.unavailable(err)
	}
	now := stamp(in.now)
	d := &chat.WebhookDelivery{
		ID: chat.NewID(), EndpointID: prev.EndpointID, EventID: prev.EventID, Event: prev.Event, ConversationID: prev.ConversationID,
		Body: prev.Body, Status: chat.DeliveryPending, CreatedAt: now, NextAttemptAt: now.Add(firstAttemptGrace), RedeliveryOf: prev.ID,
	}
	if err := in.store.EnqueueDeliveries(ctx, []*chat.WebhookDelivery{d}); err != nil {
		return nil, in.fail.unavailable(err)
	}
	in.dispatch.queued([]*chat.WebhookDelivery{d})
	return d, nil
}

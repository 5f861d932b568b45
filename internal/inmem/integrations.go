package inmem

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Integrations keeps what internal/mongo keeps for webhooks and email
// (desk.IntegrationStore), in memory. The zero value is not usable: call
// NewIntegrations.
type Integrations struct {
	downSwitch

	mu         sync.RWMutex
	endpoints  map[string]*chat.WebhookEndpoint
	deliveries map[string]*chat.WebhookDelivery
	mail       *chat.MailSettings
}

// NewIntegrations returns an empty store.
func NewIntegrations() *Integrations {
	return &Integrations{endpoints: map[string]*chat.WebhookEndpoint{}, deliveries: map[string]*chat.WebhookDelivery{}}
}

func (s *Integrations) read(ctx context.Context, f func()) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	f()
	return nil
}

func (s *Integrations) write(ctx context.Context, f func() error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}

func cloneEndpoint(e *chat.WebhookEndpoint) *chat.WebhookEndpoint {
	out := *e
	out.Events = copyStrings(e.Events)
	out.SecretHint = ""
	out.CreatedAt, out.UpdatedAt = ms(e.CreatedAt), ms(e.UpdatedAt)
	return &out
}

func cloneDelivery(d *chat.WebhookDelivery) *chat.WebhookDelivery {
	out := *d
	out.CreatedAt, out.NextAttemptAt = ms(d.CreatedAt), ms(d.NextAttemptAt)
	out.LastAttemptAt, out.DeliveredAt = msPtr(d.LastAttemptAt), msPtr(d.DeliveredAt)
	return &out
}

// WebhookEndpoints returns every endpoint, oldest first.
func (s *Integrations) WebhookEndpoints(ctx context.Context) ([]*chat.WebhookEndpoint, error) {
	out := []*chat.WebhookEndpoint{}
	err := s.read(ctx, func() {
		for _, e := range s.endpoints {
			out = append(out, cloneEndpoint(e))
		}
	})
	slices.SortFunc(out, func(a, b *chat.WebhookEndpoint) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, err
}

// WebhookEndpoint returns chat.ErrNotFound when id is unknown.
func (s *Integrations) WebhookEndpoint(ctx context.Context, id string) (*chat.WebhookEndpoint, error) {
	var out *chat.WebhookEndpoint
	var err error
	if rerr := s.read(ctx, func() { out, err = lookup(s.endpoints, id, cloneEndpoint) }); rerr != nil {
		return nil, rerr
	}
	return out, err
}

// CreateWebhookEndpoint stores e.
func (s *Integrations) CreateWebhookEndpoint(ctx context.Context, e *chat.WebhookEndpoint) error {
	return s.write(ctx, func() error {
		if _, ok := s.endpoints[e.ID]; ok {
			return errDuplicateID
		}
		s.endpoints[e.ID] = cloneEndpoint(e)
		return nil
	})
}

// UpdateWebhookEndpoint replaces e; chat.ErrNotFound when missing.
func (s *Integrations) UpdateWebhookEndpoint(ctx context.Context, e *chat.WebhookEndpoint) error {
	return s.write(ctx, func() error { return replace(s.endpoints, e.ID, cloneEndpoint(e)) })
}

// DeleteWebhookEndpoint removes an endpoint; chat.ErrNotFound when missing.
func (s *Integrations) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	return s.write(ctx, func() error { return remove(s.endpoints, id) })
}

// EnqueueDeliveries stores deliveries whose id is new.
func (s *Integrations) EnqueueDeliveries(ctx context.Context, ds []*chat.WebhookDelivery) error {
	return s.write(ctx, func() error {
		for _, d := range ds {
			if _, ok := s.deliveries[d.ID]; !ok {
				s.deliveries[d.ID] = cloneDelivery(d)
			}
		}
		return nil
	})
}

// Delivery returns chat.ErrNotFound when id is unknown.
func (s *Integrations) Delivery(ctx context.Context, id string) (*chat.WebhookDelivery, error) {
	var out *chat.WebhookDelivery
	var err error
	if rerr := s.read(ctx, func() { out, err = lookup(s.deliveries, id, cloneDelivery) }); rerr != nil {
		return nil, rerr
	}
	return out, err
}

// selectDeliveries returns copies of the deliveries keep accepts, sorted
// by order, at most limit.
func (s *Integrations) selectDeliveries(ctx context.Context, keep func(*chat.WebhookDelivery) bool, order func(a, b *chat.WebhookDelivery) int, limit int) ([]*chat.WebhookDelivery, error) {
	out := []*chat.WebhookDelivery{}
	err := s.read(ctx, func() {
		for _, d := range s.deliveries {
			if keep(d) {
				out = append(out, cloneDelivery(d))
			}
		}
	})
	slices.SortFunc(out, order)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// DueDeliveries returns pending deliveries due at now, soonest first.
func (s *Integrations) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*chat.WebhookDelivery, error) {
	now = ms(now)
	return s.selectDeliveries(ctx, func(d *chat.WebhookDelivery) bool {
		return d.Status == chat.DeliveryPending && !d.NextAttemptAt.After(now)
	}, func(a, b *chat.WebhookDelivery) int {
		return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), strings.Compare(a.ID, b.ID))
	}, limit)
}

// RecordAttempt writes an attempt's outcome; a missing delivery is fine.
func (s *Integrations) RecordAttempt(ctx context.Context, id string, a chat.DeliveryAttempt) error {
	return s.write(ctx, func() error {
		d, ok := s.deliveries[id]
		if !ok {
			return nil
		}
		d.Status, d.Attempts, d.LastStatus, d.LastError = a.Status, a.Attempts, a.HTTPStatus, a.Error
		at := ms(a.At)
		d.LastAttemptAt = &at
		if !a.NextAttemptAt.IsZero() {
			d.NextAttemptAt = ms(a.NextAttemptAt)
		}
		if a.Status == chat.DeliveryDelivered {
			d.DeliveredAt = &at
		}
		return nil
	})
}

// Deliveries returns an endpoint's deliveries, newest first.
func (s *Integrations) Deliveries(ctx context.Context, endpointID string, limit int) ([]*chat.WebhookDelivery, error) {
	return s.selectDeliveries(ctx, func(d *chat.WebhookDelivery) bool { return d.EndpointID == endpointID },
		func(a, b *chat.WebhookDelivery) int {
			return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(b.ID, a.ID))
		}, limit)
}

// CountPendingDeliveries counts pending deliveries.
func (s *Integrations) CountPendingDeliveries(ctx context.Context) (int, error) {
	n := 0
	err := s.read(ctx, func() {
		for _, d := range s.deliveries {
			if d.Status == chat.DeliveryPending {
				n++
			}
		}
	})
	return n, err
}

func (s *Integrations) deleteWhere(ctx context.Context, match func(*chat.WebhookDelivery) bool) (int, error) {
	n := 0
	err := s.write(ctx, func() error {
		for id, d := range s.deliveries {
			if match(d) {
				delete(s.deliveries, id)
				n++
			}
		}
		return nil
	})
	return n, err
}

// DeleteDeliveriesBefore removes deliveries created before cutoff.
func (s *Integrations) DeleteDeliveriesBefore(ctx context.Context, cutoff time.Time) (int, error) {
	cutoff = ms(cutoff)
	return s.deleteWhere(ctx, func(d *chat.WebhookDelivery) bool { return d.CreatedAt.Before(cutoff) })
}

// DeleteConversationDeliveries removes the deliveries of conversations.
func (s *Integrations) DeleteConversationDeliveries(ctx context.Context, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, s.check(ctx)
	}
	return s.deleteWhere(ctx, func(d *chat.WebhookDelivery) bool {
		return d.ConversationID != "" && slices.Contains(ids, d.ConversationID)
	})
}

// MailSettings returns the saved SMTP settings or the defaults.
func (s *Integrations) MailSettings(ctx context.Context) (chat.MailSettings, error) {
	out := chat.DefaultMailSettings()
	err := s.read(ctx, func() {
		if s.mail != nil {
			out = *s.mail
		}
	})
	return out, err
}

// SaveMailSettings replaces the SMTP settings (PasswordSet and FromEnv are
// derived, not kept).
func (s *Integrations) SaveMailSettings(ctx context.Context, m chat.MailSettings) error {
	m.PasswordSet, m.FromEnv = false, false
	return s.write(ctx, func() error { s.mail = &m; return nil })
}

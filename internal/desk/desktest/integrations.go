package desktest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// TestIntegrationStore runs the contract of desk.IntegrationStore (webhook
// endpoints, the delivery queue, the SMTP settings). newStore must return
// an empty store of its own on every call.
func TestIntegrationStore(t *testing.T, newStore func(t *testing.T) desk.IntegrationStore) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, s desk.IntegrationStore)
	}{
		{"Endpoints", testEndpoints},
		{"DeliveryQueue", testDeliveryQueue},
		{"DeliveryOutcomes", testDeliveryOutcomes},
		{"DeliveryLists", testDeliveryLists},
		{"DeliveryDeletes", testDeliveryDeletes},
		{"MailSettings", testMailSettings},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t)) })
	}
}

func endpoint(url string, at time.Time, events ...string) *chat.WebhookEndpoint {
	return &chat.WebhookEndpoint{ID: chat.NewID(), URL: url, Events: events, Secret: "whsec_0123456789abcdef", Enabled: true, CreatedAt: at, UpdatedAt: at}
}

// testEndpoints: round trip, oldest first, copies, not found.
func testEndpoints(t *testing.T, s desk.IntegrationStore) {
	ctx := ctxT(t)
	if got, err := s.WebhookEndpoints(ctx); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("empty store: %v, %v (want [], nil)", got, err)
	}
	b := endpoint("https://b.example.vn/hook", t0.Add(time.Minute), chat.EventMessageCreated)
	a := endpoint("https://a.example.vn/hook", t0, chat.EventConversationCreated, chat.EventRatingCreated)
	a.Description, a.AllowPrivate = "CRM", true
	must(t, s.CreateWebhookEndpoint(ctx, b))
	must(t, s.CreateWebhookEndpoint(ctx, a))
	list, err := s.WebhookEndpoints(ctx)
	must(t, err)
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("list = %v, want a then b (oldest first)", pluck(list, func(e *chat.WebhookEndpoint) string { return e.URL }))
	}
	if !reflect.DeepEqual(list[0], a) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", list[0], a)
	}
	list[0].Events[0] = "changed"
	got, err := s.WebhookEndpoint(ctx, a.ID)
	must(t, err)
	if !reflect.DeepEqual(got, a) {
		t.Fatalf("a caller changed the stored endpoint: %+v", got)
	}
	a.Events, a.Enabled, a.UpdatedAt = []string{chat.EventContactErased}, false, t0.Add(time.Hour)
	must(t, s.UpdateWebhookEndpoint(ctx, a))
	if got, _ := s.WebhookEndpoint(ctx, a.ID); !reflect.DeepEqual(got, a) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, a)
	}
	missing := endpoint("https://c.example.vn", t0)
	if err := s.UpdateWebhookEndpoint(ctx, missing); !isNotFound(err) {
		t.Fatalf("update of a missing endpoint: %v", err)
	}
	if _, err := s.WebhookEndpoint(ctx, missing.ID); !isNotFound(err) {
		t.Fatalf("missing endpoint: %v", err)
	}
	must(t, s.DeleteWebhookEndpoint(ctx, b.ID))
	if err := s.DeleteWebhookEndpoint(ctx, b.ID); !isNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
	if list, _ := s.WebhookEndpoints(ctx); len(list) != 1 {
		t.Fatalf("after delete: %d endpoints", len(list))
	}
}

func delivery(endpointID, conv string, created time.Time, next time.Time) *chat.WebhookDelivery {
	return &chat.WebhookDelivery{
		ID: chat.NewID(), EndpointID: endpointID, EventID: chat.NewID(), Event: chat.EventMessageCreated, ConversationID: conv,
		Body: `{"type":"message.created","data":{"text":"Chào shop"}}`, Status: chat.DeliveryPending, CreatedAt: created, NextAttemptAt: next,
	}
}

// testDeliveryQueue: what is due, soonest first, bounded; an enqueue
// retried keeps the stored delivery.
func testDeliveryQueue(t *testing.T, s desk.IntegrationStore) {
	ctx := ctxT(t)
	if due, err := s.DueDeliveries(ctx, t0, 10); err != nil || due == nil || len(due) != 0 {
		t.Fatalf("empty queue: %v, %v", due, err)
	}
	late := delivery("e1", "c1", t0, t0.Add(3*time.Second))
	soon := delivery("e1", "c1", t0, t0.Add(time.Second))
	later := delivery("e2", "c2", t0, t0.Add(time.Hour))
	must(t, s.EnqueueDeliveries(ctx, []*chat.WebhookDelivery{late, soon, later}))
	must(t, s.EnqueueDeliveries(ctx, nil))
	due, err := s.DueDeliveries(ctx, t0.Add(5*time.Second), 10)
	must(t, err)
	if ids := pluck(due, func(d *chat.WebhookDelivery) string { return d.ID }); !reflect.DeepEqual(ids, []string{soon.ID, late.ID}) {
		t.Fatalf("due = %v, want soon then late", ids)
	}
	if !reflect.DeepEqual(due[0], soon) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", due[0], soon)
	}
	if due, _ := s.DueDeliveries(ctx, t0.Add(5*time.Second), 1); len(due) != 1 || due[0].ID != soon.ID {
		t.Fatalf("limit 1: %v", due)
	}
	if due, _ := s.DueDeliveries(ctx, t0.Add(time.Second), 10); len(due) != 1 {
		t.Fatalf("due at the boundary: %d, want 1 (next attempt at or before now)", len(due))
	}
	// A retried enqueue (the first one's answer was lost) changes nothing.
	again := *soon
	again.Body, again.NextAttemptAt = "other", t0.Add(time.Hour)
	must(t, s.EnqueueDeliveries(ctx, []*chat.WebhookDelivery{&again, delivery("e1", "c1", t0, t0)}))
	got, err := s.Delivery(ctx, soon.ID)
	must(t, err)
	if !reflect.DeepEqual(got, soon) {
		t.Fatalf("a repeated enqueue changed the delivery: %+v", got)
	}
	if n, err := s.CountPendingDeliveries(ctx); err != nil || n != 4 {
		t.Fatalf("pending = %d, %v; want 4", n, err)
	}
	if _, err := s.Delivery(ctx, chat.NewID()); !isNotFound(err) {
		t.Fatalf("missing delivery: %v", err)
	}
}

// testDeliveryOutcomes: a failed attempt moves the next one; delivered and
// failed deliveries are never due again.
func testDeliveryOutcomes(t *testing.T, s desk.IntegrationStore) {
	ctx := ctxT(t)
	d := delivery("e1", "c1", t0, t0)
	e := delivery("e1", "c1", t0, t0)
	must(t, s.EnqueueDeliveries(ctx, []*chat.WebhookDelivery{d, e}))
	retry := chat.DeliveryAttempt{Status: chat.DeliveryPending, Attempts: 1, At: t0.Add(time.Second), NextAttemptAt: t0.Add(time.Minute), HTTPStatus: 500, Error: "HTTP 500"}
	must(t, s.RecordAttempt(ctx, d.ID, retry))
	got, err := s.Delivery(ctx, d.ID)
	must(t, err)
	want := *d
	want.Attempts, want.LastAttemptAt, want.NextAttemptAt, want.LastStatus, want.LastError = 1, ptr(t0.Add(time.Second)), t0.Add(time.Minute), 500, "HTTP 500"
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("after a failed attempt:\n got %+v\nwant %+v", got, &want)
	}
	if due, _ := s.DueDeliveries(ctx, t0.Add(30*time.Second), 10); len(due) != 1 || due[0].ID != e.ID {
		t.Fatalf("due before the retry time: %v", pluck(due, func(d *chat.WebhookDelivery) string { return d.ID }))
	}
	ok := chat.DeliveryAttempt{Status: chat.DeliveryDelivered, Attempts: 2, At: t0.Add(2 * time.Minute), HTTPStatus: 204}
	must(t, s.RecordAttempt(ctx, d.ID, ok))
	fail := chat.DeliveryAttempt{Status: chat.DeliveryFailed, Attempts: 9, At: t0.Add(3 * time.Minute), Error: "dial refused"}
	must(t, s.RecordAttempt(ctx, e.ID, fail))
	if due, _ := s.DueDeliveries(ctx, t0.Add(48*time.Hour), 10); len(due) != 0 {
		t.Fatalf("finished deliveries are due: %v", due)
	}
	got, _ = s.Delivery(ctx, d.ID)
	if got.Status != chat.DeliveryDelivered || got.DeliveredAt == nil || !got.DeliveredAt.Equal(t0.Add(2*time.Minute)) || got.LastError != "" || got.LastStatus != 204 || got.Attempts != 2 {
		t.Fatalf("delivered: %+v", got)
	}
	got, _ = s.Delivery(ctx, e.ID)
	if got.Status != chat.DeliveryFailed || got.DeliveredAt != nil || got.LastError != "dial refused" || got.Attempts != 9 {
		t.Fatalf("failed: %+v", got)
	}
	if n, _ := s.CountPendingDeliveries(ctx); n != 0 {
		t.Fatalf("pending = %d, want 0", n)
	}
	must(t, s.RecordAttempt(ctx, chat.NewID(), ok)) // erased meanwhile: nothing to do
}

// testDeliveryLists: an endpoint's deliveries, newest first, bounded.
func testDeliveryLists(t *testing.T, s desk.IntegrationStore) {
	ctx := ctxT(t)
	var mine []*chat.WebhookDelivery
	for i := 0; i < 5; i++ {
		d := delivery("e1", fmt.Sprint("c", i), t0.Add(time.Duration(i)*time.Second), t0)
		mine = append(mine, d)
	}
	other := delivery("e2", "c9", t0.Add(time.Hour), t0)
	must(t, s.EnqueueDeliveries(ctx, append([]*chat.WebhookDelivery{other}, mine...)))
	got, err := s.Deliveries(ctx, "e1", 3)
	must(t, err)
	if ids := pluck(got, func(d *chat.WebhookDelivery) string { return d.ID }); !reflect.DeepEqual(ids, []string{mine[4].ID, mine[3].ID, mine[2].ID}) {
		t.Fatalf("deliveries of e1 = %v, want the 3 newest, newest first", ids)
	}
	if got, err := s.Deliveries(ctx, "none", 3); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("no deliveries: %v, %v (want [], nil)", got, err)
	}
}

// testDeliveryDeletes: retention by age; erasure by conversation.
func testDeliveryDeletes(t *testing.T, s desk.IntegrationStore) {
	ctx := ctxT(t)
	old := delivery("e1", "c1", t0, t0)
	mid := delivery("e1", "c2", t0.Add(time.Hour), t0)
	fresh := delivery("e1", "c3", t0.Add(2*time.Hour), t0)
	noConv := delivery("e1", "", t0.Add(2*time.Hour), t0)
	must(t, s.EnqueueDeliveries(ctx, []*chat.WebhookDelivery{old, mid, fresh, noConv}))
	if n, err := s.DeleteDeliveriesBefore(ctx, t0.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("retention deleted %d, %v; want 1", n, err)
	}
	if _, err := s.Delivery(ctx, old.ID); !isNotFound(err) {
		t.Fatalf("old delivery kept: %v", err)
	}
	if n, err := s.DeleteConversationDeliveries(ctx, []string{"c2", "c3", "c7"}); err != nil || n != 2 {
		t.Fatalf("erasure deleted %d, %v; want 2", n, err)
	}
	if n, err := s.DeleteConversationDeliveries(ctx, nil); err != nil || n != 0 {
		t.Fatalf("erasure of nothing: %d, %v", n, err)
	}
	left, _ := s.Deliveries(ctx, "e1", 10)
	if len(left) != 1 || left[0].ID != noConv.ID {
		t.Fatalf("left: %v", pluck(left, func(d *chat.WebhookDelivery) string { return d.ConversationID }))
	}
}

// testMailSettings: defaults, then a round trip.
func testMailSettings(t *testing.T, s desk.IntegrationStore) {
	ctx := ctxT(t)
	got, err := s.MailSettings(ctx)
	must(t, err)
	if !reflect.DeepEqual(got, chat.DefaultMailSettings()) {
		t.Fatalf("defaults = %+v", got)
	}
	m := chat.MailSettings{Host: "smtp.example.vn", Port: 465, Security: chat.MailTLS, Username: "hotro", Password: "mật khẩu", From: "Hỗ trợ <hotro@example.vn>", NotifyWaiting: false, NotifyEveryMinutes: 30}
	must(t, s.SaveMailSettings(ctx, m))
	must(t, s.SaveMailSettings(ctx, m))
	got, err = s.MailSettings(ctx)
	must(t, err)
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
}

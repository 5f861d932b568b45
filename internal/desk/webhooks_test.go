package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

// fakeSender records every attempt; answer decides its outcome.
type fakeSender struct {
	mu     sync.Mutex
	calls  []chat.WebhookCall
	answer func(call chat.WebhookCall, n int) (int, error) // n: attempts of this delivery so far, this one included
	// hold, while open, keeps every attempt waiting (or until its context ends).
	hold chan struct{}
}

func (f *fakeSender) Send(ctx context.Context, call chat.WebhookCall) (int, error) {
	if f.hold != nil {
		select {
		case <-f.hold:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, call)
	n := 0
	for _, c := range f.calls {
		if c.DeliveryID == call.DeliveryID {
			n++
		}
	}
	answer := f.answer
	f.mu.Unlock()
	if answer == nil {
		return 204, nil
	}
	return answer(call, n)
}

func (f *fakeSender) sent() []chat.WebhookCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]chat.WebhookCall(nil), f.calls...)
}

// hookDesk is a testDesk whose core has an integration store and a
// webhook sender; peer shares the store, the coordinator and the clock
// with another one: two nodes of a cluster.
type hookDesk struct {
	*testDesk
	integ   *inmem.Integrations
	sender  *fakeSender
	metrics *hookMetrics
}

// hookMetrics records what the core tells the metrics about webhooks.
type hookMetrics struct {
	mu       sync.Mutex
	attempts map[string]int
	backlog  []int
}

func (m *hookMetrics) MessageStored(time.Duration) {}
func (m *hookMetrics) RedisError()                 {}
func (m *hookMetrics) MongoError()                 {}
func (m *hookMetrics) BotCall(string)              {}
func (m *hookMetrics) QueueWait(time.Duration)     {}
func (m *hookMetrics) WebhookAttempt(outcome string) {
	m.mu.Lock()
	m.attempts[outcome]++
	m.mu.Unlock()
}
func (m *hookMetrics) WebhookBacklog(n int) {
	m.mu.Lock()
	m.backlog = append(m.backlog, n)
	m.mu.Unlock()
}

// state is the attempts by outcome and the last backlog sampled (-1: none).
func (m *hookMetrics) state() (map[string]int, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	last := -1
	if len(m.backlog) > 0 {
		last = m.backlog[len(m.backlog)-1]
	}
	out := map[string]int{}
	for k, v := range m.attempts {
		out[k] = v
	}
	return out, last
}

func newHookDesk(t *testing.T, peer *hookDesk, tweak ...func(*Config)) *hookDesk {
	t.Helper()
	return newHookDeskWith(t, peer, nil, tweak...)
}

// newHookDeskWith is newHookDesk with a Mailer (nil: none, no email).
func newHookDeskWith(t *testing.T, peer *hookDesk, mailer Mailer, tweak ...func(*Config)) *hookDesk {
	t.Helper()
	d := &testDesk{t: t, ctx: context.Background(), connected: map[string]bool{}}
	h := &hookDesk{testDesk: d, sender: &fakeSender{}, metrics: &hookMetrics{attempts: map[string]int{}}}
	if peer != nil {
		d.store, d.coord, d.clock, d.broker, h.integ = peer.store, peer.coord, peer.clock, peer.broker, peer.integ
	} else {
		d.store = inmem.NewStore()
		d.clock = inmem.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
		d.coord = inmem.NewCoordinator(d.clock.Now)
		d.broker = inmem.NewBroker()
		h.integ = inmem.NewIntegrations()
	}
	tokens, err := auth.NewTokens(strings.Repeat("k", 32)+"-unit-test-secret", time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	d.bus = d.broker.Bus()
	cfg := Config{
		NodeID: fmt.Sprintf("node-%p", d), Clock: d.clock.Now, JanitorEvery: time.Hour,
		WebhookPoll: 5 * time.Millisecond, WebhookRetryBase: 30 * time.Second,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	d.core = New(Deps{Store: d.store, Coord: d.coord, Bus: d.bus, Tokens: tokens, Integrations: h.integ, WebhookSender: h.sender, Mailer: mailer, Metrics: h.metrics}, cfg)
	if err := d.core.Setup(d.ctx); err != nil {
		t.Fatal(err)
	}
	d.events = watch(t, d.broker)
	d.core.Start()
	t.Cleanup(d.core.Stop)
	return h
}

func (h *hookDesk) admin() Actor {
	return Actor{Agent: &chat.Agent{ID: "admin", Name: "Quản trị", Role: chat.RoleAdmin}}
}

func (h *hookDesk) endpoint(events ...string) chat.WebhookEndpoint {
	h.t.Helper()
	e, err := h.core.Integrations.CreateWebhookEndpoint(h.ctx, h.admin(), chat.WebhookEndpoint{URL: "https://crm.example.vn/hook", Events: events, Enabled: true})
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

func (h *hookDesk) deliveries(endpointID string) []*chat.WebhookDelivery {
	h.t.Helper()
	ds, err := h.integ.Deliveries(h.ctx, endpointID, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	return ds
}

func (h *hookDesk) waitStatus(id string, want chat.DeliveryStatus, attempts int) *chat.WebhookDelivery {
	h.t.Helper()
	var d *chat.WebhookDelivery
	eventually(h.t, fmt.Sprintf("delivery %s %s after %d attempts", id, want, attempts), func() (bool, string) {
		d, _ = h.integ.Delivery(h.ctx, id)
		return d != nil && d.Status == want && d.Attempts == attempts, fmt.Sprintf("%+v", d)
	})
	return d
}

func decodeEvent(t *testing.T, body string) (WebhookEvent, map[string]any) {
	t.Helper()
	var ev WebhookEvent
	var data struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(body), &data)
	return ev, data.Data
}

// countingStore counts the integration store's calls: the message path
// must not touch it when nothing subscribes.
type countingStore struct {
	IntegrationStore
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	c.calls[name]++
	c.mu.Unlock()
}

func (c *countingStore) WebhookEndpoints(ctx context.Context) ([]*chat.WebhookEndpoint, error) {
	c.count("WebhookEndpoints")
	return c.IntegrationStore.WebhookEndpoints(ctx)
}

func (c *countingStore) EnqueueDeliveries(ctx context.Context, ds []*chat.WebhookDelivery) error {
	c.count("EnqueueDeliveries")
	return c.IntegrationStore.EnqueueDeliveries(ctx, ds)
}

// TestMessagesCostNothingWithoutSubscribers: with endpoints that do not
// take message.created, a burst of messages queues nothing and reads the
// endpoint list once per cache period, not once per message.
func TestMessagesCostNothingWithoutSubscribers(t *testing.T) {
	h := newHookDesk(t, nil)
	ep := h.endpoint(chat.EventConversationCreated)
	conv := h.newConversation("Lan", "")
	counting := &countingStore{IntegrationStore: h.integ, calls: map[string]int{}}
	h.core.hooks.endpoints.store = counting
	h.core.hooks.outbox.store = counting
	for i := 0; i < 200; i++ {
		if _, _, err := h.core.Messages.SendMessage(h.ctx, visitorOf(conv), conv.ID, fmt.Sprint("m", i), "Cho em hỏi giá"); err != nil {
			t.Fatal(err)
		}
	}
	if counting.calls["EnqueueDeliveries"] != 0 || counting.calls["WebhookEndpoints"] > 1 {
		t.Fatalf("200 messages without a subscriber cost %v", counting.calls)
	}
	if ds := h.deliveries(ep.ID); len(ds) != 1 || ds[0].Event != chat.EventConversationCreated {
		t.Fatalf("deliveries: %d", len(ds))
	}
}

// TestEventsAreQueuedBeforeTheUseCaseReturns: each event's deliveries are
// stored when the call that caused it returns, with the documented
// payloads, and are then delivered once each.
func TestEventsAreQueuedBeforeTheUseCaseReturns(t *testing.T) {
	h := newHookDesk(t, nil)
	// Nothing is attempted during this test's checks of what is queued.
	block := make(chan struct{})
	h.sender.hold = block
	release := sync.OnceFunc(func() { close(block) })
	defer release()
	ep := h.endpoint(chat.WebhookEvents...)
	an := h.agent("An", chat.RoleAgent)
	an.Email = "an@chatdesk.local"
	h.online(an)
	conv := h.newConversation("Nguyễn Văn Bình", "Cho em hỏi giá")
	// Deliveries of one instant list in no particular order.
	events := func() []string {
		var out []string
		for _, d := range h.deliveries(ep.ID) {
			out = append(out, d.Event)
		}
		slices.Sort(out)
		return out
	}
	want := []string{chat.EventConversationCreated, chat.EventMessageCreated, chat.EventConversationAssigned}
	slices.Sort(want)
	if got := events(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("after the form: %v, want %v", got, want)
	}
	if _, _, err := h.core.Messages.SendMessage(h.ctx, agentActor(an), conv.ID, "a1", "Dạ shop chào anh"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.core.Conversations.Resolve(h.ctx, agentActor(an), conv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.core.Conversations.Rate(h.ctx, visitorOf(conv), conv.ID, 5, "Tư vấn <b>nhiệt tình</b>"); err != nil {
		t.Fatal(err)
	}
	want = append(want, chat.EventMessageCreated, chat.EventConversationResolved, chat.EventRatingCreated)
	slices.Sort(want)
	if got := events(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("deliveries %v, want %v (system notices are not messages)", got, want)
	}
	byEvent := map[string]map[string]any{}
	for _, d := range h.deliveries(ep.ID) {
		ev, data := decodeEvent(t, d.Body)
		if ev.Type != d.Event || ev.ID != d.EventID || d.ConversationID != conv.ID {
			t.Fatalf("delivery %+v carries %+v", d, ev)
		}
		if m, ok := data["message"].(map[string]any); ok && m["senderType"] != "agent" {
			continue // the form's message; the agent's is checked below
		}
		byEvent[d.Event] = data
	}
	created := byEvent[chat.EventConversationCreated]["conversation"].(map[string]any)
	if created["visitor"].(map[string]any)["phone"] != "0912345678" || created["visitor"].(map[string]any)["ip"] != nil {
		t.Fatalf("conversation.created: %v", created)
	}
	assigned := byEvent[chat.EventConversationAssigned]
	if assigned["agent"].(map[string]any)["email"] != "an@chatdesk.local" || assigned["change"] != "assigned" {
		t.Fatalf("conversation.assigned: %v", assigned)
	}
	msg := byEvent[chat.EventMessageCreated]["message"].(map[string]any)
	if msg["senderType"] != "agent" || msg["text"] != "Dạ shop chào anh" {
		t.Fatalf("message.created: %v", msg)
	}
	if byEvent[chat.EventConversationResolved]["resolvedBy"].(map[string]any)["id"] != an.ID {
		t.Fatalf("conversation.resolved: %v", byEvent[chat.EventConversationResolved])
	}
	if r := byEvent[chat.EventRatingCreated]["rating"].(map[string]any); r["stars"] != float64(5) || r["comment"] != "Tư vấn <b>nhiệt tình</b>" {
		t.Fatalf("rating.created: %v", r)
	}
	release()
	for _, d := range h.deliveries(ep.ID) {
		h.waitStatus(d.ID, chat.DeliveryDelivered, 1)
	}
	if n := len(h.sender.sent()); n != len(want) {
		t.Fatalf("%d attempts for %d deliveries", n, len(want))
	}
}

// TestFailedAttemptsBackOff: 500s are retried with a doubling delay;
// success ends the retries.
func TestFailedAttemptsBackOff(t *testing.T) {
	h := newHookDesk(t, nil)
	h.sender.answer = func(_ chat.WebhookCall, n int) (int, error) {
		if n <= 3 {
			return 500, errors.New("máy nhận trả lời HTTP 500")
		}
		return 200, nil
	}
	ep := h.endpoint(chat.EventConversationCreated)
	h.newConversation("Lan", "")
	d := h.deliveries(ep.ID)[0]
	prev := h.waitStatus(d.ID, chat.DeliveryPending, 1)
	for i, base := range []time.Duration{30 * time.Second, 60 * time.Second, 120 * time.Second} {
		delay := prev.NextAttemptAt.Sub(*prev.LastAttemptAt)
		if delay < base || delay > base+base/10+time.Millisecond {
			t.Fatalf("after attempt %d: retry in %s, want %s (+10%% jitter)", i+1, delay, base)
		}
		if prev.LastStatus != 500 || !strings.Contains(prev.LastError, "500") {
			t.Fatalf("attempt %d recorded %+v", i+1, prev)
		}
		h.clock.Advance(delay - time.Second)
		time.Sleep(30 * time.Millisecond) // a few polls: not due yet
		if n := len(h.sender.sent()); n != i+1 {
			t.Fatalf("attempt before its time: %d attempts", n)
		}
		h.clock.Advance(time.Second)
		if i < 2 {
			prev = h.waitStatus(d.ID, chat.DeliveryPending, i+2)
		}
	}
	got := h.waitStatus(d.ID, chat.DeliveryDelivered, 4)
	if got.DeliveredAt == nil || got.LastError != "" {
		t.Fatalf("delivered: %+v", got)
	}
	calls := h.sender.sent()
	for i, c := range calls {
		if c.DeliveryID != d.ID || c.Attempt != i+1 || c.Secret == "" || c.URL != "https://crm.example.vn/hook" {
			t.Fatalf("call %d: %+v", i, c)
		}
	}
}

// TestDeliveriesGiveUpAfterADay: retries stop 24 h after the event, the
// last one at the 24 h mark.
func TestDeliveriesGiveUpAfterADay(t *testing.T) {
	h := newHookDesk(t, nil)
	h.sender.answer = func(chat.WebhookCall, int) (int, error) { return 503, errors.New("HTTP 503") }
	ep := h.endpoint(chat.EventConversationCreated)
	h.newConversation("Lan", "")
	d := h.deliveries(ep.ID)[0]
	for n := 1; ; n++ {
		cur := h.waitStatus(d.ID, map[bool]chat.DeliveryStatus{true: chat.DeliveryFailed, false: chat.DeliveryPending}[h.clock.Now().Sub(d.CreatedAt) >= chat.WebhookRetryFor], n)
		if cur.Status == chat.DeliveryFailed {
			if got := cur.LastAttemptAt.Sub(d.CreatedAt); got != chat.WebhookRetryFor {
				t.Fatalf("last attempt %s after the event, want 24h", got)
			}
			if n < 20 || n > 40 {
				t.Fatalf("%d attempts in 24 h", n)
			}
			return
		}
		if cur.NextAttemptAt.Sub(d.CreatedAt) > chat.WebhookRetryFor {
			t.Fatalf("retry scheduled past 24 h: %s", cur.NextAttemptAt)
		}
		h.clock.Advance(cur.NextAttemptAt.Sub(h.clock.Now()))
	}
}

// TestTwoNodesAttemptEachDeliveryOnce: both nodes poll the same queue;
// claims make every attempt happen on one of them only.
func TestTwoNodesAttemptEachDeliveryOnce(t *testing.T) {
	a := newHookDesk(t, nil)
	b := newHookDesk(t, a)
	slow := func(chat.WebhookCall, int) (int, error) { time.Sleep(2 * time.Millisecond); return 204, nil }
	a.sender.answer, b.sender.answer = slow, slow
	ep := a.endpoint(chat.EventConversationCreated)
	b.core.hooks.endpoints.invalidate()
	var ids []string
	for i := 0; i < 40; i++ {
		n := a
		if i%2 == 1 {
			n = b
		}
		n.newConversation(fmt.Sprint("Khách ", i), "")
	}
	// Past the first-attempt grace both nodes' polls see every delivery.
	a.clock.Advance(time.Minute)
	for _, d := range a.deliveries(ep.ID) {
		ids = append(ids, d.ID)
		a.waitStatus(d.ID, chat.DeliveryDelivered, 1)
	}
	seen := map[string]int{}
	for _, c := range append(a.sender.sent(), b.sender.sent()...) {
		seen[c.DeliveryID]++
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("delivery %s attempted %d times", id, seen[id])
		}
	}
	t.Logf("node a sent %d, node b %d", len(a.sender.sent()), len(b.sender.sent()))
}

// TestRedeliveryAndDeletedEndpoint: "Gửi lại" sends the same event under
// a new delivery id; a deleted endpoint's deliveries fail.
func TestRedeliveryAndDeletedEndpoint(t *testing.T) {
	h := newHookDesk(t, nil)
	ep := h.endpoint(chat.EventConversationCreated)
	h.newConversation("Lan", "")
	first := h.deliveries(ep.ID)[0]
	h.waitStatus(first.ID, chat.DeliveryDelivered, 1)
	again, err := h.core.Integrations.RedeliverWebhook(h.ctx, h.admin(), first.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.waitStatus(again.ID, chat.DeliveryDelivered, 1)
	calls := h.sender.sent()
	if len(calls) != 2 || calls[1].DeliveryID == first.ID || string(calls[1].Body) != first.Body {
		t.Fatalf("redelivery: %+v", calls)
	}
	if _, err := h.core.Integrations.RedeliverWebhook(h.ctx, agentActor(h.agent("An", chat.RoleAgent)), first.ID); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("an agent redelivered: %v", err)
	}

	h.sender.answer = func(chat.WebhookCall, int) (int, error) { return 500, errors.New("HTTP 500") }
	mai := h.newConversation("Mai", "")
	var pending *chat.WebhookDelivery
	for _, d := range h.deliveries(ep.ID) {
		if d.ConversationID == mai.ID {
			pending = d
		}
	}
	h.waitStatus(pending.ID, chat.DeliveryPending, 1)
	if err := h.core.Integrations.DeleteWebhookEndpoint(h.ctx, h.admin(), ep.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour)
	if d := h.waitStatus(pending.ID, chat.DeliveryFailed, 2); !strings.Contains(d.LastError, "xóa") {
		t.Fatalf("deleted endpoint: %+v", d)
	}
}

// TestContactErasedPurgesQueuedPayloads: an erasure deletes the queued
// deliveries about the erased conversations and queues contact.erased.
func TestContactErasedPurgesQueuedPayloads(t *testing.T) {
	h := newHookDesk(t, nil)
	h.sender.answer = func(chat.WebhookCall, int) (int, error) { return 500, errors.New("HTTP 500") }
	ep := h.endpoint(chat.EventConversationCreated, chat.EventContactErased)
	gone := h.newConversation("Lan", "")
	kept := h.newConversation("Mai", "")
	h.core.ContactErased(h.ctx, "0912345678", []string{gone.ID})
	var events []string
	for _, d := range h.deliveries(ep.ID) {
		if d.ConversationID == gone.ID {
			t.Fatalf("a delivery about the erased conversation is kept: %+v", d)
		}
		events = append(events, d.Event+"/"+d.ConversationID)
		slices.Sort(events)
		if d.Event == chat.EventContactErased {
			_, data := decodeEvent(t, d.Body)
			if data["phone"] != "0912345678" || data["conversationIds"].([]any)[0] != gone.ID {
				t.Fatalf("contact.erased: %v", data)
			}
		}
	}
	if want := []string{chat.EventContactErased + "/", chat.EventConversationCreated + "/" + kept.ID}; strings.Join(events, " ") != strings.Join(want, " ") {
		t.Fatalf("deliveries %v, want %v", events, want)
	}
}

// TestWebhookAdmin: only admins manage endpoints; the secret is shown once.
func TestWebhookAdmin(t *testing.T) {
	h := newHookDesk(t, nil)
	e := h.endpoint(chat.EventMessageCreated)
	if !strings.HasPrefix(e.Secret, "whsec_") || e.SecretHint == "" {
		t.Fatalf("created: %+v", e)
	}
	list, err := h.core.Integrations.WebhookEndpoints(h.ctx, h.admin())
	if err != nil || len(list) != 1 || list[0].Secret != "" || list[0].SecretHint != e.SecretHint {
		t.Fatalf("list: %+v, %v", list, err)
	}
	upd, err := h.core.Integrations.UpdateWebhookEndpoint(h.ctx, h.admin(), e.ID, chat.WebhookEndpoint{URL: "https://crm2.example.vn/hook", Events: []string{chat.EventRatingCreated}})
	if err != nil || upd.Secret != "" || upd.SecretHint != e.SecretHint || upd.Enabled {
		t.Fatalf("update: %+v, %v", upd, err)
	}
	if _, err := h.core.Integrations.CreateWebhookEndpoint(h.ctx, h.admin(), chat.WebhookEndpoint{URL: "http://127.0.0.1:8080/", Events: []string{chat.EventRatingCreated}}); chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("loopback endpoint: %v", err)
	}
	an := agentActor(h.agent("An", chat.RoleAgent))
	if _, err := h.core.Integrations.WebhookEndpoints(h.ctx, an); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("agent listed endpoints: %v", err)
	}
}

// TestWebhookMetrics: every attempt is counted by its outcome (delivered,
// retrying, failed) and the delivery loop samples the backlog, the pending
// deliveries of the whole queue.
func TestWebhookMetrics(t *testing.T) {
	h := newHookDesk(t, nil, func(c *Config) { c.WebhookBacklogEvery = time.Millisecond })
	h.sender.answer = func(_ chat.WebhookCall, n int) (int, error) {
		if n == 1 {
			return 500, errors.New("HTTP 500")
		}
		return 204, nil
	}
	want := func(what string, attempts map[string]int, backlog int) {
		t.Helper()
		eventually(t, what, func() (bool, string) {
			got, last := h.metrics.state()
			return fmt.Sprint(got) == fmt.Sprint(attempts) && last == backlog, fmt.Sprintf("attempts %v, backlog %d", got, last)
		})
	}
	ep := h.endpoint(chat.EventConversationCreated)
	want("an empty queue", map[string]int{}, 0)
	h.newConversation("Lan", "")
	d := h.waitStatus(h.deliveries(ep.ID)[0].ID, chat.DeliveryPending, 1)
	want("a failed attempt, retried later", map[string]int{"retrying": 1}, 1)
	h.clock.Advance(d.NextAttemptAt.Sub(h.clock.Now()))
	h.waitStatus(d.ID, chat.DeliveryDelivered, 2)
	want("delivered", map[string]int{"retrying": 1, "delivered": 1}, 0)

	// A delivery whose endpoint is deleted is given up at its next attempt.
	h.newConversation("Minh", "")
	var second *chat.WebhookDelivery
	eventually(t, "the second delivery's first attempt", func() (bool, string) {
		for _, x := range h.deliveries(ep.ID) {
			if x.ID != d.ID && x.Attempts == 1 {
				second = x
			}
		}
		return second != nil, ""
	})
	if err := h.core.Integrations.DeleteWebhookEndpoint(h.ctx, h.admin(), ep.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(second.NextAttemptAt.Sub(h.clock.Now()))
	want("given up", map[string]int{"retrying": 2, "delivered": 1, "failed": 1}, 0)
}

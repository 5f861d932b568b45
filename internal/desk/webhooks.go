package desk

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// WebhookSender makes one attempt of a delivery: a signed POST. It returns
// the HTTP status (0 without an answer) and an error unless the endpoint
// answered 2xx. internal/webhook implements it.
type WebhookSender interface {
	Send(ctx context.Context, call chat.WebhookCall) (status int, err error)
}

// webhooks turns what happens in the core into deliveries: for each event,
// one delivery per endpoint subscribed to it, queued in MongoDB before the
// use case that caused it returns (durable: a node dying afterwards loses
// nothing), then handed to this node's dispatcher for its first attempt.
//
// The message path stays cheap: which endpoints subscribe is read from a
// cache of a few seconds, so a message costs nothing more — no Redis, no
// MongoDB — while no endpoint subscribes to message.created. When one
// does, the delivery's insert is batched with every other event queued
// meanwhile (one InsertMany per batch, like the messages' group commit)
// and runs while the message's event is being published.
//
// A nil *webhooks does nothing: a core without an integration store.
type webhooks struct {
	endpoints *endpointCache
	outbox    *deliveryOutbox
	now       Clock
	// grace is how long a new delivery belongs to the node that queued it:
	// other nodes' polls find it due only after that (their claim would
	// lose anyway; this spares them the attempt).
	grace time.Duration
	fail  failures
}

// firstAttemptGrace is webhooks.grace.
const firstAttemptGrace = 15 * time.Second

// newWebhooks builds the emitter and, when deliveries can be sent, this
// node's dispatcher; both nil without an integration store.
func newWebhooks(d Deps, cfg Config, tasks *tasks, fail failures) (*webhooks, *dispatcher) {
	store := d.Integrations
	if store == nil {
		store, _ = d.Store.(IntegrationStore)
	}
	if store == nil {
		return nil, nil
	}
	eps := &endpointCache{store: store, log: fail}
	var dispatch *dispatcher
	if d.WebhookSender != nil {
		dispatch = newDispatcher(&dispatcher{
			store: store, endpoints: eps, claims: d.Coord, named: d.Coord, sender: d.WebhookSender, tasks: tasks,
			nodeID: cfg.NodeID, now: cfg.Clock, log: d.Log, fail: fail,
			cfg: webhookTiming{poll: cfg.WebhookPoll, lease: cfg.WebhookLease, retryBase: cfg.WebhookRetryBase, workers: cfg.WebhookWorkers, backlog: cfg.WebhookBacklogEvery},
		})
	}
	h := &webhooks{endpoints: eps, outbox: &deliveryOutbox{store: store, stored: dispatch.queued, fail: fail}, now: cfg.Clock, grace: firstAttemptGrace, fail: fail}
	return h, dispatch
}

// storeOrNil is the integration store (nil without one).
func (h *webhooks) storeOrNil() IntegrationStore {
	if h == nil {
		return nil
	}
	return h.endpoints.store.(IntegrationStore)
}

// startWebhooks runs the delivery outbox and the dispatcher until Stop.
func (c *Core) startWebhooks() {
	if c.hooks == nil {
		return
	}
	c.hooks.outbox.start()
	c.tasks.loop(c.hooks.outbox.run)
	if c.dispatch != nil {
		c.tasks.loop(c.dispatch.run)
	}
}

// ContactErased is called by an erasure of a phone's data (Privacy.Erase)
// once its conversations are deleted: the queued webhook deliveries that
// mention them are deleted and contact.erased is queued (see
// webhooks.contactErased).
func (c *Core) ContactErased(ctx context.Context, phone string, conversationIDs []string) {
	c.hooks.contactErased(ctx, phone, conversationIDs)
}

// emit queues one event for every endpoint subscribed to typ and returns
// a wait that returns once the deliveries are stored (at once when none
// subscribes). conversationID, when set, lets an erasure find the
// deliveries that mention the conversation.
func (h *webhooks) emit(ctx context.Context, typ, conversationID string, data any) (wait func()) {
	noop := func() {}
	if h == nil {
		return noop
	}
	eps := h.endpoints.subscribed(ctx, typ)
	if len(eps) == 0 {
		return noop
	}
	now := stamp(h.now)
	ev := WebhookEvent{ID: chat.NewID(), Type: typ, CreatedAt: now, Data: data}
	body, err := json.Marshal(ev)
	if err != nil {
		h.fail.log.Error("webhook payload", "event", typ, "err", err)
		return noop
	}
	ds := make([]*chat.WebhookDelivery, len(eps))
	for i, e := range eps {
		ds[i] = &chat.WebhookDelivery{
			ID: chat.NewID(), EndpointID: e.ID, EventID: ev.ID, Event: typ, ConversationID: conversationID, Body: string(body),
			Status: chat.DeliveryPending, CreatedAt: now, NextAttemptAt: now.Add(h.grace),
		}
	}
	return h.outbox.post(ctx, ds)
}

// The call points, one per event; each waits for its deliveries to be
// stored except messageCreated, whose caller waits (see transcript).

func (h *webhooks) conversationCreated(ctx context.Context, c *chat.Conversation) {
	h.emit(ctx, chat.EventConversationCreated, c.ID, HookConversationData{Conversation: hookConversation(c)})()
}

// conversationAssigned: from is the previous owner of a transfer ("" otherwise).
func (h *webhooks) conversationAssigned(ctx context.Context, c *chat.Conversation, to *chat.Agent, change chat.AssignmentChange, from string, agents *settingsCache) {
	if h == nil {
		return
	}
	d := HookAssignedData{Conversation: hookConversation(c), Agent: HookAgent{ID: to.ID, Name: to.Name, Email: to.Email}, Change: string(change)}
	if from != "" {
		d.PreviousAgent = &HookAgent{ID: from, Name: agents.agentName(ctx, from)}
	}
	h.emit(ctx, chat.EventConversationAssigned, c.ID, d)()
}

func (h *webhooks) conversationResolved(ctx context.Context, c *chat.Conversation, by *chat.Agent) {
	d := HookResolvedData{Conversation: hookConversation(c)}
	if by != nil {
		d.ResolvedBy = &HookAgent{ID: by.ID, Name: by.Name, Email: by.Email}
	}
	h.emit(ctx, chat.EventConversationResolved, c.ID, d)()
}

// messageCreated queues message.created for what people (and the bot)
// write, not for system notices; the caller waits.
func (h *webhooks) messageCreated(ctx context.Context, c *chat.Conversation, m *chat.Message) (wait func()) {
	if h == nil || m.SenderType == chat.SenderSystem {
		return func() {}
	}
	return h.emit(ctx, chat.EventMessageCreated, c.ID, hookMessage(c, m))
}

func (h *webhooks) ratingCreated(ctx context.Context, c *chat.Conversation) {
	if c.Rating == nil {
		return
	}
	h.emit(ctx, chat.EventRatingCreated, c.ID, HookRatingData{Conversation: hookConversation(c), Rating: *c.Rating})()
}

// contactErased is the call point of an erasure (Privacy.Erase, through
// Core.ContactErased): once a phone's conversations are deleted, the
// queued deliveries that mention them are deleted too (their payloads hold
// what was erased), and contact.erased tells the shop's systems to erase
// the contact as well.
func (h *webhooks) contactErased(ctx context.Context, phone string, conversationIDs []string) {
	if h == nil {
		return
	}
	h.forget(ctx, conversationIDs)
	if conversationIDs == nil {
		conversationIDs = []string{}
	}
	h.emit(ctx, chat.EventContactErased, "", HookErasedData{Phone: phone, ConversationIDs: conversationIDs, ErasedAt: stamp(h.now)})()
}

// forget deletes the deliveries that mention conversations deleted or
// anonymized (an erasure, also one interrupted part-way, or retention):
// their payloads hold the visitor's data.
func (h *webhooks) forget(ctx context.Context, conversationIDs []string) {
	if h == nil || len(conversationIDs) == 0 {
		return
	}
	if _, err := h.outbox.store.DeleteConversationDeliveries(ctx, conversationIDs); err != nil {
		h.fail.log.Error("erasure: deleting queued webhook deliveries failed", "err", err)
	}
}

// endpointCache keeps the endpoint list for a few seconds: every event
// asks it who subscribes. A change shows at once on the node that made it
// and within settingsCacheTTL on the others. While one caller refreshes
// it, the others use the previous list rather than wait.
type endpointCache struct {
	store WebhookEndpointStore
	log   failures

	mu         sync.Mutex
	list       []*chat.WebhookEndpoint
	at         time.Time
	refreshing bool
}

func (c *endpointCache) all(ctx context.Context) ([]*chat.WebhookEndpoint, error) {
	c.mu.Lock()
	if !c.at.IsZero() && (time.Since(c.at) < settingsCacheTTL || c.refreshing) {
		list := c.list
		c.mu.Unlock()
		return list, nil
	}
	c.refreshing = true
	c.mu.Unlock()
	list, err := c.store.WebhookEndpoints(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		return c.list, err
	}
	c.list, c.at = list, time.Now()
	return list, nil
}

func (c *endpointCache) invalidate() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// subscribed returns the enabled endpoints subscribed to typ. A failed
// read is logged and counts as none: the use case goes on (the event is
// lost to webhooks, as everything else written then would be).
func (c *endpointCache) subscribed(ctx context.Context, typ string) []*chat.WebhookEndpoint {
	list, err := c.all(ctx)
	if err != nil {
		c.log.log.Warn("webhooks: reading endpoints failed", "err", err)
		c.log.metrics.mongoError()
	}
	var out []*chat.WebhookEndpoint
	for _, e := range list {
		if e.Subscribes(typ) {
			out = append(out, e)
		}
	}
	return out
}

// byID returns an endpoint, from the cache when it has it.
func (c *endpointCache) byID(ctx context.Context, id string) (*chat.WebhookEndpoint, error) {
	list, _ := c.all(ctx)
	for _, e := range list {
		if e.ID == id {
			return e, nil
		}
	}
	return c.store.WebhookEndpoint(ctx, id)
}

// deliveryOutbox batches delivery inserts: callers queue, one goroutine
// writes what is queued with one EnqueueDeliveries and releases the
// callers (like the events outbox; while a write is in flight the next
// batch gathers, so nothing waits on a timer). Stored deliveries go to
// the dispatcher for their first attempt.
type deliveryOutbox struct {
	store  WebhookDeliveryStore
	stored func([]*chat.WebhookDelivery)
	fail   failures

	mu      sync.Mutex
	queue   []*chat.WebhookDelivery
	waiters []chan struct{}
	wake    chan struct{}
	running bool
}

// post queues ds and returns a wait for their write.
func (o *deliveryOutbox) post(ctx context.Context, ds []*chat.WebhookDelivery) func() {
	o.mu.Lock()
	if !o.running {
		o.mu.Unlock()
		o.write(ctx, ds)
		return func() {}
	}
	done := make(chan struct{})
	o.queue = append(o.queue, ds...)
	o.waiters = append(o.waiters, done)
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return func() {
		select {
		case <-done:
		case <-ctx.Done():
		}
	}
}

func (o *deliveryOutbox) start() {
	o.mu.Lock()
	o.running, o.wake = true, make(chan struct{}, 1)
	o.mu.Unlock()
}

// run writes queued deliveries until stop, then what is left.
func (o *deliveryOutbox) run(stop <-chan struct{}) {
	for {
		select {
		case <-o.wake:
			o.flush()
		case <-stop:
			o.mu.Lock()
			o.running = false
			o.mu.Unlock()
			o.flush()
			return
		}
	}
}

func (o *deliveryOutbox) flush() {
	for {
		o.mu.Lock()
		batch, waiters := o.queue, o.waiters
		o.queue, o.waiters = nil, nil
		o.mu.Unlock()
		if len(waiters) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		o.write(ctx, batch)
		cancel()
		for _, w := range waiters {
			close(w)
		}
	}
}

// write stores deliveries, trying twice; what cannot be stored is logged
// and lost (the event's cause is stored already and cannot be undone).
func (o *deliveryOutbox) write(ctx context.Context, ds []*chat.WebhookDelivery) {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		if err = o.store.EnqueueDeliveries(ctx, ds); err == nil {
			if o.stored != nil {
				o.stored(ds)
			}
			return
		}
	}
	o.fail.metrics.mongoError()
	o.fail.log.Error("webhook deliveries not queued: events lost", "deliveries", len(ds), "first", ds[0].Event, "err", err)
}

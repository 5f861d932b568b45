package desk

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// dispatcher attempts webhook deliveries on every node. A delivery is
// attempted by whichever node claims it: a named lock per delivery (Redis
// SET NX with an expiry, the lease), taken for one attempt and released
// once its outcome is stored. Only the claim's holder writes the delivery,
// so outcomes need no atomic read-modify-write (FerretDB has none).
//
//   - New deliveries are attempted at once by the node that queued them
//     (handed over in memory, claimed in one round trip per batch).
//   - Every node polls MongoDB for due deliveries (retries, and new ones
//     whose node died before its first attempt) every poll period.
//   - A claim winner re-reads the delivery before sending unless it queued
//     it itself moments ago: another node may have delivered it between
//     the poll and the claim.
//
// So in normal operation each attempt is made once. Under faults delivery
// is at least once, with the same X-Chatdesk-Delivery id: a node killed
// after the endpoint answered and before the outcome was stored leaves the
// claim to expire and another node sends again; so does Redis losing a
// claim in a failover.
type dispatcher struct {
	store     WebhookDeliveryStore
	endpoints *endpointCache
	claims    NamedLocks
	sender    WebhookSender
	tasks     *tasks
	named     NamedLocks
	nodeID    string
	now       Clock
	log       *slog.Logger
	fail      failures
	cfg       webhookTiming

	kick chan []*chat.WebhookDelivery
	// busy are the deliveries this node is attempting, never claimed twice.
	mu   sync.Mutex
	busy map[string]bool
}

// webhookTiming tunes the dispatcher (Config.Webhook*).
type webhookTiming struct {
	poll      time.Duration // how often every node looks for due deliveries
	lease     time.Duration // how long a claim lasts: longer than an attempt and its record
	retryBase time.Duration // the first retry's delay, doubling up to retryMax
	workers   int           // attempts in flight per node
	backlog   time.Duration // how often this node counts the pending deliveries (metrics)
}

const (
	retryMax               = time.Hour
	deliveryKeep           = 7 * 24 * time.Hour
	deliveryRetentionEvery = time.Hour
	deliveryLockName       = "webhook:"
)

func newDispatcher(d *dispatcher) *dispatcher {
	d.kick = make(chan []*chat.WebhookDelivery, 256)
	d.busy = map[string]bool{}
	return d
}

// queued hands deliveries stored by this node to the loop; when the loop
// is behind, the poll finds them once their grace ends.
func (d *dispatcher) queued(ds []*chat.WebhookDelivery) {
	if d == nil || d.sender == nil {
		return
	}
	select {
	case d.kick <- ds:
	default:
	}
}

func (d *dispatcher) run(stop <-chan struct{}) {
	tick := time.NewTicker(d.cfg.poll)
	defer tick.Stop()
	lastRetention, lastBacklog := time.Time{}, time.Time{}
	for {
		select {
		case <-stop:
			return
		case ds := <-d.kick:
			d.take(ds, true)
		case <-tick.C:
			d.poll()
			if time.Since(lastRetention) > deliveryRetentionEvery {
				lastRetention = time.Now()
				d.retention()
			}
			if time.Since(lastBacklog) >= d.cfg.backlog {
				lastBacklog = time.Now()
				d.countBacklog()
			}
		}
	}
}

// countBacklog gives the metrics the number of pending deliveries of the
// cluster: one count a minute per node (on FerretDB a scan of the
// deliveries, which retention keeps to 7 days), never one per scrape.
func (d *dispatcher) countBacklog() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := d.store.CountPendingDeliveries(ctx)
	if err != nil {
		d.fail.metrics.mongoError()
		d.log.Warn("webhooks: counting pending deliveries failed", "err", err)
		return
	}
	d.fail.metrics.webhookBacklog(n)
}

// attemptOutcomes names a delivery's status after an attempt for the
// metrics.
var attemptOutcomes = map[chat.DeliveryStatus]string{
	chat.DeliveryDelivered: "delivered",
	chat.DeliveryPending:   "retrying",
	chat.DeliveryFailed:    "failed",
}

// poll takes due deliveries, as many as there are free workers.
func (d *dispatcher) poll() {
	free := d.free()
	if free == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	due, err := d.store.DueDeliveries(ctx, d.now(), free)
	if err != nil {
		d.fail.metrics.mongoError()
		d.log.Warn("webhooks: listing due deliveries failed", "err", err)
		return
	}
	d.take(due, false)
}

func (d *dispatcher) free() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return max(0, d.cfg.workers-len(d.busy))
}

// take claims what it can of ds (all in one round trip) and attempts each
// claimed delivery in the background. fresh: ds were queued by this node
// just now and are attempted from memory.
func (d *dispatcher) take(ds []*chat.WebhookDelivery, fresh bool) {
	d.mu.Lock()
	var mine []*chat.WebhookDelivery
	for _, x := range ds {
		if !d.busy[x.ID] && len(d.busy) < d.cfg.workers {
			d.busy[x.ID] = true
			mine = append(mine, x)
		}
	}
	d.mu.Unlock()
	if len(mine) == 0 {
		return
	}
	names := make([]string, len(mine))
	for i, x := range mine {
		names[i] = deliveryLockName + x.ID
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	won, err := d.claims.TryLockMany(ctx, names, d.holder(), d.cfg.lease)
	cancel()
	if err != nil {
		d.fail.metrics.redisError()
		d.log.Warn("webhooks: claiming deliveries failed", "err", err)
		won = make([]bool, len(mine))
	}
	for i, x := range mine {
		if !won[i] {
			d.done(x.ID)
			continue
		}
		d.tasks.goWithin(d.cfg.lease, func(ctx context.Context) { d.attempt(ctx, x, fresh) })
	}
}

func (d *dispatcher) holder() string { return d.nodeID + "/webhooks" }

func (d *dispatcher) done(id string) {
	d.mu.Lock()
	delete(d.busy, id)
	d.mu.Unlock()
}

func (d *dispatcher) release(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = d.claims.UnlockMany(ctx, []string{deliveryLockName + id}, d.holder())
}

// attempt sends a claimed delivery once and stores the outcome, then
// releases the claim. A claim whose outcome could not be stored is kept
// until it expires (the delivery is retried after the lease: at least
// once).
func (d *dispatcher) attempt(ctx context.Context, x *chat.WebhookDelivery, fresh bool) {
	defer d.done(x.ID)
	// Only a delivery this node queued within its grace is known to be
	// untouched; anything else may have moved on since it was read.
	if !fresh || d.now().Sub(x.CreatedAt) > firstAttemptGrace/2 {
		cur, err := d.store.Delivery(ctx, x.ID)
		if err != nil || cur.Status != chat.DeliveryPending || cur.NextAttemptAt.After(d.now()) {
			if err != nil && !errors.Is(err, chat.ErrNotFound) {
				d.fail.metrics.mongoError()
			}
			d.release(x.ID)
			return
		}
		x = cur
	}
	call := chat.WebhookCall{DeliveryID: x.ID, Event: x.Event, Attempt: x.Attempts + 1, Body: []byte(x.Body)}
	status, sendErr := 0, error(nil)
	ep, err := d.endpoints.byID(ctx, x.EndpointID)
	switch {
	case errors.Is(err, chat.ErrNotFound):
		sendErr = errors.New("điểm nhận đã bị xóa")
	case err != nil:
		d.fail.metrics.mongoError()
		d.release(x.ID)
		return
	case !ep.Enabled:
		sendErr = errors.New("điểm nhận đang tắt")
	default:
		call.URL, call.Secret, call.AllowPrivate = ep.URL, ep.Secret, ep.AllowPrivate
		status, sendErr = d.sender.Send(ctx, call)
		if sendErr != nil && ctx.Err() != nil && errors.Is(sendErr, context.Canceled) {
			// The node is stopping: this attempt does not count; another
			// node takes the delivery as soon as the claim is released.
			d.release(x.ID)
			return
		}
	}
	outcome := d.outcome(x, status, sendErr, errors.Is(err, chat.ErrNotFound))
	d.fail.metrics.webhookAttempt(attemptOutcomes[outcome.Status])
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.store.RecordAttempt(rctx, x.ID, outcome); err != nil {
		d.fail.metrics.mongoError()
		d.log.Warn("webhooks: recording an attempt failed; the claim expires and the delivery is retried", "delivery", x.ID, "err", err)
		return
	}
	d.release(x.ID)
}

// outcome decides what an attempt leaves: delivered, another try after an
// exponential backoff (with jitter, so a receiver coming back is not hit by
// every retry at once), or failed once chat.WebhookRetryFor has passed
// since the event. gone: the endpoint was deleted, nothing to retry.
func (d *dispatcher) outcome(x *chat.WebhookDelivery, status int, err error, gone bool) chat.DeliveryAttempt {
	now := stamp(d.now)
	a := chat.DeliveryAttempt{Attempts: x.Attempts + 1, At: now, HTTPStatus: status}
	if err == nil {
		a.Status = chat.DeliveryDelivered
		return a
	}
	a.Error = truncate(err.Error(), 300)
	end := x.CreatedAt.Add(chat.WebhookRetryFor)
	if gone || !now.Before(end) {
		a.Status = chat.DeliveryFailed
		return a
	}
	a.Status = chat.DeliveryPending
	next := now.Add(backoff(d.cfg.retryBase, x.Attempts+1))
	if next.After(end) {
		next = end // the last try, at the end of the retry period
	}
	a.NextAttemptAt = next
	return a
}

// backoff is the delay after the n-th failed attempt: base·2^(n-1), at
// most retryMax, plus up to 10% jitter.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < retryMax; i++ {
		d *= 2
	}
	d = min(d, retryMax)
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// retention deletes deliveries older than deliveryKeep, on one node an hour.
func (d *dispatcher) retention() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	unlock, err := d.named.TryLock(ctx, "webhook-retention", d.holder(), deliveryRetentionEvery)
	if err != nil || unlock == nil {
		return // another node does it this hour (the lock is left to expire)
	}
	if n, err := d.store.DeleteDeliveriesBefore(ctx, d.now().Add(-deliveryKeep)); err != nil {
		d.log.Warn("webhooks: retention failed", "err", err)
	} else if n > 0 {
		d.log.Info("webhooks: old deliveries deleted", "n", n)
	}
}

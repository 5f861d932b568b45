package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// reserver sends the reservations of concurrent sends together, as the
// event outbox does for events: callers queue, one goroutine sends what is
// queued as one pipelined batch (Sequencer.ReserveBatch) and answers each
// caller; while a batch is in flight the next one gathers. A lone send
// costs what it did (one round trip, no timer); under load the round trips
// per message fall, and with them Redis's CPU per message, which is mostly
// the wake-up and I/O of each round trip rather than the script itself.
//
// A caller waits for its answer even when its context ends first: a seq
// reserved for a caller who left is given back, so the sequence stays
// gap-free. The wait is bounded by the batch's own timeout.
type reserver struct {
	seq   Sequencer
	queue batchQueue[pendingReservation]
}

type pendingReservation struct {
	r    chat.Reservation
	done chan reservation
}

type reservation struct {
	res chat.Reserved
	err error
}

// reserveTimeout bounds one batch's round trip.
const reserveTimeout = 5 * time.Second

// reserve runs Sequencer.Reserve through the queue (directly when the
// queue is not running: before Start, after Stop).
func (q *reserver) reserve(ctx context.Context, r chat.Reservation) (chat.Reserved, error) {
	if err := ctx.Err(); err != nil {
		return chat.Reserved{}, err
	}
	p := pendingReservation{r: r, done: make(chan reservation, 1)}
	if _, running := q.queue.add(p); !running {
		return q.seq.Reserve(ctx, r)
	}
	got := <-p.done
	if got.err == nil && ctx.Err() != nil {
		// The caller left while its batch was out: nothing will be
		// written with this seq.
		if !got.res.Reused {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = q.seq.Unreserve(rctx, r, got.res.Seq)
			cancel()
		}
		return chat.Reserved{}, ctx.Err()
	}
	return got.res, got.err
}

// start makes reserve queue; run must be running.
func (q *reserver) start() { q.queue.start() }

// run sends queued reservations until stop, then what is left.
func (q *reserver) run(stop <-chan struct{}) { q.queue.run(stop, q.send) }

// send reserves one batch in one round trip and answers each caller.
func (q *reserver) send(batch []pendingReservation, _ int) {
	rs := make([]chat.Reservation, len(batch))
	for i, p := range batch {
		rs[i] = p.r
	}
	ctx, cancel := context.WithTimeout(context.Background(), reserveTimeout)
	out, errs := q.seq.ReserveBatch(ctx, rs)
	cancel()
	for i, p := range batch {
		p.done <- reservation{out[i], errs[i]}
	}
}

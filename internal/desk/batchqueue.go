package desk

import "sync"

// batchQueue gathers items from many goroutines for one goroutine that
// handles whatever has gathered as one batch (one pipelined Redis round
// trip for the event outbox and the seq reserver). While a batch is being
// handled the next one gathers, so a lone item costs what it did without
// the queue and nothing ever waits on a timer.
type batchQueue[T any] struct {
	max int // items allowed to wait; 0 means no bound

	mu      sync.Mutex
	items   []T
	dropped int
	wake    chan struct{}
	running bool
}

// add queues item. running is false before start and after stop: the
// caller then handles the item itself. queued is false when the queue was
// full and the item was dropped (counted for the next batch's handler).
func (q *batchQueue[T]) add(item T) (queued, running bool) {
	q.mu.Lock()
	if !q.running {
		q.mu.Unlock()
		return false, false
	}
	if q.max > 0 && len(q.items) >= q.max {
		q.dropped++
		q.mu.Unlock()
		return false, true
	}
	q.items = append(q.items, item)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true, true
}

// start makes add queue; run must be running (or about to).
func (q *batchQueue[T]) start() {
	q.mu.Lock()
	q.running = true
	q.wake = make(chan struct{}, 1)
	q.mu.Unlock()
}

// run hands each gathered batch to handle until stop is closed, then stops
// queueing and hands over what is left.
func (q *batchQueue[T]) run(stop <-chan struct{}, handle func(batch []T, dropped int)) {
	for {
		select {
		case <-q.wake:
			q.drain(handle)
		case <-stop:
			q.mu.Lock()
			q.running = false
			q.mu.Unlock()
			q.drain(handle)
			return
		}
	}
}

func (q *batchQueue[T]) drain(handle func(batch []T, dropped int)) {
	for {
		q.mu.Lock()
		batch, dropped := q.items, q.dropped
		q.items, q.dropped = nil, 0
		q.mu.Unlock()
		if len(batch) == 0 && dropped == 0 {
			return
		}
		handle(batch, dropped)
	}
}

// waiting is how many items wait for the next batch.
func (q *batchQueue[T]) waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

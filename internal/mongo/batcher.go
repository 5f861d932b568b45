package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrClosed is returned by InsertMessage once Close has started.
var ErrClosed = errors.New("mongo: store closed")

// pending is one sender waiting for its message to be flushed.
type pending struct {
	doc  messageDoc
	done chan error // buffered: the flusher never blocks on a sender that left
}

// flushFunc writes a batch. It returns one error per document, or a single
// error that fails the whole batch.
type flushFunc func(ctx context.Context, docs []messageDoc) ([]error, error)

// batcher is a group commit: senders block while one goroutine gathers their
// messages and writes them with one InsertMany, either when MaxBatch are
// queued or FlushInterval after the first of a batch arrived. Up to
// MaxInFlight flushes run concurrently; while all are busy the next batch
// keeps filling, so a slow flush turns into bigger batches, not a stall.
type batcher struct {
	opts    Options
	flush   flushFunc
	in      chan *pending
	quit    chan struct{} // closed by close: stop accepting, flush what is queued
	stopped chan struct{} // closed when the loop and every flush are done
	slots   chan struct{} // one token per flush in flight
	flushes sync.WaitGroup
	// abort is cancelled when Close gives up waiting, failing writes in flight.
	abort       context.Context
	cancelAbort context.CancelFunc
	closeOnce   sync.Once
}

func newBatcher(opts Options, flush flushFunc) *batcher {
	b := &batcher{
		opts:    opts,
		flush:   flush,
		in:      make(chan *pending),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
		slots:   make(chan struct{}, opts.MaxInFlight),
	}
	b.abort, b.cancelAbort = context.WithCancel(context.Background())
	go b.run()
	return b
}

// insert queues doc and waits for its flush. If ctx ends first it returns at
// once; a document already handed over is still written (see InsertMessage).
func (b *batcher) insert(ctx context.Context, doc messageDoc) error {
	p := &pending{doc: doc, done: make(chan error, 1)}
	select {
	case b.in <- p:
	case <-b.quit:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("mongo: insert message: %w", ctx.Err())
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("mongo: insert message (it may still be stored): %w", ctx.Err())
	}
}

func (b *batcher) run() {
	defer close(b.stopped)
	var (
		batch   []*pending
		timer   = time.NewTimer(time.Hour)
		timerC  <-chan time.Time // non-nil while a batch waits for its interval
		due     bool             // the batch must go as soon as a slot is free
		closing bool
	)
	timer.Stop()
	for {
		if closing && len(batch) == 0 {
			b.flushes.Wait()
			return
		}
		in := b.in
		if closing || len(batch) >= b.opts.MaxBatch {
			in = nil
		}
		var slots chan struct{}
		if due || closing || len(batch) >= b.opts.MaxBatch {
			slots = b.slots
		}
		quit := b.quit
		if closing {
			quit = nil
		}
		select {
		case p := <-in:
			batch = append(batch, p)
			if len(batch) == 1 {
				timer.Reset(b.opts.FlushInterval)
				timerC = timer.C
			}
		case <-timerC:
			timerC, due = nil, true
		case <-quit:
			closing = true
		case slots <- struct{}{}:
			if timerC != nil {
				timer.Stop()
				timerC = nil
			}
			due = false
			b.flushes.Add(1)
			go b.write(batch)
			batch = nil
		}
	}
}

// write flushes one batch and releases its senders. Its context is its own,
// not a sender's: one sender giving up must not cancel the others' writes.
func (b *batcher) write(batch []*pending) {
	defer func() {
		<-b.slots
		b.flushes.Done()
	}()
	docs := make([]messageDoc, len(batch))
	for i, p := range batch {
		docs[i] = p.doc
	}
	ctx, cancel := context.WithTimeout(b.abort, b.opts.WriteTimeout)
	start := time.Now()
	errs, err := b.flush(ctx, docs)
	d := time.Since(start)
	cancel()
	if err == nil && len(errs) != len(batch) {
		err = fmt.Errorf("mongo: flush returned %d results for %d messages", len(errs), len(batch))
	}
	for i, p := range batch {
		if err != nil {
			p.done <- fmt.Errorf("mongo: insert messages: %w", err)
		} else {
			p.done <- errs[i]
		}
	}
	// Metrics after the senders are released, so they never add latency.
	if b.opts.OnFlush != nil {
		b.opts.OnFlush(len(batch), d, err)
	}
}

// close stops accepting messages, flushes those queued and waits for every
// flush. If ctx ends first, flushes in flight are cancelled and close returns
// ctx's error once they have released their senders.
func (b *batcher) close(ctx context.Context) error {
	b.closeOnce.Do(func() { close(b.quit) })
	defer b.cancelAbort()
	select {
	case <-b.stopped:
		return nil
	case <-ctx.Done():
		b.cancelAbort()
		<-b.stopped
		return fmt.Errorf("mongo: close: %w", ctx.Err())
	}
}

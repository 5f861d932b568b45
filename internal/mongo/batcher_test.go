package mongo

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

func newMsg(conv string, seq int64, clientID string) *chat.Message {
	return &chat.Message{
		ConversationID: conv,
		Seq:            seq,
		ClientID:       clientID,
		SenderType:     chat.SenderVisitor,
		SenderID:       "v1",
		SenderName:     "Bình",
		Text:           fmt.Sprintf("tin nhắn %d", seq),
		Kind:           chat.KindText,
		CreatedAt:      t0.Add(time.Duration(seq) * time.Second),
	}
}

// flushLog records OnFlush calls.
type flushLog struct {
	mu    sync.Mutex
	sizes []int
	errs  []error
}

func (l *flushLog) record(n int, _ time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sizes = append(l.sizes, n)
	l.errs = append(l.errs, err)
}

func (l *flushLog) snapshot() ([]int, []error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.sizes...), append([]error(nil), l.errs...)
}

// insertAll runs one InsertMessage per message concurrently and returns
// their errors in the same order.
func insertAll(ctx context.Context, db *DB, msgs []*chat.Message) []error {
	errs := make([]error, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.InsertMessage(ctx, m)
		}()
	}
	wg.Wait()
	return errs
}

func TestConcurrentSameClientIDStoredOnce(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	msgs := make([]*chat.Message, 20)
	for i := range msgs {
		// Different seqs: only the clientId collides, as with a resend
		// racing itself over two connections.
		msgs[i] = newMsg("c1", int64(i+1), "same")
	}
	var ok, dup int
	for _, err := range insertAll(ctx, db, msgs) {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, chat.ErrDuplicateClientID):
			dup++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || dup != 19 {
		t.Fatalf("%d stored, %d duplicates; want 1 and 19", ok, dup)
	}
	got, err := db.MessagesAfter(ctx, "c1", 0, 100)
	if err != nil || len(got) != 1 {
		t.Fatalf("%d messages stored (%v), want 1", len(got), err)
	}
}

func TestBatchWithOneDuplicateStoresTheRest(t *testing.T) {
	log := &flushLog{}
	// A long interval and MaxBatch 6 make the six inserts below one batch.
	db := openTestDB(t, Options{MaxBatch: 6, FlushInterval: 5 * time.Second, OnFlush: log.record})
	ctx := ctxT(t)
	seed := newMsg("c1", 1, "k1")
	if err := db.insertMessagesNow(ctx, seed); err != nil {
		t.Fatal(err)
	}
	msgs := []*chat.Message{
		newMsg("c1", 2, "k2"),
		newMsg("c1", 3, "k1"), // duplicate clientId of the seed
		newMsg("c1", 4, "k4"),
		newMsg("c1", 1, "k5"), // duplicate seq of the seed
		newMsg("c1", 5, "k6"),
		newMsg("c2", 1, "k1"), // same values, other conversation: fine
	}
	errs := insertAll(ctx, db, msgs)
	want := []error{nil, chat.ErrDuplicateClientID, nil, chat.ErrDuplicateSeq, nil, nil}
	for i := range msgs {
		if !errors.Is(errs[i], want[i]) || (want[i] == nil && errs[i] != nil) {
			t.Errorf("message %d: err = %v, want %v", i, errs[i], want[i])
		}
	}
	sizes, ferrs := log.snapshot()
	if len(sizes) != 1 || sizes[0] != 6 || ferrs[0] != nil {
		t.Fatalf("flushes %v (errors %v), want one batch of 6 without error", sizes, ferrs)
	}
	for _, conv := range []struct {
		id   string
		seqs []int64
	}{{"c1", []int64{1, 2, 4, 5}}, {"c2", []int64{1}}} {
		got, err := db.MessagesAfter(ctx, conv.id, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, m := range got {
			seqs = append(seqs, m.Seq)
		}
		if fmt.Sprint(seqs) != fmt.Sprint(conv.seqs) {
			t.Errorf("%s seqs = %v, want %v", conv.id, seqs, conv.seqs)
		}
	}
}

// insertMessagesNow writes one message without the batcher, for seeding.
func (db *DB) insertMessagesNow(ctx context.Context, m *chat.Message) error {
	if m.ID == "" {
		m.ID = newID()
	}
	errs, err := db.insertMessages(ctx, []messageDoc{toMessageDoc(m)})
	if err != nil {
		return err
	}
	return errs[0]
}

func TestBatchingGroupsConcurrentInserts(t *testing.T) {
	log := &flushLog{}
	db := openTestDB(t, Options{OnFlush: log.record})
	ctx := ctxT(t)
	const n = 200
	msgs := make([]*chat.Message, n)
	for i := range msgs {
		msgs[i] = newMsg(fmt.Sprint("c", i%10), int64(i/10+1), fmt.Sprint("k", i))
	}
	for i, err := range insertAll(ctx, db, msgs) {
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
	sizes, _ := log.snapshot()
	total := 0
	for _, s := range sizes {
		total += s
	}
	if total != n {
		t.Fatalf("flushed %d messages, want %d", total, n)
	}
	// One InsertMany per message would be 200 flushes.
	if len(sizes) > n/5 {
		t.Fatalf("%d flushes for %d concurrent inserts (sizes %v): not grouped", len(sizes), n, sizes)
	}
	t.Logf("%d inserts in %d flushes: %v", n, len(sizes), sizes)
	count, err := db.messages.CountDocuments(ctx, map[string]any{})
	if err != nil || count != n {
		t.Fatalf("stored %d (%v), want %d", count, err, n)
	}
}

func TestMaxBatchSplits(t *testing.T) {
	log := &flushLog{}
	db := openTestDB(t, Options{MaxBatch: 10, FlushInterval: 5 * time.Second, OnFlush: log.record})
	msgs := make([]*chat.Message, 30)
	for i := range msgs {
		msgs[i] = newMsg("c1", int64(i+1), fmt.Sprint("k", i))
	}
	start := time.Now()
	for i, err := range insertAll(ctxT(t), db, msgs) {
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
	// Full batches go at once, without waiting for the 5 s interval.
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("full batches waited %v", d)
	}
	sizes, _ := log.snapshot()
	if fmt.Sprint(sizes) != "[10 10 10]" {
		t.Fatalf("flush sizes %v, want [10 10 10]", sizes)
	}
}

func TestInsertMessageContextCancel(t *testing.T) {
	db := openTestDB(t, Options{FlushInterval: 300 * time.Millisecond})
	ctx := ctxT(t)

	t.Run("already cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		// The batcher may still take it (both select cases are ready), so
		// only the caller's answer is asserted here.
		if err := db.InsertMessage(cctx, newMsg("c0", 1, "k0")); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})

	t.Run("cancelled while waiting for the flush", func(t *testing.T) {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := db.InsertMessage(cctx, newMsg("c1", 1, "k1"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want deadline exceeded", err)
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Fatalf("caller released after %v, not at its deadline", d)
		}
		// As documented, a message handed to the batcher is still written.
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := db.MessageByClientID(ctx, "c1", "k1"); err == nil {
				break
			} else if !isNotFound(err) || time.Now().After(deadline) {
				t.Fatalf("message not written after the caller left: %v", err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func TestCloseFlushesPending(t *testing.T) {
	name := testenv.DBName(t)
	// The interval is far longer than the test: only Close can flush.
	db := openNamed(t, name, Options{FlushInterval: time.Hour}, false)
	reader := openNamed(t, name, Options{}, true)
	ctx := ctxT(t)
	msgs := make([]*chat.Message, 10)
	for i := range msgs {
		msgs[i] = newMsg("c1", int64(i+1), fmt.Sprint("k", i))
	}
	done := make(chan []error)
	go func() { done <- insertAll(ctx, db, msgs) }()
	// Wait until every sender has handed its message over and is waiting.
	time.Sleep(200 * time.Millisecond)
	if n, _ := reader.messages.CountDocuments(ctx, map[string]any{}); n != 0 {
		t.Fatalf("%d messages written before Close", n)
	}
	if err := db.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i, err := range <-done {
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
	if n, err := reader.messages.CountDocuments(ctx, map[string]any{}); err != nil || n != 10 {
		t.Fatalf("stored %d after Close (%v), want 10", n, err)
	}
	if err := db.InsertMessage(ctx, newMsg("c1", 99, "late")); !errors.Is(err, ErrClosed) {
		t.Fatalf("insert after Close: err = %v, want ErrClosed", err)
	}
}

func TestWholeBatchFailureFailsEveryWaiter(t *testing.T) {
	// A FerretDB of our own, so it can be killed under the store.
	bin := filepath.Join(testenv.RepoRoot(t), "bin", "chatdesk-dev")
	addr := "127.0.0.1:" + strconv.Itoa(testenv.FreePort(t))
	cmd := exec.Command(bin, "mongo", "-addr", addr, "-dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	testenv.WaitTCP(t, addr, 15*time.Second)

	log := &flushLog{}
	ctx := ctxT(t)
	uri := "mongodb://" + addr + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
	db, err := Open(ctx, uri, "failing", Options{FlushInterval: 20 * time.Millisecond, WriteTimeout: 2 * time.Second, OnFlush: log.record})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close(context.Background()) }()
	if err := db.InsertMessage(ctx, newMsg("c1", 1, "k1")); err != nil {
		t.Fatalf("insert while up: %v", err)
	}

	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	killed = true

	msgs := make([]*chat.Message, 10)
	for i := range msgs {
		msgs[i] = newMsg("c1", int64(i+2), fmt.Sprint("k", i+2))
	}
	start := time.Now()
	var failed atomic.Int32
	for i, err := range insertAll(ctx, db, msgs) {
		switch {
		case err == nil:
			t.Errorf("insert %d succeeded with the server down", i)
		case errors.Is(err, chat.ErrDuplicateClientID), errors.Is(err, chat.ErrDuplicateSeq), errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
			t.Errorf("insert %d: wrong error %v", i, err)
		default:
			failed.Add(1)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("waiters released after %v", d)
	}
	if failed.Load() != 10 {
		t.Fatalf("%d of 10 waiters failed", failed.Load())
	}
	_, ferrs := log.snapshot()
	sawFailure := false
	for _, e := range ferrs {
		sawFailure = sawFailure || e != nil
	}
	if !sawFailure {
		t.Fatalf("OnFlush never reported the failure: %v", ferrs)
	}
}

// The tests below drive the batcher with a fake flush, to control timing.

func fakeDocs(n int) []messageDoc {
	docs := make([]messageDoc, n)
	for i := range docs {
		docs[i] = messageDoc{ID: fmt.Sprint(i), Seq: int64(i)}
	}
	return docs
}

func TestBatcherSlowFlushDoesNotStallOthers(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	flush := func(ctx context.Context, docs []messageDoc) ([]error, error) {
		if calls.Add(1) == 1 {
			<-release // the first flush hangs until the end of the test
		}
		return make([]error, len(docs)), nil
	}
	b := newBatcher(Options{MaxBatch: 1, FlushInterval: time.Millisecond, MaxInFlight: 2, WriteTimeout: time.Minute}.withDefaults(), flush)
	defer func() { close(release); _ = b.close(context.Background()) }()
	slow := make(chan error, 1)
	go func() { slow <- b.insert(context.Background(), messageDoc{ID: "slow"}) }()
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for i := 0; i < 5; i++ {
		if err := b.insert(ctx, messageDoc{ID: fmt.Sprint(i)}); err != nil {
			t.Fatalf("insert %d behind a hung flush: %v", i, err)
		}
	}
	select {
	case err := <-slow:
		t.Fatalf("the hung flush returned %v", err)
	default:
	}
}

func TestBatcherGrowsBatchWhileSlotsAreBusy(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var sizes []int
	flush := func(ctx context.Context, docs []messageDoc) ([]error, error) {
		mu.Lock()
		sizes = append(sizes, len(docs))
		first := len(sizes) == 1
		mu.Unlock()
		if first {
			<-release
		}
		return make([]error, len(docs)), nil
	}
	b := newBatcher(Options{FlushInterval: time.Millisecond, MaxInFlight: 1}.withDefaults(), flush)
	defer func() { _ = b.close(context.Background()) }()
	first := make(chan error, 1)
	go func() { first <- b.insert(context.Background(), messageDoc{ID: "first"}) }()
	for {
		mu.Lock()
		n := len(sizes)
		mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// The only slot is busy: these 50 must wait and then go as one batch.
	done := make(chan error, 50)
	for i := 0; i < 50; i++ {
		go func() { done <- b.insert(context.Background(), messageDoc{ID: fmt.Sprint(i)}) }()
	}
	time.Sleep(100 * time.Millisecond)
	close(release)
	for i := 0; i < 50; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(sizes) != "[1 50]" {
		t.Fatalf("flush sizes %v, want [1 50]", sizes)
	}
}

func TestBatcherRoutesResults(t *testing.T) {
	errOdd := errors.New("odd")
	tests := []struct {
		name  string
		flush flushFunc
		check func(i int, err error) bool
	}{
		{"per document",
			func(ctx context.Context, docs []messageDoc) ([]error, error) {
				errs := make([]error, len(docs))
				for i, d := range docs {
					if d.Seq%2 == 1 {
						errs[i] = errOdd
					}
				}
				return errs, nil
			},
			func(i int, err error) bool { return (i%2 == 1) == errors.Is(err, errOdd) }},
		{"whole batch",
			func(ctx context.Context, docs []messageDoc) ([]error, error) { return nil, errors.New("server down") },
			func(i int, err error) bool { return err != nil }},
		{"wrong result count fails everyone",
			func(ctx context.Context, docs []messageDoc) ([]error, error) { return make([]error, len(docs)-1), nil },
			func(i int, err error) bool { return err != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBatcher(Options{MaxBatch: 8, FlushInterval: time.Second}.withDefaults(), tt.flush)
			defer func() { _ = b.close(context.Background()) }()
			docs := fakeDocs(8)
			errs := make([]error, len(docs))
			var wg sync.WaitGroup
			for i, d := range docs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = b.insert(context.Background(), d)
				}()
			}
			wg.Wait()
			for i, d := range docs {
				if !tt.check(int(d.Seq), errs[i]) {
					t.Errorf("doc %d: err = %v", i, errs[i])
				}
			}
		})
	}
}

func TestBatcherCloseDeadlineAbortsFlush(t *testing.T) {
	flush := func(ctx context.Context, docs []messageDoc) ([]error, error) {
		<-ctx.Done() // a write that never completes on its own
		return nil, ctx.Err()
	}
	b := newBatcher(Options{FlushInterval: time.Millisecond, WriteTimeout: time.Hour}.withDefaults(), flush)
	res := make(chan error, 1)
	go func() { res <- b.insert(context.Background(), messageDoc{ID: "x"}) }()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := b.close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("close: %v, want deadline exceeded", err)
	}
	select {
	case err := <-res:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("waiter got %v, want the cancelled write's error", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("waiter not released after Close gave up")
	}
}

package desk

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

// gatedSequencer is the in-memory coordinator with each ReserveBatch held
// until the test opens the gate, recording the batches' sizes.
type gatedSequencer struct {
	*inmem.Coordinator
	gate    chan struct{}
	entered chan int
	mu      sync.Mutex
	sizes   []int
}

func (g *gatedSequencer) ReserveBatch(ctx context.Context, rs []chat.Reservation) ([]chat.Reserved, []error) {
	g.mu.Lock()
	g.sizes = append(g.sizes, len(rs))
	g.mu.Unlock()
	g.entered <- len(rs)
	<-g.gate
	return g.Coordinator.ReserveBatch(ctx, rs)
}

func newGatedReserver(t *testing.T) (*reserver, *gatedSequencer, func()) {
	t.Helper()
	seq := &gatedSequencer{Coordinator: inmem.NewCoordinator(time.Now), gate: make(chan struct{}), entered: make(chan int, 100)}
	if err := seq.InitSeq(context.Background(), "c1", 0); err != nil {
		t.Fatal(err)
	}
	q := &reserver{seq: seq}
	q.start()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { q.run(stop); close(done) }()
	return q, seq, func() { close(stop); <-done }
}

// While one batch is out, concurrent sends gather and go as the next one:
// every send gets its own seq, in one round trip for all who waited.
func TestReserverBatchesWhatArrivesWhileOneIsOut(t *testing.T) {
	q, seq, stop := newGatedReserver(t)
	defer stop()
	ctx := context.Background()
	results := make(chan int64, 11)
	send := func(cid string) {
		res, err := q.reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: cid, Unread: "agent"})
		if err != nil {
			t.Error(err)
		}
		results <- res.Seq
	}
	go send("first")
	if n := <-seq.entered; n != 1 {
		t.Fatalf("a lone send went in a batch of %d", n)
	}
	for i := 0; i < 10; i++ {
		go send(fmt.Sprint("m", i))
	}
	// The ten queue behind the first batch; wait until they have.
	for deadline := time.Now().Add(5 * time.Second); ; {
		n := q.queue.waiting()
		if n == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sends queued, want 10", n)
		}
		time.Sleep(time.Millisecond)
	}
	close(seq.gate) // both batches go through
	var got []int64
	for i := 0; i < 11; i++ {
		got = append(got, <-results)
	}
	slices.Sort(got)
	for i, s := range got {
		if s != int64(i+1) {
			t.Fatalf("seqs %v, want 1..11 once each", got)
		}
	}
	if !slices.Equal(seq.sizes, []int{1, 10}) {
		t.Fatalf("batches %v, want [1 10]", seq.sizes)
	}
	if a, _, _ := seq.Unread(ctx, "c1"); a != 11 {
		t.Fatalf("unread %d, want 11", a)
	}
}

// A sender who leaves while its batch is out gets an error, and its seq
// is given back: the next message takes it, the sequence has no gap.
func TestReserverGivesBackTheSeqOfASenderWhoLeft(t *testing.T) {
	q, seq, stop := newGatedReserver(t)
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := q.reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "gone", Unread: "agent"})
		errc <- err
	}()
	<-seq.entered
	cancel()
	close(seq.gate)
	if err := <-errc; err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	res, err := q.reserve(context.Background(), chat.Reservation{ConversationID: "c1", ClientID: "next", Unread: "agent"})
	if err != nil || res.Seq != 1 {
		t.Fatalf("next send: seq %d, %v; want seq 1 again", res.Seq, err)
	}
	if a, _, _ := seq.Unread(context.Background(), "c1"); a != 1 {
		t.Fatalf("unread %d, want 1 (the one who left counts for nothing)", a)
	}
}

// Before Start and after Stop a send reserves directly.
func TestReserverOutsideItsLoop(t *testing.T) {
	seq := inmem.NewCoordinator(time.Now)
	ctx := context.Background()
	if err := seq.InitSeq(ctx, "c1", 0); err != nil {
		t.Fatal(err)
	}
	q := &reserver{seq: seq}
	if res, err := q.reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "a"}); err != nil || res.Seq != 1 {
		t.Fatalf("before start: %d %v", res.Seq, err)
	}
	q.start()
	stop := make(chan struct{})
	close(stop)
	q.run(stop)
	if res, err := q.reserve(ctx, chat.Reservation{ConversationID: "c1", ClientID: "b"}); err != nil || res.Seq != 2 {
		t.Fatalf("after stop: %d %v", res.Seq, err)
	}
}

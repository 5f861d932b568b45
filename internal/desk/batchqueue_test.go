package desk

import (
	"reflect"
	"testing"
)

func TestBatchQueueHandsOverInOrderCountsDropsAndDrainsOnStop(t *testing.T) {
	q := batchQueue[int]{max: 3}
	if queued, running := q.add(1); queued || running {
		t.Fatalf("before start: queued=%v running=%v, want the caller to handle it", queued, running)
	}
	q.start()
	for i := 1; i <= 4; i++ {
		queued, running := q.add(i)
		if !running || queued != (i <= 3) {
			t.Fatalf("add(%d): queued=%v running=%v", i, queued, running)
		}
	}
	if n := q.waiting(); n != 3 {
		t.Fatalf("waiting %d, want 3", n)
	}
	stop := make(chan struct{})
	close(stop) // run hands over what is queued, then returns
	var got []int
	drops := 0
	q.run(stop, func(batch []int, dropped int) {
		got = append(got, batch...)
		drops += dropped
	})
	if !reflect.DeepEqual(got, []int{1, 2, 3}) || drops != 1 {
		t.Fatalf("handed over %v with %d dropped, want [1 2 3] and 1", got, drops)
	}
	if _, running := q.add(5); running {
		t.Fatal("the queue still queues after stop")
	}
}

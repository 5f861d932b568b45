package desk

import (
	"context"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// indexer folds the search queue into the term index. Every node runs the
// loop; one at a time does the work, under the cluster-wide lock
// "search-indexer" (term documents are read-modify-written, which FerretDB
// does not make atomic). It also builds the index when it was never built
// (data from before the index, or an interrupted rebuild).
type indexer struct {
	index  SearchStore
	named  NamedLocks
	nodeID string
	every  time.Duration
	log    *slog.Logger
}

const (
	indexBatch  = 200 // queue documents, each the texts of one message flush
	indexBudget = 20 * time.Second
	// indexLockTTL outlives a run's budget; a rebuild takes the lock for
	// rebuildLockTTL, beyond which another node may start one.
	indexLockTTL   = indexBudget + 10*time.Second
	rebuildLockTTL = 30 * time.Minute
	indexLock      = "search-indexer"
)

func (x *indexer) run(stop <-chan struct{}) {
	tickEvery(x.every, stop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), rebuildLockTTL)
		defer cancel()
		if _, err := x.once(ctx); err != nil {
			x.log.Warn("search indexing failed", "err", err)
		}
	})
}

// once drains the queue (within its budget) unless another node is at it;
// it builds the whole index first when it was never built.
func (x *indexer) once(ctx context.Context) (int, error) {
	unlock, err := x.named.TryLock(ctx, indexLock, x.nodeID, rebuildLockTTL)
	if err != nil || unlock == nil {
		return 0, err
	}
	defer unlock()
	built, err := x.index.SearchIndexBuilt(ctx)
	if err != nil {
		return 0, err
	}
	if !built {
		n, err := x.index.RebuildSearch(ctx)
		if err != nil {
			return 0, err
		}
		x.log.Info("search index built", "segments", n)
	}
	deadline := time.Now().Add(indexBudget)
	total := 0
	for time.Now().Before(deadline) {
		n, err := x.index.IndexQueued(ctx, indexBatch)
		total += n
		if err != nil || n < indexBatch {
			return total, err
		}
	}
	return total, nil
}

// Rebuild starts a rebuild of the search index in the background (an
// admin's action after a restore, or to take in what an old failure left
// out); false when the indexer is busy on another node or this one.
func (s *Search) Rebuild(ctx context.Context, actor Actor) (bool, error) {
	if err := requireAdmin(actor); err != nil {
		return false, err
	}
	if s.index == nil {
		return false, &chat.Error{Code: chat.EUNAVAILABLE, Message: "Tìm kiếm nội dung chưa được bật."}
	}
	x := s.indexer
	unlock, err := x.named.TryLock(ctx, indexLock, x.nodeID, rebuildLockTTL)
	if err != nil {
		return false, s.fail.redis(err)
	}
	if unlock == nil {
		return false, nil
	}
	s.tasks.goWithin(rebuildLockTTL, func(ctx context.Context) {
		defer unlock()
		n, err := x.index.RebuildSearch(ctx)
		if err != nil {
			x.log.Warn("search rebuild failed", "err", err)
			return
		}
		x.log.Info("search index rebuilt", "segments", n)
	})
	return true, nil
}

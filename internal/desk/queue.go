package desk

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/protocol"
)

// QueueSnapshot is where the waiting conversations stand: their ids,
// oldest first (the order the queue is drained in), and the typical wait
// for a first answer lately.
type QueueSnapshot struct {
	Waiting     []string
	TypicalWait time.Duration
}

// queueDepth bounds the positions told: a visitor further back is told
// only that they wait (position 0 with waiting status).
const queueDepth = 200

// Position returns where conversation id stands (1 is next), 0 when it is
// not in the queue.
func (q QueueSnapshot) Position(id string) int { return slices.Index(q.Waiting, id) + 1 }

// Of is what the visitor of conversation id is told (nil when it does not
// wait).
func (q QueueSnapshot) Of(id string) *protocol.QueuePosition {
	pos := q.Position(id)
	if pos == 0 {
		return nil
	}
	return &protocol.QueuePosition{ConversationID: id, Position: pos, WaitSeconds: int(q.TypicalWait.Round(time.Second) / time.Second)}
}

// Queue reads the queue: one indexed query for the waiting conversations,
// plus the typical wait (computed at most every few minutes per node).
func (cs *Conversations) Queue(ctx context.Context) (QueueSnapshot, error) {
	waiting, err := cs.store.WaitingConversations(ctx, queueDepth)
	if err != nil {
		return QueueSnapshot{}, cs.fail.unavailable(err)
	}
	q := QueueSnapshot{Waiting: make([]string, len(waiting)), TypicalWait: cs.waits.get(ctx, cs.store, cs.now)}
	for i, c := range waiting {
		q.Waiting[i] = c.ID
	}
	return q, nil
}

// QueuePosition tells the visitor of a waiting conversation (or an agent)
// where it stands; nil when it does not wait.
func (cs *Conversations) QueuePosition(ctx context.Context, actor Actor, id string) (*protocol.QueuePosition, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	q, err := cs.Queue(ctx)
	if err != nil {
		return nil, err
	}
	return q.Of(id), nil
}

// typicalWait is the median time to a first agent answer over the
// conversations started in the last day (messages left while nobody could
// answer are not counted: they wait for the next opening by design), kept
// for waitsTTL. Zero when fewer than waitsMin were answered.
type typicalWait struct {
	mu  sync.Mutex
	at  time.Time
	val time.Duration
}

const (
	waitsTTL    = 5 * time.Minute
	waitsWindow = 24 * time.Hour
	waitsMin    = 3
)

func (w *typicalWait) get(ctx context.Context, store StatsStore, now Clock) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := now()
	if !w.at.IsZero() && t.Sub(w.at) < waitsTTL && !t.Before(w.at) {
		return w.val
	}
	convs, err := store.ConversationsCreatedBetween(ctx, t.Add(-waitsWindow), t)
	if err != nil {
		return w.val // keep the last figure; try again next time
	}
	var waits []time.Duration
	for _, c := range convs {
		if c.FirstResponseAt != nil && c.LeftMessage == "" {
			waits = append(waits, c.FirstResponseAt.Sub(c.CreatedAt))
		}
	}
	w.at, w.val = t, 0
	if len(waits) >= waitsMin {
		slices.Sort(waits)
		w.val = waits[len(waits)/2]
	}
	return w.val
}

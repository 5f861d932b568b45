package desk

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// lockRepair brings the reply locks back in line with their durable
// mirrors after Redis may have lost writes: a failover to an asynchronous
// replica that had not received the last lock changes leaves locks the
// product did not set — the owner before an acknowledged transfer (the old
// owner could still reply, the new one is refused) or an owner after an
// acknowledged resolve (a ghost that blocks the next claim). A missing lock
// needs nothing: it is restored from the mirror when it is next needed.
//
// The mirror (assigneeId, status) is written after the lock and before the
// change is acknowledged, so for every acknowledged change the mirror is
// the truth. Repair runs when the bus reports its connection re-established
// (any failover cuts it), on one node at a time, and each fix is made under
// the conversation's lock after reading the document again, so a change
// made meanwhile is never undone.
type lockRepair struct {
	store interface {
		ConversationStore
	}
	locks   ReplyLocks
	named   NamedLocks
	convs   convLocks
	tasks   *tasks
	log     *slog.Logger
	nodeID  string
	mu      sync.Mutex
	lastRun time.Time
}

const (
	// repairEvery bounds how often one node repairs (a flapping connection
	// must not turn into a scan of every conversation a second).
	repairEvery = 30 * time.Second
	// repairRecent is how many of the latest waiting or resolved
	// conversations are checked for a ghost lock: a lost release is a recent
	// change.
	repairRecent = 200
	// repairAssignedMax bounds the assigned conversations checked.
	repairAssignedMax = 5000
)

// soon schedules a repair (the bus's OnResubscribe handler).
func (r *lockRepair) soon() {
	r.mu.Lock()
	if time.Since(r.lastRun) < repairEvery {
		r.mu.Unlock()
		return
	}
	r.lastRun = time.Now()
	r.mu.Unlock()
	r.tasks.goWithin(2*time.Minute, r.run)
}

func (r *lockRepair) run(ctx context.Context) {
	unlock, err := r.named.TryLock(ctx, "lock-repair", r.nodeID, 2*time.Minute)
	if err != nil || unlock == nil {
		return // Redis away again, or another node repairs
	}
	defer unlock()
	fixed := 0
	r.page(ctx, chat.ConversationFilter{Statuses: []chat.Status{chat.StatusAssigned}}, repairAssignedMax, func(c *chat.Conversation) {
		owner, ok, err := r.locks.Owner(ctx, c.ID)
		if err == nil && ok && owner != c.AssigneeID {
			fixed += r.fix(ctx, c.ID)
		}
	})
	r.page(ctx, chat.ConversationFilter{Statuses: []chat.Status{chat.StatusWaiting, chat.StatusResolved}}, repairRecent, func(c *chat.Conversation) {
		if _, ok, err := r.locks.Owner(ctx, c.ID); err == nil && ok {
			fixed += r.fix(ctx, c.ID)
		}
	})
	if fixed > 0 {
		r.log.Warn("reply locks repaired from their mirrors after Redis lost writes", "n", fixed)
	}
}

// page calls fn for up to max conversations matching f, latest first.
func (r *lockRepair) page(ctx context.Context, f chat.ConversationFilter, max int, fn func(*chat.Conversation)) {
	f.Limit = chat.MaxPageSize
	for seen := 0; seen < max; {
		cs, next, err := r.store.FindConversations(ctx, f, chat.SortUpdatedDesc)
		if err != nil {
			r.log.Warn("lock repair: listing conversations failed", "err", err)
			return
		}
		for _, c := range cs {
			fn(c)
		}
		seen += len(cs)
		if next == "" {
			return
		}
		f.Cursor = next
	}
}

// fix makes a conversation's lock say what its document says, under the
// conversation's lock. It returns 1 when it changed the lock.
func (r *lockRepair) fix(ctx context.Context, id string) int {
	changed := 0
	_, _ = r.convs.with(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		owner, ok, err := r.locks.Owner(ctx, id)
		if err != nil || !ok {
			return c, err
		}
		switch {
		case c.Status == chat.StatusAssigned && owner != c.AssigneeID:
			if got, err := r.locks.Transfer(ctx, id, owner, c.AssigneeID); err == nil && got == c.AssigneeID {
				changed = 1
			}
		case c.Status != chat.StatusAssigned:
			if ok, err := r.locks.Release(ctx, id, owner); err == nil && ok {
				changed = 1
			}
		}
		return c, nil
	})
	return changed
}

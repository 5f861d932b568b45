package desk

import (
	"context"
	"time"
)

// janitor runs on every node: it turns expired presence into offline
// transitions (a crashed node's agents), returns conversations of agents
// offline past the grace period to the queue, and drains the queue. Each
// step is atomic in Redis, so nodes running it concurrently do each piece
// of work once.
type janitor struct {
	presence PresenceTracker
	announce func(ctx context.Context, agentID, name string)
	avail    availability
	route    *router
	bot      *botRunner
	// takeovers times out the due takeover requests (takeover.go): the
	// node that opened one does it itself; this is for when it died.
	takeovers func(ctx context.Context)
	grace     time.Duration
	every     time.Duration
	now       Clock
}

func (j *janitor) run(stop <-chan struct{}) { tickEvery(j.every, stop, j.tick) }

func (j *janitor) tick() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	gone, err := j.presence.Reap(ctx)
	if err != nil {
		return
	}
	for _, id := range gone {
		j.announce(ctx, id, "")
	}
	expired, err := j.presence.TakeOfflineSince(ctx, j.now().Add(-j.grace))
	if err != nil {
		return
	}
	online, _, _ := j.avail.sets(ctx)
	for _, id := range expired {
		if !online[id] {
			j.route.requeue(ctx, id)
		}
	}
	j.route.drainQueue(ctx)
	if j.takeovers != nil {
		j.takeovers(ctx)
	}
}

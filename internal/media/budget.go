package media

import (
	"context"
	"sync"
)

// Decoding memory is rationed per node. Every decode first estimates what
// it will allocate (estimate.go) and holds that many bytes of a lane until
// it is done, so the sum of decodes in flight never exceeds the lanes'
// sizes whatever visitors upload at once.
//
// Two lanes, so a small image is never queued behind a big one: photos and
// screenshots of a few megapixels take the large lane one or two at a
// time, while small images (stickers, cropped screenshots, the common
// case) go through their own lane even when the large one is full.
const (
	// SmallDecodeMax is the largest estimate that uses the small lane.
	SmallDecodeMax = 4 << 20
	smallLaneSize  = 16 << 20
	// MaxDecodeBytes is the most one decode may use; an image whose
	// cheapest decode is estimated above it is refused (ErrImageTooLarge).
	MaxDecodeBytes = 24 << 20
	largeLaneSize  = MaxDecodeBytes
)

var (
	smallLane = newLane(smallLaneSize)
	largeLane = newLane(largeLaneSize)
)

// laneFor is the lane a decode of cost bytes waits in.
func laneFor(cost int64) *lane {
	if cost <= SmallDecodeMax {
		return smallLane
	}
	return largeLane
}

// lane is a weighted semaphore: acquire(n) waits until n bytes are free.
// Waiters are served in order, so a big request is not starved by a stream
// of small ones in the same lane.
type lane struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiters []*laneWaiter
}

type laneWaiter struct {
	n     int64
	ready chan struct{} // closed once the bytes are granted
}

func newLane(size int64) *lane { return &lane{size: size} }

// acquire takes n bytes (at most the lane's size), waiting until they are
// free or ctx ends.
func (l *lane) acquire(ctx context.Context, n int64) error {
	n = min(n, l.size)
	l.mu.Lock()
	if len(l.waiters) == 0 && l.used+n <= l.size {
		l.used += n
		l.mu.Unlock()
		return nil
	}
	w := &laneWaiter{n: n, ready: make(chan struct{})}
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		select {
		case <-w.ready:
			// Granted while giving up: hand the bytes back.
			l.used -= n
		default:
			for i, x := range l.waiters {
				if x == w {
					l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
					break
				}
			}
		}
		l.grant()
		l.mu.Unlock()
		return ctx.Err()
	}
}

// release gives back n bytes taken by acquire.
func (l *lane) release(n int64) {
	n = min(n, l.size)
	l.mu.Lock()
	l.used -= n
	if l.used < 0 {
		panic("media: lane released more than acquired")
	}
	l.grant()
	l.mu.Unlock()
}

// grant wakes the waiters at the head of the queue that now fit; l.mu is held.
func (l *lane) grant() {
	for len(l.waiters) > 0 {
		w := l.waiters[0]
		if l.used+w.n > l.size {
			return
		}
		l.used += w.n
		l.waiters = l.waiters[1:]
		close(w.ready)
	}
}

// inUse reports the bytes held, for tests and metrics.
func (l *lane) inUse() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.used
}

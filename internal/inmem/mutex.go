package inmem

import (
	"context"
	"time"
)

// Named locks: short-lived cluster-wide mutexes. A lock is held by a
// holder until released by that holder or until its TTL runs out (no TTL
// when ttl <= 0); a stale holder's release never frees someone else's lock.

// TryLock returns an unlock func, or nil when the lock is held, by another
// holder or by this one (it is not reentrant).
func (c *Coordinator) TryLock(ctx context.Context, name, holder string, ttl time.Duration) (func(), error) {
	ok, err := c.TryLockMany(ctx, []string{name}, holder, ttl)
	if err != nil || !ok[0] {
		return nil, err
	}
	return func() {
		// As internal/redis's unlock: best effort, an error is dropped.
		_ = c.UnlockMany(context.Background(), []string{name}, holder)
	}, nil
}

// TryLockMany takes several locks at once and reports, for each, whether
// it was taken (a name listed twice is taken once).
func (c *Coordinator) TryLockMany(ctx context.Context, names []string, holder string, ttl time.Duration) ([]bool, error) {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := make([]bool, len(names))
	for i, n := range names {
		if e, ok := st.mutexes[n]; ok && live(e.expireAt, now) {
			continue
		}
		st.mutexes[n] = expiring[string]{holder, expiry(now, ttl)}
		out[i] = true
	}
	return out, nil
}

// UnlockMany releases the locks holder still holds.
func (c *Coordinator) UnlockMany(ctx context.Context, names []string, holder string) error {
	st, now, unlock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, n := range names {
		if e, ok := st.mutexes[n]; ok && live(e.expireAt, now) && e.v == holder {
			delete(st.mutexes, n)
		}
	}
	return nil
}

package inmem

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Every call of the Store passes the availability check (downSwitch.check)
// and then works under s.mu: read and write are that protocol, once.

// read runs f holding s.mu for reading.
func read[T any](ctx context.Context, s *Store, f func() (T, error)) (T, error) {
	if err := s.check(ctx); err != nil {
		var zero T
		return zero, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return f()
}

// write runs f holding s.mu for writing.
func (s *Store) write(ctx context.Context, f func() error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}

// lookup returns a copy of m[id], chat.ErrNotFound when there is none.
func lookup[V, T any](m map[string]V, id string, clone func(V) T) (T, error) {
	v, ok := m[id]
	if !ok {
		var zero T
		return zero, chat.ErrNotFound
	}
	return clone(v), nil
}

// replace stores v as m[id] when id is there, else says chat.ErrNotFound.
func replace[V any](m map[string]V, id string, v V) error {
	if _, ok := m[id]; !ok {
		return chat.ErrNotFound
	}
	m[id] = v
	return nil
}

// remove deletes m[id] when id is there, else says chat.ErrNotFound.
func remove[V any](m map[string]V, id string) error {
	if _, ok := m[id]; !ok {
		return chat.ErrNotFound
	}
	delete(m, id)
	return nil
}

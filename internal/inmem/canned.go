package inmem

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// CannedReplies returns the replies of the given owners ("" for shared),
// by shortcut then owner (shared before personal for the same shortcut).
func (s *Store) CannedReplies(ctx context.Context, ownerIDs []string) ([]*chat.CannedReply, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := []*chat.CannedReply{}
	for _, r := range s.canned {
		if slices.Contains(ownerIDs, r.OwnerID) {
			out = append(out, cloneCanned(r))
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *chat.CannedReply) int {
		return cmp.Or(strings.Compare(a.Shortcut, b.Shortcut), strings.Compare(a.OwnerID, b.OwnerID))
	})
	return out, nil
}

// CannedReply returns chat.ErrNotFound when id is unknown.
func (s *Store) CannedReply(ctx context.Context, id string) (*chat.CannedReply, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r, ok := s.canned[id]; ok {
		return cloneCanned(r), nil
	}
	return nil, chat.ErrNotFound
}

// CreateCannedReply stores r, giving it an id when it has none; it returns
// chat.ErrDuplicateShortcut when r's scope has that shortcut already.
func (s *Store) CreateCannedReply(ctx context.Context, r *chat.CannedReply) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = newID()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shortcutTaken(r) {
		return chat.ErrDuplicateShortcut
	}
	if _, ok := s.canned[r.ID]; ok {
		return errDuplicateID
	}
	s.canned[r.ID] = cloneCanned(r)
	return nil
}

// shortcutTaken reports whether another reply of r's scope has its shortcut.
func (s *Store) shortcutTaken(r *chat.CannedReply) bool {
	for _, o := range s.canned {
		if o.OwnerID == r.OwnerID && o.Shortcut == r.Shortcut && o.ID != r.ID {
			return true
		}
	}
	return false
}

// UpdateCannedReply replaces the reply with r's id: chat.ErrNotFound when
// missing, chat.ErrDuplicateShortcut when the new shortcut is taken.
func (s *Store) UpdateCannedReply(ctx context.Context, r *chat.CannedReply) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.canned[r.ID]; !ok {
		return chat.ErrNotFound
	}
	if s.shortcutTaken(r) {
		return chat.ErrDuplicateShortcut
	}
	s.canned[r.ID] = cloneCanned(r)
	return nil
}

// DeleteCannedReply returns chat.ErrNotFound when id is unknown.
func (s *Store) DeleteCannedReply(ctx context.Context, id string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.canned[id]; !ok {
		return chat.ErrNotFound
	}
	delete(s.canned, id)
	return nil
}

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
	return read(ctx, s, func() ([]*chat.CannedReply, error) {
		out := []*chat.CannedReply{}
		for _, r := range s.canned {
			if slices.Contains(ownerIDs, r.OwnerID) {
				out = append(out, cloneCanned(r))
			}
		}
		slices.SortFunc(out, func(a, b *chat.CannedReply) int {
			return cmp.Or(strings.Compare(a.Shortcut, b.Shortcut), strings.Compare(a.OwnerID, b.OwnerID))
		})
		return out, nil
	})
}

// CannedReply returns chat.ErrNotFound when id is unknown.
func (s *Store) CannedReply(ctx context.Context, id string) (*chat.CannedReply, error) {
	return read(ctx, s, func() (*chat.CannedReply, error) { return lookup(s.canned, id, cloneCanned) })
}

// CreateCannedReply stores r, giving it an id when it has none; it returns
// chat.ErrDuplicateShortcut when r's scope has that shortcut already.
func (s *Store) CreateCannedReply(ctx context.Context, r *chat.CannedReply) error {
	return s.write(ctx, func() error {
		if r.ID == "" {
			r.ID = newID()
		}
		if s.shortcutTaken(r) {
			return chat.ErrDuplicateShortcut
		}
		if _, ok := s.canned[r.ID]; ok {
			return errDuplicateID
		}
		s.canned[r.ID] = cloneCanned(r)
		return nil
	})
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
	return s.write(ctx, func() error {
		if _, ok := s.canned[r.ID]; ok && s.shortcutTaken(r) {
			return chat.ErrDuplicateShortcut
		}
		return replace(s.canned, r.ID, cloneCanned(r))
	})
}

// DeleteCannedReply returns chat.ErrNotFound when id is unknown.
func (s *Store) DeleteCannedReply(ctx context.Context, id string) error {
	return s.write(ctx, func() error { return remove(s.canned, id) })
}

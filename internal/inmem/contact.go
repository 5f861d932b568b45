package inmem

import (
	"context"
	"slices"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// contactData holds the contact index documents, by key, and the
// backfill's marker.
type contactData struct {
	index      map[string]*chat.ContactIndex
	backfilled bool
}

func cloneContact(x *chat.ContactIndex) *chat.ContactIndex {
	out := *x
	out.FirstSeen = ms(x.FirstSeen)
	out.Conversations = make([]chat.ContactEntry, len(x.Conversations))
	for i, e := range x.Conversations {
		out.Conversations[i] = chat.ContactEntry{ID: e.ID, CreatedAt: ms(e.CreatedAt)}
	}
	return &out
}

// ContactIndex returns nil when the contact has none.
func (s *Store) ContactIndex(ctx context.Context, key string) (*chat.ContactIndex, error) {
	return read(ctx, s, func() (*chat.ContactIndex, error) {
		x, ok := s.contacts.index[key]
		if !ok {
			return nil, nil
		}
		return cloneContact(x), nil
	})
}

// SaveContactIndex creates or replaces x.
func (s *Store) SaveContactIndex(ctx context.Context, x *chat.ContactIndex) error {
	return s.write(ctx, func() error {
		if s.contacts.index == nil {
			s.contacts.index = map[string]*chat.ContactIndex{}
		}
		s.contacts.index[x.Key] = cloneContact(x)
		return nil
	})
}

// DeleteContactIndex removes it; missing is fine.
func (s *Store) DeleteContactIndex(ctx context.Context, key string) error {
	return s.write(ctx, func() error {
		delete(s.contacts.index, key)
		return nil
	})
}

// SetConversationContact sets a conversation's contact key and place.
func (s *Store) SetConversationContact(ctx context.Context, id, key string, place int) error {
	return s.write(ctx, func() error {
		sc, ok := s.conversations[id]
		if !ok {
			return chat.ErrNotFound
		}
		sc.c.ContactKey, sc.c.ContactConversations, sc.c.Returning = key, place, place > 1
		sc.unindexed = false
		return nil
	})
}

// UnindexedConversations returns the conversations stored through
// InsertUnindexed (as if written before contacts existed) with a phone.
func (s *Store) UnindexedConversations(ctx context.Context, limit int) ([]*chat.Conversation, error) {
	return read(ctx, s, func() ([]*chat.Conversation, error) {
		out := []*chat.Conversation{}
		for _, sc := range s.conversations {
			if sc.unindexed && sc.c.Visitor.Phone != "" {
				out = append(out, cloneConversation(sc.c))
			}
		}
		slices.SortFunc(out, byCreatedThenID)
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
		return out, nil
	})
}

// InsertUnindexed stores c as a conversation written before contacts
// existed (no contact key at all): for tests of the backfill.
func (s *Store) InsertUnindexed(ctx context.Context, c *chat.Conversation) error {
	if err := s.CreateConversation(ctx, c); err != nil {
		return err
	}
	return s.write(ctx, func() error {
		s.conversations[c.ID].unindexed = true
		return nil
	})
}

// ContactsBackfilled reports whether MarkContactsBackfilled ran.
func (s *Store) ContactsBackfilled(ctx context.Context) (bool, error) {
	return read(ctx, s, func() (bool, error) { return s.contacts.backfilled, nil })
}

// MarkContactsBackfilled remembers that the backfill finished.
func (s *Store) MarkContactsBackfilled(ctx context.Context) error {
	return s.write(ctx, func() error {
		s.contacts.backfilled = true
		return nil
	})
}

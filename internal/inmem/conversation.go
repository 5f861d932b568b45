package inmem

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// storedConversation is a conversation with the search keys internal/mongo
// derives on create (searchName, phoneSearch): search matches these, not
// the visitor's fields as they are now.
type storedConversation struct {
	c           *chat.Conversation
	searchName  string
	phoneSearch string
	unindexed   bool // stored without a contact key field (InsertUnindexed)
}

// errDuplicateID: an object with this id is stored already. Ids are random,
// so this is a caller's bug, reported as MongoDB's duplicate _id would be.
var errDuplicateID = errors.New("inmem: duplicate id")

// CreateConversation stores c, giving it an id when it has none and the
// default priority when it has none (on c itself, as internal/mongo does).
func (s *Store) CreateConversation(ctx context.Context, c *chat.Conversation) error {
	return s.write(ctx, func() error {
		if c.ID == "" {
			c.ID = newID()
		}
		c.Priority = c.Priority.OrDefault()
		if c.Tags == nil {
			c.Tags = []string{}
		}
		if _, ok := s.conversations[c.ID]; ok {
			return errDuplicateID
		}
		s.conversations[c.ID] = &storedConversation{
			c:           cloneConversation(c),
			searchName:  chat.Fold(c.Visitor.Name),
			phoneSearch: chat.PhoneSearchKey(c.Visitor.Phone),
		}
		return nil
	})
}

func (sc *storedConversation) clone() *chat.Conversation { return cloneConversation(sc.c) }

// Conversation returns chat.ErrNotFound when id is unknown.
func (s *Store) Conversation(ctx context.Context, id string) (*chat.Conversation, error) {
	return read(ctx, s, func() (*chat.Conversation, error) { return lookup(s.conversations, id, (*storedConversation).clone) })
}

// timeOrNil turns the "zero time clears it" convention into a nil pointer.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return msPtr(&t)
}

// UpdateConversation sets the non-nil fields of u and updatedAt unless it is
// zero. An update setting nothing succeeds whether or not id exists, as the
// MongoDB adapter sends no command for it.
func (s *Store) UpdateConversation(ctx context.Context, id string, u chat.ConversationUpdate) error {
	var set []func(c *chat.Conversation)
	if !u.UpdatedAt.IsZero() {
		set = append(set, func(c *chat.Conversation) { c.UpdatedAt = ms(u.UpdatedAt) })
	}
	if u.Status != nil {
		set = append(set, func(c *chat.Conversation) { c.Status = *u.Status })
	}
	if u.AssigneeID != nil {
		set = append(set, func(c *chat.Conversation) { c.AssigneeID = *u.AssigneeID })
	}
	if u.AssigneeAvatar != nil {
		set = append(set, func(c *chat.Conversation) { c.AssigneeAvatarURL = *u.AssigneeAvatar })
	}
	if u.AssigneeName != nil {
		set = append(set, func(c *chat.Conversation) { c.AssigneeName = *u.AssigneeName })
	}
	if u.AssignedAt != nil {
		set = append(set, func(c *chat.Conversation) { c.AssignedAt = timeOrNil(*u.AssignedAt) })
	}
	if u.ResolvedAt != nil {
		set = append(set, func(c *chat.Conversation) { c.ResolvedAt = timeOrNil(*u.ResolvedAt) })
	}
	if u.FirstResolvedAt != nil {
		set = append(set, func(c *chat.Conversation) { c.FirstResolvedAt = timeOrNil(*u.FirstResolvedAt) })
	}
	if u.Priority != nil {
		set = append(set, func(c *chat.Conversation) { c.Priority = u.Priority.OrDefault() })
	}
	if u.Tags != nil {
		set = append(set, func(c *chat.Conversation) { c.Tags = copyStrings(*u.Tags) })
	}
	if u.HandoffAt != nil {
		set = append(set, func(c *chat.Conversation) { c.HandoffAt = timeOrNil(*u.HandoffAt) })
	}
	if u.Rating != nil {
		set = append(set, func(c *chat.Conversation) { c.Rating = cloneRating(u.Rating) })
	}
	return s.write(ctx, func() error {
		if len(set) == 0 {
			return nil
		}
		sc, ok := s.conversations[id]
		if !ok {
			return chat.ErrNotFound
		}
		for _, f := range set {
			f(sc.c)
		}
		return nil
	})
}

// TouchConversations writes coalesced activity, last writer wins (the
// preview is not compared with the stored one, as in internal/mongo);
// unknown ids are ignored.
func (s *Store) TouchConversations(ctx context.Context, touches []chat.ConversationTouch) error {
	return s.write(ctx, func() error {
		s.touch(touches)
		return nil
	})
}

// touch writes touches. s.mu must be held.
func (s *Store) touch(touches []chat.ConversationTouch) {
	for _, t := range touches {
		sc, ok := s.conversations[t.ID]
		if !ok {
			continue
		}
		c := sc.c
		if !t.UpdatedAt.IsZero() { // zero: a read, not activity
			c.UpdatedAt = ms(t.UpdatedAt)
		}
		if t.UnreadAgent != nil {
			c.UnreadAgent = *t.UnreadAgent
		}
		if t.UnreadVisit != nil {
			c.UnreadVisit = *t.UnreadVisit
		}
		if t.LastMessage != nil {
			c.LastMessage = clonePreview(t.LastMessage)
		}
		if t.FirstResponseAt != nil {
			c.FirstResponseAt = msPtr(t.FirstResponseAt)
		}
		if t.AgentReadSeq != nil {
			c.AgentReadSeq = *t.AgentReadSeq
		}
		if t.VisitorReadSeq != nil {
			c.VisitorReadSeq = *t.VisitorReadSeq
		}
	}
}

// FindConversations pages through conversations matching f: newest first by
// creation or by activity, ties broken by id, both descending; the priority
// order puts the most urgent first, then activity, then id.
func (s *Store) FindConversations(ctx context.Context, f chat.ConversationFilter, order chat.SortOrder) ([]*chat.Conversation, string, error) {
	if err := s.check(ctx); err != nil {
		return nil, "", err
	}
	switch order {
	case chat.SortCreatedDesc, chat.SortUpdatedDesc, chat.SortPriority:
	default:
		return nil, "", chat.ErrBadOrder
	}
	match, ok := conversationFilter(f)
	if !ok {
		return []*chat.Conversation{}, "", nil
	}
	if f.Cursor != "" {
		cur, err := chat.DecodeCursor(f.Cursor, order)
		if err != nil {
			return nil, "", err
		}
		inner := match
		match = func(sc *storedConversation) bool {
			return inner(sc) && comparePosition(order, sc.c, cur) < 0
		}
	}
	list := s.selectConversations(match, func(a, b *chat.Conversation) int {
		return comparePosition(order, b, chat.CursorOf(order, a))
	})
	page, next := chat.CutPage(list, f.PageSize(), order)
	return page, next, nil
}

// comparePosition compares c with a position in ascending (rank, time,
// id); pages run in descending order, so "after the cursor" is < 0.
func comparePosition(order chat.SortOrder, c *chat.Conversation, p chat.PageCursor) int {
	at := chat.CursorOf(order, c)
	return cmp.Or(cmp.Compare(at.Rank, p.Rank), cmp.Compare(at.At, p.At), strings.Compare(at.ID, p.ID))
}

// conversationFilter turns f (less its cursor) into a predicate; ok is false
// when the query can match nothing.
func conversationFilter(f chat.ConversationFilter) (match func(*storedConversation) bool, ok bool) {
	var preds []func(*storedConversation) bool
	if q := strings.TrimSpace(f.Query); q != "" {
		var subs []func(*storedConversation) bool
		// A query of only combining marks folds to "", which would match
		// every name.
		if name := chat.Fold(q); name != "" {
			subs = append(subs, func(sc *storedConversation) bool { return strings.Contains(sc.searchName, name) })
		}
		for _, k := range chat.PhoneSearchKeys(q) {
			subs = append(subs, func(sc *storedConversation) bool { return strings.Contains(sc.phoneSearch, k) })
		}
		if len(subs) == 0 {
			return nil, false
		}
		preds = append(preds, func(sc *storedConversation) bool {
			return slices.ContainsFunc(subs, func(p func(*storedConversation) bool) bool { return p(sc) })
		})
	}
	if len(f.Statuses) > 0 {
		preds = append(preds, func(sc *storedConversation) bool { return slices.Contains(f.Statuses, sc.c.Status) })
	}
	if f.AssigneeID != nil {
		id := *f.AssigneeID
		preds = append(preds, func(sc *storedConversation) bool { return sc.c.AssigneeID == id })
	}
	// Dates compare as BSON keeps them: in milliseconds.
	if f.From != nil {
		from := f.From.UnixMilli()
		preds = append(preds, func(sc *storedConversation) bool { return sc.c.CreatedAt.UnixMilli() >= from })
	}
	if f.To != nil {
		to := f.To.UnixMilli()
		preds = append(preds, func(sc *storedConversation) bool { return sc.c.CreatedAt.UnixMilli() < to })
	}
	if len(f.Priorities) > 0 {
		preds = append(preds, func(sc *storedConversation) bool { return slices.Contains(f.Priorities, sc.c.Priority) })
	}
	if f.Tag != "" {
		preds = append(preds, func(sc *storedConversation) bool { return slices.Contains(sc.c.Tags, f.Tag) })
	}
	return func(sc *storedConversation) bool {
		for _, p := range preds {
			if !p(sc) {
				return false
			}
		}
		return true
	}, true
}

// WaitingConversations returns up to limit waiting conversations, oldest
// first; limit <= 0 means 100.
func (s *Store) WaitingConversations(ctx context.Context, limit int) ([]*chat.Conversation, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	list := s.selectConversations(func(sc *storedConversation) bool { return sc.c.Status == chat.StatusWaiting }, oldestFirst)
	return list[:min(limit, len(list))], nil
}

// AssignedConversations returns the conversations agentID owns, oldest first.
func (s *Store) AssignedConversations(ctx context.Context, agentID string) ([]*chat.Conversation, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.selectConversations(func(sc *storedConversation) bool {
		return sc.c.Status == chat.StatusAssigned && sc.c.AssigneeID == agentID
	}, oldestFirst), nil
}

func oldestFirst(a, b *chat.Conversation) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
}

// selectConversations returns copies of the matching conversations, sorted;
// never nil.
func (s *Store) selectConversations(match func(*storedConversation) bool, order func(a, b *chat.Conversation) int) []*chat.Conversation {
	s.mu.RLock()
	out := []*chat.Conversation{}
	for _, sc := range s.conversations {
		if match(sc) {
			out = append(out, cloneConversation(sc.c))
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, order)
	return out
}

// PartialUpdatesAtomic: updates apply field by field under the store's
// lock, as on MongoDB.
func (s *Store) PartialUpdatesAtomic() bool { return true }

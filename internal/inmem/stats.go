package inmem

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// ConversationsCreatedBetween returns the conversations created in
// [from, to), oldest first, with only the fields internal/mongo reads for
// statistics: answers, visitor, preview, unread counters, assignedAt and
// handoffAt come back empty there, so they do here, and nothing can come to
// depend on them.
func (s *Store) ConversationsCreatedBetween(ctx context.Context, from, to time.Time) ([]*chat.Conversation, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	f, t := from.UnixMilli(), to.UnixMilli()
	list := s.selectConversations(func(sc *storedConversation) bool {
		at := sc.c.CreatedAt.UnixMilli()
		return at >= f && at < t
	}, oldestFirst)
	for i, c := range list {
		list[i] = &chat.Conversation{
			ID: c.ID, Status: c.Status, AssigneeID: c.AssigneeID, AssigneeName: c.AssigneeName,
			Answers: []chat.Answer{}, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
			ResolvedAt: c.ResolvedAt, FirstResolvedAt: c.FirstResolvedAt, FirstResponseAt: c.FirstResponseAt,
			Rating: c.Rating, Priority: c.Priority, Tags: c.Tags,
		}
	}
	return list, nil
}

// CountWaiting counts the conversations in the queue now.
func (s *Store) CountWaiting(ctx context.Context) (int, error) {
	return read(ctx, s, func() (int, error) {
		n := 0
		for _, sc := range s.conversations {
			if sc.c.Status == chat.StatusWaiting {
				n++
			}
		}
		return n, nil
	})
}

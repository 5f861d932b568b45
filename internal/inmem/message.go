package inmem

import (
	"context"
	"errors"
	"slices"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// conversationMessages are one conversation's messages, sorted by seq, with
// the two unique keys internal/mongo indexes: (conversation, clientId) and
// (conversation, seq).
type conversationMessages struct {
	bySeq    []*chat.Message
	byClient map[string]*chat.Message
}

// errDuplicateMessageID: the caller reused a message id (ids are random, so
// this is a bug upstream, not a resend).
var errDuplicateMessageID = errors.New("inmem: duplicate message id")

// InsertMessage stores m, giving it an id when it has none. A message whose
// clientId is taken in its conversation gets chat.ErrDuplicateClientID,
// even when its seq is taken too (a resend that reused its seq); otherwise
// a taken seq gets chat.ErrDuplicateSeq.
func (s *Store) InsertMessage(ctx context.Context, m *chat.Message) error {
	return s.write(ctx, func() error { return s.insertMessage(m) })
}

// insertMessage is InsertMessage holding s.mu.
func (s *Store) insertMessage(m *chat.Message) error {
	if m.ID == "" {
		m.ID = newID()
	}
	cm := s.messages[m.ConversationID]
	if cm == nil {
		cm = &conversationMessages{byClient: map[string]*chat.Message{}}
		s.messages[m.ConversationID] = cm
	}
	if _, ok := cm.byClient[m.ClientID]; ok {
		return chat.ErrDuplicateClientID
	}
	i, found := cm.find(m.Seq)
	if found {
		return chat.ErrDuplicateSeq
	}
	if s.messageIDs[m.ID] {
		return errDuplicateMessageID
	}
	stored := cloneMessage(m)
	s.messageIDs[m.ID] = true
	cm.byClient[m.ClientID] = stored
	cm.bySeq = slices.Insert(cm.bySeq, i, stored)
	return nil
}

// find returns where seq is or would be in bySeq.
func (cm *conversationMessages) find(seq int64) (int, bool) {
	return slices.BinarySearchFunc(cm.bySeq, seq, func(m *chat.Message, seq int64) int {
		switch {
		case m.Seq < seq:
			return -1
		case m.Seq > seq:
			return 1
		}
		return 0
	})
}

// MessageByClientID returns chat.ErrNotFound when no such message is stored.
func (s *Store) MessageByClientID(ctx context.Context, conversationID, clientID string) (*chat.Message, error) {
	return read(ctx, s, func() (*chat.Message, error) {
		if cm := s.messages[conversationID]; cm != nil {
			return lookup(cm.byClient, clientID, cloneMessage)
		}
		return nil, chat.ErrNotFound
	})
}

// maxReplay bounds one MessagesAfter page, as in internal/mongo.
const maxReplay = 500

// MessagesAfter returns up to limit messages with seq > after, by seq; a
// limit <= 0 or above 500 means 500.
func (s *Store) MessagesAfter(ctx context.Context, conversationID string, after int64, limit int) ([]*chat.Message, error) {
	if limit <= 0 || limit > maxReplay {
		limit = maxReplay
	}
	return read(ctx, s, func() ([]*chat.Message, error) {
		out := []*chat.Message{}
		cm := s.messages[conversationID]
		if cm == nil {
			return out, nil
		}
		i, found := cm.find(after)
		if found {
			i++
		}
		for _, m := range cm.bySeq[i:min(i+limit, len(cm.bySeq))] {
			out = append(out, cloneMessage(m))
		}
		return out, nil
	})
}

// MaxSeq returns the highest stored seq of a conversation, 0 when none.
func (s *Store) MaxSeq(ctx context.Context, conversationID string) (int64, error) {
	return read(ctx, s, func() (int64, error) {
		cm := s.messages[conversationID]
		if cm == nil || len(cm.bySeq) == 0 {
			return 0, nil
		}
		return max(cm.bySeq[len(cm.bySeq)-1].Seq, 0), nil // notes' seqs are negative
	})
}

// maxNotes bounds Notes, as in internal/mongo.
const maxNotes = 1000

// Notes returns a conversation's internal notes (negative seqs) in the
// order they were written, at most 1000.
func (s *Store) Notes(ctx context.Context, conversationID string) ([]*chat.Message, error) {
	return read(ctx, s, func() ([]*chat.Message, error) {
		out := []*chat.Message{}
		cm := s.messages[conversationID]
		if cm == nil {
			return out, nil
		}
		end, _ := cm.find(0)
		for i := end - 1; i >= 0 && len(out) < maxNotes; i-- {
			out = append(out, cloneMessage(cm.bySeq[i]))
		}
		return out, nil
	})
}

// RequeueForSearch does nothing: the in-memory store has no search index
// (names and phones are searched in the conversation list).
func (s *Store) RequeueForSearch(ctx context.Context, m *chat.Message) error { return nil }

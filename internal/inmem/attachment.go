package inmem

import (
	"bytes"
	"context"
	"io"
	"slices"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// storedFile is an attachment or its thumbnail, with the conversation it
// belongs to: an id alone opens nothing.
type storedFile struct {
	conversationID string
	name           string
	contentType    string
	data           []byte
}

func thumbID(id string) string { return id + ".thumb" }

// SaveAttachment stores data under a.ID and, when thumb is not nil, the
// thumbnail beside it. An id in use is an error, as in GridFS.
func (s *Store) SaveAttachment(ctx context.Context, conversationID string, a *chat.Attachment, data, thumb []byte, thumbType string) error {
	return s.write(ctx, func() error {
		if s.files[a.ID] != nil || (thumb != nil && s.files[thumbID(a.ID)] != nil) {
			return errDuplicateID
		}
		s.files[a.ID] = &storedFile{conversationID, a.Name, a.ContentType, slices.Clone(data)}
		if thumb != nil {
			s.files[thumbID(a.ID)] = &storedFile{conversationID, a.Name, thumbType, slices.Clone(thumb)}
		}
		return nil
	})
}

// OpenAttachment returns chat.ErrNotFound when the file is missing or
// belongs to another conversation.
func (s *Store) OpenAttachment(ctx context.Context, conversationID, id string, thumbnail bool) (*chat.StoredFile, error) {
	if thumbnail {
		id = thumbID(id)
	}
	return read(ctx, s, func() (*chat.StoredFile, error) {
		f := s.files[id]
		if f == nil || f.conversationID != conversationID {
			return nil, chat.ErrNotFound
		}
		// The stored bytes are never changed, only replaced: reading them
		// without a copy is safe.
		return &chat.StoredFile{ConversationID: f.conversationID, Name: f.name, ContentType: f.contentType,
			Size: int64(len(f.data)), Body: io.NopCloser(bytes.NewReader(f.data))}, nil
	})
}

// DeleteAttachment removes a file and its thumbnail; missing is fine.
func (s *Store) DeleteAttachment(ctx context.Context, id string) error {
	return s.write(ctx, func() error {
		delete(s.files, id)
		delete(s.files, thumbID(id))
		return nil
	})
}

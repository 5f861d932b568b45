package mongo

import (
	"bytes"
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// bucketAttachments is the GridFS bucket of attachments: collections
// attachments.files and attachments.chunks, so every node serves every file
// without another service.
const bucketAttachments = "attachments"

// fileMeta is the metadata of a GridFS file. The conversation is checked on
// every read: an attachment id alone opens nothing.
type fileMeta struct {
	ConversationID string `bson:"conversationId"`
	ContentType    string `bson:"contentType"`
}

func thumbID(id string) string { return id + ".thumb" }

// SaveAttachment stores the file, then its thumbnail.
func (db *DB) SaveAttachment(ctx context.Context, conversationID string, a *chat.Attachment, data, thumb []byte, thumbType string) error {
	b := db.db.GridFSBucket(options.GridFSBucket().SetName(bucketAttachments))
	meta := fileMeta{ConversationID: conversationID, ContentType: a.ContentType}
	if err := b.UploadFromStreamWithID(ctx, a.ID, a.Name, bytes.NewReader(data), options.GridFSUpload().SetMetadata(meta)); err != nil {
		return wrap(err, "save attachment")
	}
	if thumb == nil {
		return nil
	}
	meta.ContentType = thumbType
	if err := b.UploadFromStreamWithID(ctx, thumbID(a.ID), a.Name, bytes.NewReader(thumb), options.GridFSUpload().SetMetadata(meta)); err != nil {
		_ = b.Delete(context.WithoutCancel(ctx), a.ID)
		return wrap(err, "save thumbnail")
	}
	return nil
}

// OpenAttachment opens a file of conversationID for reading.
func (db *DB) OpenAttachment(ctx context.Context, conversationID, id string, thumbnail bool) (*chat.StoredFile, error) {
	if thumbnail {
		id = thumbID(id)
	}
	b := db.db.GridFSBucket(options.GridFSBucket().SetName(bucketAttachments))
	ds, err := b.OpenDownloadStream(ctx, id)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil, chat.ErrNotFound
	}
	if err != nil {
		return nil, wrap(err, "open attachment")
	}
	f := ds.GetFile()
	var meta fileMeta
	if err := bson.Unmarshal(f.Metadata, &meta); err != nil || meta.ConversationID != conversationID {
		_ = ds.Close()
		return nil, chat.ErrNotFound
	}
	return &chat.StoredFile{ConversationID: meta.ConversationID, Name: f.Name, ContentType: meta.ContentType, Size: f.Length, Body: ds}, nil
}

// DeleteAttachment removes a file and its thumbnail.
func (db *DB) DeleteAttachment(ctx context.Context, id string) error {
	b := db.db.GridFSBucket(options.GridFSBucket().SetName(bucketAttachments))
	for _, fid := range []string{id, thumbID(id)} {
		if err := b.Delete(ctx, fid); err != nil && !errors.Is(err, mongo.ErrFileNotFound) {
			return wrap(err, "delete attachment")
		}
	}
	return nil
}

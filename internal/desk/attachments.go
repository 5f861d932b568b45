package desk

import (
	"context"
	"errors"
	"path"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/media"
)

// Upload is a file as the sender gave it.
type Upload struct {
	Name string
	Data []byte
}

// MaxUploadBytes is the configured attachment limit; transports read no
// more than this (plus their own framing) from a request.
func (ms *Messages) MaxUploadBytes() int64 { return ms.maxUpload }

// AttachmentTarget checks that actor may send to the conversation (see
// SendMessage's rules) before a transport reads a possibly large upload.
func (ms *Messages) AttachmentTarget(ctx context.Context, actor Actor, conversationID string) (*chat.Conversation, error) {
	c, err := ms.senderConversation(ctx, actor, conversationID)
	if err != nil {
		return nil, err
	}
	if actor.IsAgent() {
		// Before the body is read; the write checks again.
		if err := ms.lock.mustOwn(ctx, c, actor.AgentID()); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// SendAttachment stores a file and the message carrying it to c, which
// AttachmentTarget returned for the same actor: acknowledged once MongoDB
// has both, and a resend with a known clientId stores nothing.
func (ms *Messages) SendAttachment(ctx context.Context, actor Actor, c *chat.Conversation, clientID, caption string, up Upload) (*chat.Message, bool, error) {
	if err := chat.ValidateClientID(clientID); err != nil {
		return nil, false, err
	}
	caption, err := chat.CleanCaption(caption)
	if err != nil {
		return nil, false, err
	}
	if int64(len(up.Data)) > ms.maxUpload {
		return nil, false, chat.TooLargeFile(ms.maxUpload)
	}
	// A resend after a lost answer: the message (and its file) is stored.
	if prev, err := ms.store.MessageByClientID(ctx, c.ID, clientID); err == nil {
		return prev, true, nil
	}
	if err := chat.CheckFileName(up.Name); err != nil {
		return nil, false, err
	}
	typ, err := media.Sniff(up.Data)
	if err != nil {
		return nil, false, err
	}
	att := &chat.Attachment{ID: chat.NewID(), Name: chat.CleanFileName(up.Name), Size: int64(len(up.Data)), ContentType: typ.ContentType}
	if path.Ext(att.Name) == "" {
		att.Name += typ.Ext
	}
	var thumb []byte
	var thumbType string
	if typ.Kind == chat.KindImage {
		img, err := media.InspectContext(ctx, up.Data, typ.ContentType)
		if err != nil {
			return nil, false, err
		}
		att.Width, att.Height = img.Width, img.Height
		thumb, thumbType, att.Thumbnail = img.Thumbnail, img.ThumbnailContentType, img.Thumbnail != nil
	}
	if err := ms.store.SaveAttachment(ctx, c.ID, att, up.Data, thumb, thumbType); err != nil {
		ms.fail.metrics.mongoError()
		ms.log.Warn("attachment not stored", "conversation", c.ID, "err", err)
		return nil, false, chat.ErrUnavailable
	}
	m, err := ms.transcript.append(ctx, c, actor, clientID, caption, att)
	if err != nil && (!errors.Is(err, errResent) || m.Attachment == nil || m.Attachment.ID != att.ID) {
		// Not stored, or a concurrent resend won: this copy of the file
		// belongs to no message.
		ms.dropAttachment(ctx, att.ID)
	}
	return ms.sent(c, actor, m, err)
}

func (ms *Messages) dropAttachment(ctx context.Context, id string) {
	// Also when the request's context is what ended.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := ms.store.DeleteAttachment(ctx, id); err != nil {
		ms.log.Warn("orphan attachment not deleted", "attachment", id, "err", err)
	}
}

// OpenAttachment returns a file of a conversation for its visitor or any
// agent (agents may read every conversation); the caller closes Body.
func (ms *Messages) OpenAttachment(ctx context.Context, actor Actor, conversationID, attachmentID string, thumbnail bool) (*chat.StoredFile, error) {
	if err := canRead(actor, conversationID); err != nil {
		return nil, err
	}
	if !chat.ValidID(attachmentID) {
		return nil, chat.ErrNotFound
	}
	f, err := ms.store.OpenAttachment(ctx, conversationID, attachmentID, thumbnail)
	if err != nil {
		return nil, ms.fail.unavailable(err)
	}
	return f, nil
}

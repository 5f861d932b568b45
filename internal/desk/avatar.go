package desk

import (
	"context"
	"io"
	"sync"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/media"
)

// SetAvatar stores a new photo for agent id: an agent sets their own, an
// admin anyone's. The content decides the type (sniffed, then decoded in
// bounded memory by internal/media); what is kept is the image resized to
// at most media.ThumbnailMax pixels, under a new id so that its public URL
// changes with the photo. The previous file is deleted once the agent
// points at the new one (best-effort: a failure only leaves a file behind):
// conversations assigned before that still name it show the agent's
// initials instead until their next assignment.
func (ad *Admin) SetAvatar(ctx context.Context, actor Actor, id string, data []byte) (*chat.Agent, error) {
	if err := CanSetAvatar(actor, id); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, chat.ErrEmptyFile
	}
	if len(data) > chat.MaxAvatarBytes {
		return nil, chat.AvatarTooLarge()
	}
	typ, err := media.Sniff(data)
	if err != nil || typ.Kind != chat.KindImage {
		return nil, chat.ErrAvatarNotImage
	}
	img, err := media.InspectContext(ctx, data, typ.ContentType)
	if err != nil {
		return nil, err
	}
	body, contentType := data, typ.ContentType
	if img.Thumbnail != nil {
		body, contentType = img.Thumbnail, img.ThumbnailContentType
	}
	a, err := ad.store.Agent(ctx, id)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	file := &chat.Attachment{ID: chat.NewID(), Name: "avatar", Size: int64(len(body)), ContentType: contentType}
	if err := ad.store.SaveAttachment(ctx, chat.AvatarOwner, file, body, nil, ""); err != nil {
		return nil, ad.fail.unavailable(err)
	}
	previous := a.AvatarURL
	a.AvatarURL = chat.AvatarPath(file.ID)
	a.UpdatedAt = ad.now().UTC()
	if err := ad.store.UpdateAgent(ctx, a); err != nil {
		return nil, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	if old, ok := chat.AvatarFileID(previous); ok {
		ad.dropAvatarFile(ctx, id, old)
	}
	return a, nil
}

// dropAvatarFile deletes an avatar file no agent points at any more.
// Best-effort: the photo is already replaced, a failure leaves an orphan
// file and a log line, never a refused upload.
func (ad *Admin) dropAvatarFile(ctx context.Context, agentID, fileID string) {
	avatarCache.drop(fileID)
	if err := ad.store.DeleteAttachment(context.WithoutCancel(ctx), fileID); err != nil {
		ad.fail.log.Warn("deleting a replaced avatar file failed", "agent", agentID, "file", fileID, "err", err)
	}
}

// CanSetAvatar checks who may change agent id's photo, before a transport
// reads the upload: the agent themself or an admin.
func CanSetAvatar(actor Actor, id string) error {
	if err := requireAgent(actor); err != nil {
		return err
	}
	if id != actor.AgentID() && !actor.IsAdmin() {
		return chat.ErrForbidden
	}
	if !chat.ValidID(id) {
		return chat.ErrNotFound
	}
	return nil
}

// Avatar is an avatar file's bytes, for the public URL.
type Avatar struct {
	ContentType string
	Data        []byte
}

// Avatar returns the avatar file id. Files never change (a new photo is a
// new id), so they are kept in a small per-node cache: the widget of every
// visitor loads them, and MongoDB is read once per file and node.
func (ad *Admin) Avatar(ctx context.Context, fileID string) (*Avatar, error) {
	if !chat.ValidID(fileID) {
		return nil, chat.ErrNotFound
	}
	if av := avatarCache.get(fileID); av != nil {
		return av, nil
	}
	f, err := ad.store.OpenAttachment(ctx, chat.AvatarOwner, fileID, false)
	if err != nil {
		if chat.ErrorCode(err) == chat.ENOTFOUND {
			return nil, err
		}
		return nil, ad.fail.unavailable(err)
	}
	defer f.Body.Close()
	data, err := io.ReadAll(io.LimitReader(f.Body, chat.MaxAvatarBytes+1))
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	av := &Avatar{ContentType: f.ContentType, Data: data}
	avatarCache.put(fileID, av)
	return av, nil
}

// avatarFiles is a bounded cache of immutable avatar files (at most
// avatarCacheFiles of at most ~100 KB each once resized).
type avatarFiles struct {
	mu    sync.Mutex
	files map[string]*Avatar
}

const avatarCacheFiles = 256

var avatarCache = &avatarFiles{files: map[string]*Avatar{}}

func (c *avatarFiles) get(id string) *Avatar {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.files[id]
}

func (c *avatarFiles) put(id string, av *Avatar) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.files) >= avatarCacheFiles {
		for k := range c.files { // any one: the map's order is random
			delete(c.files, k)
			break
		}
	}
	c.files[id] = av
}

func (c *avatarFiles) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.files, id)
}

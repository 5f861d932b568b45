package chat

import (
	"fmt"
	"strings"
)

// MaxAvatarBytes is the largest photo an agent may upload. The stored
// avatar is at most ThumbnailMax pixels on its longest side (resized by
// internal/media), so a bigger original buys nothing.
const MaxAvatarBytes = 5 << 20

// AvatarOwner is the owner under which avatar files are kept in the
// attachment storage, in place of a conversation id: an avatar id opens
// no attachment and an attachment id opens no avatar.
const AvatarOwner = "avatars"

// AvatarPath is the public URL path of an avatar file, relative to the
// server. A new photo gets a new id, hence a new URL, so the answer can be
// cached for good; the id is random and says nothing about the agent.
func AvatarPath(fileID string) string { return "/avatars/" + fileID }

// AvatarFileID is the file id of an AvatarPath; ok is false for anything
// else ("" included).
func AvatarFileID(path string) (id string, ok bool) {
	id, ok = strings.CutPrefix(path, "/avatars/")
	return id, ok && ValidID(id)
}

// ErrAvatarNotImage refuses an avatar whose content is not an image.
var ErrAvatarNotImage = &Error{Code: EUNSUPPORTED, Message: avatarNotImage, Fields: map[string]string{"file": avatarNotImage}}

const avatarNotImage = "Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF."

// AvatarTooLarge refuses a photo above MaxAvatarBytes.
func AvatarTooLarge() *Error {
	msg := fmt.Sprintf("Ảnh đại diện quá lớn (tối đa %s).", HumanSize(MaxAvatarBytes))
	return &Error{Code: ETOOLARGE, Message: msg, Fields: map[string]string{"file": msg}}
}

package desk

import (
	"context"
	"errors"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// CannedInput is what an agent or admin writes on a canned reply.
type CannedInput struct {
	Shortcut string
	Title    string
	Text     string
}

// CannedReplies lists what an agent may insert: the shared replies and
// their own, by shortcut.
func (ad *Admin) CannedReplies(ctx context.Context, actor Actor) ([]*chat.CannedReply, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	return ad.cannedList(ctx, "", actor.AgentID())
}

// AdminCannedReplies lists the shared replies.
func (ad *Admin) AdminCannedReplies(ctx context.Context, actor Actor) ([]*chat.CannedReply, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return ad.cannedList(ctx, "")
}

func (ad *Admin) cannedList(ctx context.Context, owners ...string) ([]*chat.CannedReply, error) {
	items, err := ad.store.CannedReplies(ctx, owners)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	return items, nil
}

// CreateCannedReply adds a personal reply for the calling agent.
func (ad *Admin) CreateCannedReply(ctx context.Context, actor Actor, in CannedInput) (*chat.CannedReply, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	return ad.createCanned(ctx, actor.AgentID(), in)
}

// AdminCreateCannedReply adds a shared reply.
func (ad *Admin) AdminCreateCannedReply(ctx context.Context, actor Actor, in CannedInput) (*chat.CannedReply, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return ad.createCanned(ctx, "", in)
}

// UpdateCannedReply edits one of the calling agent's own replies; another
// agent's or a shared one answers not_found, as if it did not exist.
func (ad *Admin) UpdateCannedReply(ctx context.Context, actor Actor, id string, in CannedInput) (*chat.CannedReply, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	return ad.updateCanned(ctx, actor.AgentID(), id, in)
}

// AdminUpdateCannedReply edits a shared reply.
func (ad *Admin) AdminUpdateCannedReply(ctx context.Context, actor Actor, id string, in CannedInput) (*chat.CannedReply, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return ad.updateCanned(ctx, "", id, in)
}

// DeleteCannedReply removes one of the calling agent's own replies.
func (ad *Admin) DeleteCannedReply(ctx context.Context, actor Actor, id string) error {
	if err := requireAgent(actor); err != nil {
		return err
	}
	return ad.deleteCanned(ctx, actor.AgentID(), id)
}

// AdminDeleteCannedReply removes a shared reply.
func (ad *Admin) AdminDeleteCannedReply(ctx context.Context, actor Actor, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return ad.deleteCanned(ctx, "", id)
}

func (ad *Admin) createCanned(ctx context.Context, owner string, in CannedInput) (*chat.CannedReply, error) {
	now := stamp(ad.now)
	r := &chat.CannedReply{ID: chat.NewID(), Shortcut: in.Shortcut, Title: in.Title, Text: in.Text, OwnerID: owner, CreatedAt: now, UpdatedAt: now}
	if err := chat.ValidateCannedReply(r); err != nil {
		return nil, err
	}
	if err := ad.store.CreateCannedReply(ctx, r); err != nil {
		return nil, ad.cannedError(err)
	}
	return r, nil
}

// updateCanned replaces a reply of the owner's scope. Concurrent edits of
// the same reply are last writer wins; shortcut clashes are settled by the
// unique index.
func (ad *Admin) updateCanned(ctx context.Context, owner, id string, in CannedInput) (*chat.CannedReply, error) {
	r, err := ad.ownedCanned(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	r.Shortcut, r.Title, r.Text = in.Shortcut, in.Title, in.Text
	if err := chat.ValidateCannedReply(r); err != nil {
		return nil, err
	}
	r.UpdatedAt = stamp(ad.now)
	if err := ad.store.UpdateCannedReply(ctx, r); err != nil {
		return nil, ad.cannedError(err)
	}
	return r, nil
}

func (ad *Admin) deleteCanned(ctx context.Context, owner, id string) error {
	if _, err := ad.ownedCanned(ctx, owner, id); err != nil {
		return err
	}
	if err := ad.store.DeleteCannedReply(ctx, id); err != nil {
		return ad.fail.unavailable(err)
	}
	return nil
}

// ownedCanned loads a reply of the given scope; one of another scope is
// not_found so ids of others' replies cannot be probed.
func (ad *Admin) ownedCanned(ctx context.Context, owner, id string) (*chat.CannedReply, error) {
	r, err := ad.store.CannedReply(ctx, id)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	if r.OwnerID != owner {
		return nil, chat.ErrNotFound
	}
	return r, nil
}

func (ad *Admin) cannedError(err error) error {
	if errors.Is(err, chat.ErrDuplicateShortcut) {
		return chat.ErrDuplicateShortcutConflict
	}
	return ad.fail.unavailable(err)
}

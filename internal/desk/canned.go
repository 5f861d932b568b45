package desk

import (
	"context"
	"errors"
	"time"

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
func (s *Service) CannedReplies(ctx context.Context, actor Actor) ([]*chat.CannedReply, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrForbidden
	}
	return s.cannedList(ctx, "", actor.AgentID())
}

// AdminCannedReplies lists the shared replies.
func (s *Service) AdminCannedReplies(ctx context.Context, actor Actor) ([]*chat.CannedReply, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.cannedList(ctx, "")
}

func (s *Service) cannedList(ctx context.Context, owners ...string) ([]*chat.CannedReply, error) {
	items, err := s.store.CannedReplies(ctx, owners)
	if err != nil {
		return nil, s.unavailable(err)
	}
	return items, nil
}

// CreateCannedReply adds a personal reply for the calling agent.
func (s *Service) CreateCannedReply(ctx context.Context, actor Actor, in CannedInput) (*chat.CannedReply, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrForbidden
	}
	return s.createCanned(ctx, actor.AgentID(), in)
}

// AdminCreateCannedReply adds a shared reply.
func (s *Service) AdminCreateCannedReply(ctx context.Context, actor Actor, in CannedInput) (*chat.CannedReply, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.createCanned(ctx, "", in)
}

// UpdateCannedReply edits one of the calling agent's own replies; another
// agent's or a shared one answers not_found, as if it did not exist.
func (s *Service) UpdateCannedReply(ctx context.Context, actor Actor, id string, in CannedInput) (*chat.CannedReply, error) {
	if !actor.IsAgent() {
		return nil, chat.ErrForbidden
	}
	return s.updateCanned(ctx, actor.AgentID(), id, in)
}

// AdminUpdateCannedReply edits a shared reply.
func (s *Service) AdminUpdateCannedReply(ctx context.Context, actor Actor, id string, in CannedInput) (*chat.CannedReply, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.updateCanned(ctx, "", id, in)
}

// DeleteCannedReply removes one of the calling agent's own replies.
func (s *Service) DeleteCannedReply(ctx context.Context, actor Actor, id string) error {
	if !actor.IsAgent() {
		return chat.ErrForbidden
	}
	return s.deleteCanned(ctx, actor.AgentID(), id)
}

// AdminDeleteCannedReply removes a shared reply.
func (s *Service) AdminDeleteCannedReply(ctx context.Context, actor Actor, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.deleteCanned(ctx, "", id)
}

func (s *Service) createCanned(ctx context.Context, owner string, in CannedInput) (*chat.CannedReply, error) {
	now := s.stamp()
	r := &chat.CannedReply{ID: chat.NewID(), Shortcut: in.Shortcut, Title: in.Title, Text: in.Text, OwnerID: owner, CreatedAt: now, UpdatedAt: now}
	if err := chat.ValidateCannedReply(r); err != nil {
		return nil, err
	}
	if err := s.store.CreateCannedReply(ctx, r); err != nil {
		return nil, s.cannedError(err)
	}
	return r, nil
}

// updateCanned replaces a reply of the owner's scope. Concurrent edits of
// the same reply are last writer wins; shortcut clashes are settled by the
// unique index.
func (s *Service) updateCanned(ctx context.Context, owner, id string, in CannedInput) (*chat.CannedReply, error) {
	r, err := s.ownedCanned(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	r.Shortcut, r.Title, r.Text = in.Shortcut, in.Title, in.Text
	if err := chat.ValidateCannedReply(r); err != nil {
		return nil, err
	}
	r.UpdatedAt = s.stamp()
	if err := s.store.UpdateCannedReply(ctx, r); err != nil {
		return nil, s.cannedError(err)
	}
	return r, nil
}

func (s *Service) deleteCanned(ctx context.Context, owner, id string) error {
	if _, err := s.ownedCanned(ctx, owner, id); err != nil {
		return err
	}
	if err := s.store.DeleteCannedReply(ctx, id); err != nil {
		return s.unavailable(err)
	}
	return nil
}

// ownedCanned loads a reply of the given scope; one of another scope is
// not_found so ids of others' replies cannot be probed.
func (s *Service) ownedCanned(ctx context.Context, owner, id string) (*chat.CannedReply, error) {
	r, err := s.store.CannedReply(ctx, id)
	if err != nil {
		return nil, s.unavailable(err)
	}
	if r.OwnerID != owner {
		return nil, chat.ErrNotFound
	}
	return r, nil
}

// stamp is now at the precision BSON stores (milliseconds), so what a write
// answers equals what a later read returns.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func (s *Service) cannedError(err error) error {
	if errors.Is(err, chat.ErrDuplicateShortcut) {
		return chat.ErrDuplicateShortcutConflict
	}
	return s.unavailable(err)
}

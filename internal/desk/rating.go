package desk

import (
	"context"
	"fmt"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Rate records the visitor's rating of their conversation, once it has been
// resolved at least once; rating again replaces the previous one (a plain
// $set, last writer wins). Only the visitor may rate: an agent rating their
// own work would skew the statistics.
func (cs *Conversations) Rate(ctx context.Context, actor Actor, id string, stars int, comment string) (*chat.Conversation, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	if !actor.Visitor {
		return nil, &chat.Error{Code: chat.EFORBIDDEN, Message: "Chỉ khách hàng mới có thể đánh giá cuộc trò chuyện."}
	}
	stars, comment, err := chat.CleanRating(stars, comment)
	if err != nil {
		return nil, err
	}
	// Each rating writes a system message: bound it like visitor messages.
	if err := cs.limits.take(ctx, "msg-visitor", id); err != nil {
		return nil, err
	}
	return cs.locks.with(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if !c.CanRate() {
			return nil, chat.ErrRateTooEarly
		}
		r := &chat.Rating{Stars: stars, Comment: comment, At: stamp(cs.now)}
		if err := cs.store.UpdateConversation(ctx, id, chat.ConversationUpdate{Rating: r}); err != nil {
			return nil, cs.fail.unavailable(err)
		}
		c.Rating = r
		cs.transcript.system(ctx, c, chat.Notice{Code: chat.NoticeRated, Stars: stars}, fmt.Sprintf("Khách đã đánh giá %d sao.", stars))
		cs.events.updated(ctx, c, chat.ChangeRated)
		cs.hooks.ratingCreated(ctx, c)
		return c, nil
	})
}

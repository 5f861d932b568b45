package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// ownership records a change of owner: the durable mirror on the
// conversation document, the notice in the transcript, the event to
// everyone. The reply lock itself (replyLock) decides who may reply.
type ownership struct {
	lock       replyLock
	store      ConversationStore
	settings   *settingsCache
	transcript *transcript
	events     *events
	hooks      *webhooks
	now        Clock
	fail       failures
}

// record mirrors a lock change onto the conversation document, writes the
// system notice and tells everyone. from is the previous owner of a
// transfer ("" otherwise).
func (o *ownership) record(ctx context.Context, c *chat.Conversation, to *chat.Agent, change chat.AssignmentChange, from string) (*chat.Conversation, error) {
	now := o.now().UTC()
	if c.Status == chat.StatusWaiting && c.AssignedAt == nil && c.ResolvedAt == nil {
		o.fail.metrics.queueWait(now.Sub(c.CreatedAt)) // its first agent
	}
	status := chat.StatusAssigned
	zero := time.Time{}
	u := chat.ConversationUpdate{Status: &status, AssigneeID: &to.ID, AssigneeName: &to.Name, AssigneeAvatar: &to.AvatarURL, AssignedAt: &now, UpdatedAt: now}
	if c.Status == chat.StatusResolved {
		u.ResolvedAt = &zero
		c.ResolvedAt = nil
	}
	if err := o.store.UpdateConversation(ctx, c.ID, u); err != nil {
		// The lock is the truth; the mirror is repaired on the next change.
		o.fail.log.Error("mirroring owner failed", "conversation", c.ID, "err", err)
		o.fail.metrics.mongoError()
	}
	c.Status, c.AssigneeID, c.AssigneeName, c.AssigneeAvatarURL, c.AssignedAt, c.UpdatedAt = status, to.ID, to.Name, to.AvatarURL, &now, now
	n, text := o.notice(ctx, to, change, from)
	o.transcript.system(ctx, c, n, text)
	o.events.updated(ctx, c, string(change))
	o.hooks.conversationAssigned(ctx, c, to, change, from, o.settings)
	return c, nil
}

func (o *ownership) notice(ctx context.Context, to *chat.Agent, change chat.AssignmentChange, from string) (chat.Notice, string) {
	switch change {
	case chat.ChangeTransferred:
		n := chat.Notice{Code: chat.NoticeTransferred, Name: to.Name}
		if from != "" {
			return n, fmt.Sprintf("%s đã chuyển cuộc trò chuyện cho %s.", o.settings.agentName(ctx, from), to.Name)
		}
		return n, fmt.Sprintf("Cuộc trò chuyện đã được chuyển cho %s.", to.Name)
	case chat.ChangeTakenOver:
		// The visitor's side words it as a transfer (NoticeTransferred);
		// how it came about (asked, timed out, an admin) is for agents.
		n := chat.Notice{Code: chat.NoticeTransferred, Name: to.Name}
		return n, fmt.Sprintf("%s đã tiếp nhận cuộc trò chuyện từ %s.", to.Name, o.settings.agentName(ctx, from))
	case chat.ChangeReopened:
		return chat.Notice{Code: chat.NoticeReopened, Name: to.Name}, fmt.Sprintf("%s đã mở lại cuộc trò chuyện.", to.Name)
	}
	return chat.Notice{Code: chat.NoticeJoined, Name: to.Name}, fmt.Sprintf("%s đã tham gia cuộc trò chuyện.", to.Name)
}

// alreadyAssigned is the error for a claim that another agent won.
func (o *ownership) alreadyAssigned(ctx context.Context, owner string) error {
	return &chat.Error{Code: chat.EASSIGNED, Message: fmt.Sprintf("%s đang phụ trách cuộc trò chuyện này.", o.settings.agentName(ctx, owner))}
}

package desk

import (
	"context"
	"log/slog"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// eraser removes a conversation and everything in it — messages, files
// (GridFS), rating, consent record — for an erasure request or retention.
// Without transactions (FerretDB has none) the steps are ordered so that a
// failure part-way leaves something a retry finds and finishes: the files
// and messages first, the document last; the messages are deleted again
// after the files, for a message a visitor sent meanwhile.
type eraser struct {
	store      Store
	locks      convLocks
	replyLocks ReplyLocks
	pages      PageMarks
	convs      *convCache
	replays    *replayCache
	events     *events
	contacts   *contactIndex
	log        *slog.Logger
}

// Erased counts what an erasure removed.
type Erased struct {
	Conversations int `json:"conversations"`
	Messages      int `json:"messages"`
	Attachments   int `json:"attachments"`
	Blocks        int `json:"blocks"`
}

func (e *Erased) add(o Erased) {
	e.Conversations += o.Conversations
	e.Messages += o.Messages
	e.Attachments += o.Attachments
	e.Blocks += o.Blocks
}

// attachmentsOf lists a conversation's files, from its messages.
func attachmentsOf(ctx context.Context, store MessageStore, id string) ([]string, error) {
	var out []string
	after := int64(0)
	for {
		ms, err := store.MessagesAfter(ctx, id, after, MaxReplay)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.Attachment != nil {
				out = append(out, m.Attachment.ID)
			}
			after = m.Seq
		}
		if len(ms) < MaxReplay {
			return out, nil
		}
	}
}

// deleteConversation erases one conversation, under its lock (no owner
// change or activity write races the deletion); anonymize keeps the
// document without its visitor instead of deleting it.
func (e *eraser) deleteConversation(ctx context.Context, id string, anonymize bool, at Clock) (Erased, error) {
	var out Erased
	c, err := e.locks.with(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		// The live page (Redis) is the visitor's too. Before the document:
		// a failure here is retried, a retry after the document is gone
		// finds nothing to erase.
		if err := e.pages.ClearPage(ctx, id); err != nil {
			return nil, err
		}
		files, err := attachmentsOf(ctx, e.store, id)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if err := e.store.DeleteAttachment(ctx, f); err != nil {
				return nil, err
			}
		}
		out.Attachments = len(files)
		n, err := e.store.DeleteMessages(ctx, id)
		if err != nil {
			return nil, err
		}
		out.Messages = n
		if anonymize {
			err = e.store.AnonymizeConversation(ctx, id, stamp(at))
		} else {
			err = e.store.DeleteConversation(ctx, id)
		}
		if err != nil {
			return nil, err
		}
		if n, err := e.store.DeleteMessages(ctx, id); err == nil {
			out.Messages += n
		}
		// Again, for a page.view that arrived meanwhile (the key would
		// otherwise live out its day).
		if err := e.pages.ClearPage(ctx, id); err != nil {
			e.log.Warn("clearing an erased conversation's page failed", "conversation", id, "err", err)
		}
		out.Conversations = 1
		if c.AssigneeID != "" {
			_, _ = e.replyLocks.Release(ctx, id, c.AssigneeID)
		}
		return c, nil
	})
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return out, nil // erased before (a retry)
	}
	if err != nil {
		return out, err
	}
	e.convs.drop(id)
	e.replays.forget(id)
	// Out of its contact, after its lock is released (lock order: contact,
	// then conversation). A failure here leaves an id the panel skips.
	if err := e.contacts.forget(ctx, c.ContactKey, id); err != nil {
		e.log.Warn("removing an erased conversation from its contact failed", "conversation", id, "err", err)
	}
	// Agents' inboxes drop it (and every node's conversation cache).
	e.events.publish(ctx, AgentsTopic, protocol.EvtConversationUpdated, protocol.ConversationChanged{
		Conversation: &chat.Conversation{ID: id, Status: chat.StatusResolved, Answers: []chat.Answer{}, Tags: []string{}}, Change: chat.ChangeErased})
	return out, nil
}

package desk

import (
	"context"
	"errors"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Internal notes: messages only agents see (chat/note.go). A note is
// written straight to the store, not through the transcript: it takes no
// seq from the visitor's sequence (its seq is negative, from the clock),
// needs no reply lock (any agent may write one), raises no unread counter,
// moves no inbox preview, and is no message.created (event or webhook).
// It reaches agents as note.created on the agents' topic, which no visitor
// socket follows, and the agents it @mentions as note.mentioned on their
// own sockets only.

// AddNote stores an internal note from an agent (owner or not) and tells
// the agents. A resend with a known clientId returns the stored note
// (resent true) and tells nobody again.
func (ms *Messages) AddNote(ctx context.Context, actor Actor, conversationID, clientID, text string) (note *chat.Message, resent bool, err error) {
	if err := requireAgent(actor); err != nil {
		return nil, false, err
	}
	if err := chat.ValidateClientID(clientID); err != nil {
		return nil, false, err
	}
	if text, err = chat.CleanMessageText(text); err != nil {
		return nil, false, err
	}
	if err := ms.limits.take(ctx, "note-agent", actor.AgentID()); err != nil {
		return nil, false, err
	}
	c, err := ms.convs.get(ctx, conversationID)
	if err != nil {
		return nil, false, ms.fail.unavailable(err)
	}
	storedID := chat.NoteClientIDPrefix + clientID
	if prev, err := ms.store.MessageByClientID(ctx, c.ID, storedID); err == nil && prev.IsNote() {
		return prev, true, nil
	}
	var mentions []string
	if agents, err := ms.settings.agents(ctx); err == nil {
		enabled := make([]*chat.Agent, 0, len(agents))
		for _, a := range agents {
			if !a.Disabled {
				enabled = append(enabled, a)
			}
		}
		mentions = chat.ParseMentions(text, enabled)
	}
	now := ms.transcript.now().UTC()
	m := &chat.Message{
		ID:             chat.NewID(),
		ConversationID: c.ID,
		Seq:            chat.NoteSeq(now.UnixMicro()),
		ClientID:       storedID,
		SenderType:     chat.SenderAgent,
		SenderID:       actor.Agent.ID,
		SenderName:     actor.Agent.Name,
		Text:           text,
		Kind:           chat.KindText,
		Note:           &chat.NoteInfo{AfterSeq: ms.lastSeq(ctx, c), Mentions: mentions},
		CreatedAt:      now,
	}
	for attempt := 0; ; attempt++ {
		err = ms.store.InsertMessage(ctx, m)
		if err == nil {
			break
		}
		switch {
		case errors.Is(err, chat.ErrDuplicateSeq) && attempt < 8:
			m.Seq-- // another note in the same microsecond: one later
			continue
		case errors.Is(err, chat.ErrDuplicateClientID):
			prev, ferr := ms.store.MessageByClientID(ctx, c.ID, storedID)
			if ferr != nil {
				return nil, false, ms.fail.unavailable(ferr)
			}
			return prev, true, nil
		}
		return nil, false, ms.fail.unavailable(err)
	}
	ms.events.publish(ctx, AgentsTopic, protocol.EvtNoteCreated, protocol.NoteCreated{Note: m})
	for _, id := range mentions {
		if id == actor.Agent.ID {
			continue // nobody needs telling what they wrote
		}
		ms.events.publish(ctx, AgentsTopic, protocol.EvtNoteMentioned, protocol.NoteMentioned{AgentID: id, ConversationID: c.ID, ByName: actor.Agent.Name, Note: m})
	}
	return m, false, nil
}

// Notes returns a conversation's internal notes, in the order they were
// written, to an agent. A visitor gets not_found, as for a conversation
// that is not theirs: notes are not something a visitor may ask about.
func (ms *Messages) Notes(ctx context.Context, actor Actor, conversationID string) ([]*chat.Message, error) {
	if actor.Visitor {
		return nil, chat.ErrNotFound
	}
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	if _, err := ms.store.Conversation(ctx, conversationID); err != nil {
		return nil, ms.fail.unavailable(err)
	}
	out, err := ms.store.Notes(ctx, conversationID)
	if err != nil {
		return nil, ms.fail.unavailable(err)
	}
	return out, nil
}

package desk

import (
	"context"
	"slices"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Triage is an agent's change of priority and/or tags; nil leaves a field
// as it is.
type Triage struct {
	Priority *chat.Priority
	Tags     *[]string
}

// TriageConversation sets priority and tags. Any agent may, not only the
// owner: triage happens before assignment. Racing edits are last writer
// wins, which is what a plain $set gives on both MongoDB and FerretDB.
func (cs *Conversations) TriageConversation(ctx context.Context, actor Actor, id string, t Triage) (*chat.Conversation, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	fields := map[string]string{}
	if t.Priority != nil {
		if err := chat.ValidatePriority(*t.Priority); err != nil {
			mergeFields(fields, err)
		}
	}
	var tags []string
	if t.Tags != nil {
		var err error
		if tags, err = chat.CleanTags(*t.Tags); err != nil {
			mergeFields(fields, err)
		}
	}
	if len(fields) > 0 {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Vui lòng kiểm tra lại mức ưu tiên và nhãn.", Fields: fields}
	}
	return cs.locks.with(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		var u chat.ConversationUpdate
		var changes []string
		if t.Priority != nil && *t.Priority != c.Priority {
			u.Priority = t.Priority
			c.Priority = *t.Priority
			changes = append(changes, chat.ChangePriority)
		}
		if t.Tags != nil && !slices.Equal(tags, c.Tags) {
			u.Tags = &tags
			c.Tags = tags
			changes = append(changes, chat.ChangeTags)
		}
		if len(changes) == 0 {
			return c, nil
		}
		// No UpdatedAt: triage is not activity and must not reorder the inbox.
		if err := cs.store.UpdateConversation(ctx, id, u); err != nil {
			return nil, cs.fail.unavailable(err)
		}
		for _, ch := range changes {
			cs.events.updated(ctx, c, ch)
		}
		return c, nil
	})
}

func mergeFields(dst map[string]string, err error) {
	if e, ok := chat.AsError(err); ok {
		for k, v := range e.Fields {
			dst[k] = v
		}
	}
}

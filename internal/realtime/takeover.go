package realtime

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// The takeover.* commands: the same desk methods as REST's
// /conversations/:id/takeover…; the ack carries the conversation after
// the step (and, for takeover.request, the pending request).

func (c *conn) takeoverRequest(ctx context.Context, p *protocol.TakeoverCommand) (result, error) {
	if c.h.takeover == nil {
		return result{}, errUnknownRequest
	}
	conv, t, err := c.h.takeover.RequestTakeover(ctx, c.who(), p.ConversationID)
	if err != nil {
		return result{}, err
	}
	return result{data: protocol.TakeoverResult{Conversation: conv, Takeover: t}}, nil
}

// takeoverStep is the route of a step that answers with the conversation.
func takeoverStep(step func(Takeovers, context.Context, desk.Actor, string) (*chat.Conversation, error)) *route {
	return typed(func(c *conn, ctx context.Context, p *protocol.TakeoverCommand) (result, error) {
		if c.h.takeover == nil {
			return result{}, errUnknownRequest
		}
		conv, err := step(c.h.takeover, ctx, c.who(), p.ConversationID)
		if err != nil {
			return result{}, err
		}
		return result{data: protocol.TakeoverResult{Conversation: conv}}, nil
	})
}

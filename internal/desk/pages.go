package desk

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// pageDurableEvery: the conversation document keeps the visitor's page at
// most once a minute; the live page is in Redis (PageMarks) and in the
// visitor.page events.
const pageDurableEvery = time.Minute

// Pages is the visitor's current page: reported by the widget over the
// socket it already holds, shared through Redis, pushed to the agents who
// follow the conversation, and copied to the conversation now and then.
type Pages struct {
	marks  PageMarks
	store  ConversationStore
	locks  convLocks
	events *events
	limits limits
	now    Clock
	fail   failures
	log    *slog.Logger
}

// SetPage records the page the visitor is on. Only the conversation's own
// visitor may report it (agents have no page to report).
func (p *Pages) SetPage(ctx context.Context, actor Actor, conversationID, path, title string) error {
	if !actor.Visitor {
		return chat.ErrForbidden
	}
	if err := canRead(actor, conversationID); err != nil {
		return err
	}
	if err := p.limits.take(ctx, "page-visitor", conversationID); err != nil {
		return err
	}
	pv, err := chat.CleanPageView(path, title, p.now())
	if err != nil {
		return err
	}
	b, _ := json.Marshal(pv)
	durable, err := p.marks.SetPage(ctx, conversationID, b, pageDurableEvery)
	if err != nil {
		return p.fail.redis(err)
	}
	p.events.publish(ctx, ConversationTopic(conversationID), protocol.EvtVisitorPage, protocol.VisitorPage{ConversationID: conversationID, Page: pv})
	if durable {
		p.persist(ctx, conversationID, pv)
	}
	return nil
}

// persist copies the page to the conversation. On FerretDB a write rewrites
// the whole document, so it takes the conversation lock, and skips this
// round when another writer holds it (the next window writes again).
func (p *Pages) persist(ctx context.Context, id string, pv chat.PageView) {
	if !p.store.PartialUpdatesAtomic() {
		unlock, err := p.locks.tryLock(ctx, id)
		if err != nil || unlock == nil {
			return
		}
		defer unlock()
	}
	if err := p.store.UpdateConversation(ctx, id, chat.ConversationUpdate{VisitorPage: &pv}); err != nil {
		p.log.Warn("visitor page not saved", "conversation", id, "err", err)
	}
}

// live returns c with the page in Redis, newer than the throttled copy
// (a copy of c: conversations may come from a shared cache).
func (p *Pages) live(ctx context.Context, c *chat.Conversation) *chat.Conversation {
	b, err := p.marks.Page(ctx, c.ID)
	if err != nil || b == nil || c.AnonymizedAt != nil {
		return c
	}
	var pv chat.PageView
	if json.Unmarshal(b, &pv) != nil {
		return c
	}
	cp := *c
	cp.Visitor.Page = &pv
	return &cp
}

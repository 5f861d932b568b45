package desk

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Blocks keeps visitors out ("Chặn khách"): by visitor token (its
// conversation), by phone, by address or network, until the block expires.
// Agents add blocks (from a conversation); admins list and remove them. A
// blocked visitor cannot open a conversation nor send in one (text, files);
// they can still read what is there.
type Blocks struct {
	store interface {
		BlockStore
		ConversationStore
	}
	cache *blockCache
	audit auditLog
	now   Clock
	fail  failures
}

// MaxBlockDuration bounds a block: every block ends (a blocked phone is
// personal data too, and keeping it for ever is not minimal).
const MaxBlockDuration = 365 * 24 * time.Hour

// BlockInput is an agent's request to block.
type BlockInput struct {
	// Kind is visitor, phone or ip; "network" (input only) blocks the
	// conversation's address's network (IPv4 /24, IPv6 /64) as kind ip.
	Kind string
	// Value names what to block; empty with ConversationID: taken from
	// that conversation (its id, its phone, its address).
	Value          string
	ConversationID string
	Reason         string
	// Duration until the block ends, at most MaxBlockDuration.
	Duration time.Duration
}

var errBlockDuration = &chat.Error{Code: chat.EINVALID, Message: "Thời hạn chặn không hợp lệ.", Fields: map[string]string{"durationHours": "Thời hạn chặn phải từ 1 giờ đến 365 ngày."}}

// Add blocks a visitor. Any agent may.
func (bs *Blocks) Add(ctx context.Context, actor Actor, in BlockInput) (*chat.Block, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	if in.Duration < time.Hour || in.Duration > MaxBlockDuration {
		return nil, errBlockDuration
	}
	now := stamp(bs.now)
	b := &chat.Block{ID: chat.NewAuditID(now), Kind: chat.BlockKind(in.Kind), Value: in.Value, Reason: in.Reason,
		ConversationID: in.ConversationID, CreatedAt: now, CreatedByID: actor.AgentID(), CreatedByName: actor.Agent.Name}
	exp := now.Add(in.Duration)
	b.ExpiresAt = &exp
	if in.ConversationID != "" {
		if !chat.ValidID(in.ConversationID) {
			return nil, chat.ErrNotFound
		}
		c, err := bs.store.Conversation(ctx, in.ConversationID)
		if err != nil {
			return nil, bs.fail.unavailable(err)
		}
		if err := blockFrom(b, in, c); err != nil {
			return nil, err
		}
	} else if in.Kind == "network" {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Chặn dải mạng cần một cuộc trò chuyện, hoặc nhập dải mạng (ví dụ 203.0.113.0/24).", Fields: map[string]string{"value": "Nhập dải mạng, ví dụ 203.0.113.0/24."}}
	}
	if err := chat.ValidateBlock(b); err != nil {
		return nil, err
	}
	if err := bs.store.CreateBlock(ctx, b); err != nil {
		return nil, bs.fail.unavailable(err)
	}
	bs.cache.invalidate()
	bs.audit.record(ctx, actor, chat.AuditBlockAdded, b.ID, blockDetail("Chặn", b))
	return b, nil
}

// blockFrom fills a block's value from the conversation it is made from.
func blockFrom(b *chat.Block, in BlockInput, c *chat.Conversation) error {
	none := func(what string) error {
		return &chat.Error{Code: chat.EINVALID, Message: "Cuộc trò chuyện này không có " + what + " để chặn.", Fields: map[string]string{"kind": "Không có " + what + "."}}
	}
	if in.Value != "" && in.Kind != "network" {
		return nil
	}
	switch in.Kind {
	case string(chat.BlockVisitor):
		b.Value = c.ID
	case string(chat.BlockPhone):
		if c.Visitor.Phone == "" {
			return none("số điện thoại")
		}
		b.Value = c.Visitor.Phone
	case string(chat.BlockIP):
		if c.Visitor.IP == "" {
			return none("địa chỉ IP")
		}
		b.Value = c.Visitor.IP
	case "network":
		n := chat.NetworkOf(c.Visitor.IP)
		if n == "" {
			return none("địa chỉ IP")
		}
		b.Kind, b.Value = chat.BlockIP, n
	}
	return nil
}

// List returns every block, expired ones included, newest first: admins.
func (bs *Blocks) List(ctx context.Context, actor Actor) ([]*chat.Block, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	out, err := bs.store.Blocks(ctx)
	if err != nil {
		return nil, bs.fail.unavailable(err)
	}
	return out, nil
}

// Remove lifts a block: admins.
func (bs *Blocks) Remove(ctx context.Context, actor Actor, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	var removed *chat.Block
	if all, err := bs.store.Blocks(ctx); err == nil {
		for _, b := range all {
			if b.ID == id {
				removed = b
			}
		}
	}
	if err := bs.store.DeleteBlock(ctx, id); err != nil {
		return bs.fail.unavailable(err)
	}
	bs.cache.invalidate()
	detail := "Bỏ chặn."
	if removed != nil {
		detail = blockDetail("Bỏ chặn", removed)
	}
	bs.audit.record(ctx, actor, chat.AuditBlockRemoved, id, detail)
	return nil
}

// blockDetail words a block for the audit log, a phone masked.
func blockDetail(verb string, b *chat.Block) string {
	what := ""
	switch b.Kind {
	case chat.BlockVisitor:
		what = "khách của cuộc trò chuyện " + b.Value
	case chat.BlockPhone:
		what = "số điện thoại " + chat.MaskPhone(b.Value)
	case chat.BlockIP:
		what = "địa chỉ " + b.Value
	}
	d := fmt.Sprintf("%s %s", verb, what)
	if b.ExpiresAt != nil && verb == "Chặn" {
		d += " đến " + b.ExpiresAt.In(chat.Vietnam).Format("15:04 02/01/2006")
	}
	if b.Reason != "" {
		d += ". Lý do: " + b.Reason
	}
	return d + "."
}

// blockCache keeps the active blocks of the installation (a short list) a
// few seconds, so checking a visitor costs no database read: a block made
// on another node applies here within blockCacheTTL, at once on the node
// that made it. When the list cannot be read, the last one read stays in
// force; with none read yet, nobody is blocked (the write path refuses on
// its own when MongoDB is down).
type blockCache struct {
	store BlockStore
	now   Clock
	log   *slog.Logger

	mu   sync.Mutex
	list *chat.BlockList
	at   time.Time
}

const blockCacheTTL = 5 * time.Second

func (c *blockCache) invalidate() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// match returns the block that applies to a visitor, or nil.
func (c *blockCache) match(ctx context.Context, conversationID, phone, ip string) *chat.Block {
	if c == nil || c.store == nil {
		return nil
	}
	now := c.now()
	c.mu.Lock()
	list, fresh := c.list, !c.at.IsZero() && now.Sub(c.at) < blockCacheTTL && now.Sub(c.at) >= 0
	c.mu.Unlock()
	if !fresh {
		all, err := c.store.Blocks(ctx)
		if err != nil {
			c.log.Warn("reading blocks failed; keeping the last list", "err", err)
		} else {
			list = chat.NewBlockList(all, now)
			c.mu.Lock()
			c.list, c.at = list, now
			c.mu.Unlock()
		}
	}
	return list.Match(conversationID, phone, ip, now)
}

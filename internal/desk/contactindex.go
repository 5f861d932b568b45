package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// contactIndex keeps the per-contact index documents (chat.ContactIndex)
// and each conversation's place in its contact. Every writer of a
// contact's document holds the contact's Redis lock: FerretDB's
// read-modify-writes are not atomic, and two conversations created at
// once with one phone must get distinct places. A conversation's contact
// fields are written under its conversation lock, like every other
// writer of the document. Lock order: contact, then conversation (the
// eraser releases the conversation before it updates the contact).
type contactIndex struct {
	store  Store
	named  NamedLocks
	locks  convLocks
	convs  *convCache
	events *events
	nodeID string
	fail   failures
	log    *slog.Logger
}

// contactLockName keeps the phone out of Redis key names (MONITOR,
// slowlog): the key's hash names the lock.
func contactLockName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "contact:" + hex.EncodeToString(sum[:12])
}

var errContactBusy = &chat.Error{Code: chat.ECONFLICT, Message: "Thông tin khách đang được cập nhật, vui lòng thử lại."}

// lock takes a contact's lock, waiting up to a few seconds.
func (ci *contactIndex) lock(ctx context.Context, key string) (func(), error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		unlock, err := ci.named.TryLock(ctx, contactLockName(key), ci.nodeID+"/"+chat.NewID(), 10*time.Second)
		if err != nil {
			return nil, ci.fail.redis(err)
		}
		if unlock != nil {
			return unlock, nil
		}
		if time.Now().After(deadline) {
			return nil, errContactBusy
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(15 * time.Millisecond):
		}
	}
}

// lockBoth takes two contacts' locks in key order (no deadlock between
// two admins moving conversations in opposite directions).
func (ci *contactIndex) lockBoth(ctx context.Context, a, b string) (func(), error) {
	if a == b || a == "" {
		return ci.lock(ctx, b)
	}
	if b == "" {
		return ci.lock(ctx, a)
	}
	if b < a {
		a, b = b, a
	}
	ua, err := ci.lock(ctx, a)
	if err != nil {
		return nil, err
	}
	ub, err := ci.lock(ctx, b)
	if err != nil {
		ua()
		return nil, err
	}
	return func() { ub(); ua() }, nil
}

func (ci *contactIndex) read(ctx context.Context, key string) (*chat.ContactIndex, error) {
	x, err := ci.store.ContactIndex(ctx, key)
	if err != nil {
		return nil, ci.fail.unavailable(err)
	}
	if x == nil {
		x = &chat.ContactIndex{Key: key, Conversations: []chat.ContactEntry{}}
	}
	return x, nil
}

// save writes x, or deletes it once it holds nothing (its _id can be a
// phone: an emptied contact leaves no trace).
func (ci *contactIndex) save(ctx context.Context, x *chat.ContactIndex) error {
	if len(x.Conversations) == 0 {
		return ci.store.DeleteContactIndex(ctx, x.Key)
	}
	return ci.store.SaveContactIndex(ctx, x)
}

// admit places a new conversation in its contact before it is stored,
// under the contact's lock: c gets its key and place. The returned func
// records it in the index once the caller knows whether it was stored,
// and releases the lock. Without a phone, or when the lock or the index
// cannot be had, c is created outside any contact (logged).
func (ci *contactIndex) admit(ctx context.Context, c *chat.Conversation) func(stored bool) {
	noop := func(bool) {}
	key := chat.ContactKeyOf(c)
	if key == "" {
		return noop
	}
	unlock, err := ci.lock(ctx, key)
	if err != nil {
		ci.log.Warn("contact lock unavailable; conversation created outside its contact", "conversation", c.ID, "err", err)
		return noop
	}
	x, err := ci.read(ctx, key)
	if err != nil {
		unlock()
		ci.log.Warn("contact index unreadable; conversation created outside its contact", "conversation", c.ID, "err", err)
		return noop
	}
	x.Append(chat.ContactEntry{ID: c.ID, CreatedAt: c.CreatedAt})
	c.ContactKey = key
	c.ContactConversations = x.Position(c.ID)
	c.Returning = c.ContactConversations > 1
	return func(stored bool) {
		defer unlock()
		if !stored {
			return
		}
		if err := ci.save(ctx, x); err != nil {
			ci.log.Error("contact index write failed", "conversation", c.ID, "err", err)
		}
	}
}

// renumber writes each member's key and place after x changed (the
// caller holds x's lock), and with publish tells inboxes about the
// conversations whose place changed. Members erased meanwhile are skipped.
func (ci *contactIndex) renumber(ctx context.Context, x *chat.ContactIndex, publish bool) error {
	for i, e := range x.Conversations {
		place := i + 1
		changed := false
		c, err := ci.locks.with(ctx, e.ID, func(c *chat.Conversation) (*chat.Conversation, error) {
			if c.ContactKey == x.Key && c.ContactConversations == place {
				return c, nil
			}
			if err := ci.store.SetConversationContact(ctx, c.ID, x.Key, place); err != nil {
				return nil, err
			}
			c.ContactKey, c.ContactConversations, c.Returning = x.Key, place, place > 1
			changed = true
			return c, nil
		})
		if chat.ErrorCode(err) == chat.ENOTFOUND {
			continue
		}
		if err != nil {
			return ci.fail.unavailable(err)
		}
		if changed {
			ci.convs.drop(c.ID)
			if publish {
				// Agents only: the visitor has no use for it.
				ci.events.publish(ctx, AgentsTopic, protocol.EvtConversationUpdated, protocol.ConversationChanged{Conversation: c, Change: chat.ChangeContact})
			}
		}
	}
	return nil
}

// forget removes an erased (deleted or anonymized) conversation from its
// contact and renumbers the rest.
func (ci *contactIndex) forget(ctx context.Context, key, id string) error {
	if key == "" {
		return nil
	}
	unlock, err := ci.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	x, err := ci.read(ctx, key)
	if err != nil || x.Position(id) == 0 {
		return err
	}
	x.Remove(id)
	if err := ci.save(ctx, x); err != nil {
		return ci.fail.unavailable(err)
	}
	return ci.renumber(ctx, x, true)
}

// dissolve deletes a contact's document after its phone was erased: the
// conversations an admin had attached to it (other phones) stay, outside
// any contact, so no document keyed by the erased phone remains.
func (ci *contactIndex) dissolve(ctx context.Context, key string) error {
	unlock, err := ci.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	x, err := ci.read(ctx, key)
	if err != nil {
		return err
	}
	for _, e := range x.Conversations {
		_, err := ci.locks.with(ctx, e.ID, func(c *chat.Conversation) (*chat.Conversation, error) {
			return c, ci.store.SetConversationContact(ctx, e.ID, "", 1)
		})
		if err != nil && chat.ErrorCode(err) != chat.ENOTFOUND {
			return ci.fail.unavailable(err)
		}
		ci.convs.drop(e.ID)
	}
	if err := ci.store.DeleteContactIndex(ctx, key); err != nil {
		return ci.fail.unavailable(err)
	}
	return nil
}

// backfillPage bounds one read of the backfill.
const backfillPage = 500

// backfill indexes the conversations written before contacts existed,
// once per database (one node at a time, under the contacts-backfill
// lock; a node that finds it taken leaves the work to its holder).
func (ci *contactIndex) backfill(ctx context.Context) error {
	done, err := ci.store.ContactsBackfilled(ctx)
	if err != nil || done {
		return err
	}
	unlock, err := ci.named.TryLock(ctx, "contacts-backfill", ci.nodeID+"/"+chat.NewID(), 10*time.Minute)
	if err != nil || unlock == nil {
		return err
	}
	defer unlock()
	for {
		page, err := ci.store.UnindexedConversations(ctx, backfillPage)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		byKey := map[string][]*chat.Conversation{}
		var keys []string
		for _, c := range page {
			k := chat.ContactKeyOf(c)
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], c)
		}
		for _, k := range keys {
			if err := ci.backfillContact(ctx, k, byKey[k]); err != nil {
				return err
			}
		}
	}
	return ci.store.MarkContactsBackfilled(ctx)
}

func (ci *contactIndex) backfillContact(ctx context.Context, key string, cs []*chat.Conversation) error {
	if key == "" {
		// A phone that does not normalize: no contact, and not unindexed
		// any more.
		for _, c := range cs {
			if err := ci.store.SetConversationContact(ctx, c.ID, "", 1); err != nil && chat.ErrorCode(err) != chat.ENOTFOUND {
				return err
			}
		}
		return nil
	}
	unlock, err := ci.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	x, err := ci.read(ctx, key)
	if err != nil {
		return err
	}
	for _, c := range cs {
		x.Add(chat.ContactEntry{ID: c.ID, CreatedAt: c.CreatedAt})
	}
	if err := ci.save(ctx, x); err != nil {
		return err
	}
	return ci.renumber(ctx, x, false)
}

package desk

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

// Conversations created at once with one phone each get their own place
// in the contact: the index holds them all, exactly one is the first.
func TestContactConcurrentCreation(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	const n = 8
	var wg sync.WaitGroup
	created := make([]*chat.Conversation, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			created[i] = d.conversationWithPhone("+84 912 345 678")
		}()
	}
	wg.Wait()
	var places []int
	first := 0
	for _, c := range created {
		stored := d.conversation(c.ID)
		if stored.ContactKey != "0912345678" || stored.ContactConversations != c.ContactConversations || stored.Returning != (c.ContactConversations > 1) {
			t.Fatalf("stored %+v, created %+v", stored, c)
		}
		places = append(places, c.ContactConversations)
		if !c.Returning {
			first++
		}
	}
	slices.Sort(places)
	if !slices.Equal(places, []int{1, 2, 3, 4, 5, 6, 7, 8}) || first != 1 {
		t.Fatalf("places %v, first %d", places, first)
	}
	x, err := d.store.ContactIndex(d.ctx, "0912345678")
	if err != nil || x == nil || len(x.Conversations) != n {
		t.Fatalf("index %+v %v", x, err)
	}
}

// The panel: other conversations newest first with their notes; agents
// only. Admins detach and attach again, written to the audit log.
func TestContactViewAndRelink(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	admin := agentActor(d.agent("Admin", chat.RoleAdmin))
	an := agentActor(d.agent("An", chat.RoleAgent))
	first := d.conversationWithPhone("0912345678")
	if _, _, err := d.core.Messages.AddNote(d.ctx, an, first.ID, "n1", "Khách hay hỏi về bảo hành"); err != nil {
		t.Fatal(err)
	}
	d.clock.Advance(time.Minute)
	second := d.conversationWithPhone("0912 345 678")
	d.clock.Advance(time.Minute)
	third := d.conversationWithPhone("0912345678")
	other := d.conversationWithPhone("0987654321")
	if first.Returning || !second.Returning || third.ContactConversations != 3 || other.Returning {
		t.Fatalf("returning: %+v %+v %+v %+v", first, second, third, other)
	}

	v, err := d.core.Contacts.Contact(d.ctx, an, third.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Returning || v.Total != 3 || len(v.Conversations) != 2 || v.Conversations[0].ID != second.ID || v.Conversations[1].ID != first.ID {
		t.Fatalf("view %+v", v)
	}
	if len(v.Notes) != 1 || v.Notes[0].Text != "Khách hay hỏi về bảo hành" || v.Notes[0].ConversationID != first.ID {
		t.Fatalf("notes %+v", v.Notes)
	}
	if _, err := d.core.Contacts.Contact(d.ctx, visitorOf(third), third.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Fatalf("visitor reads the contact: %v", err)
	}

	if _, err := d.core.Contacts.Relink(d.ctx, an, second.ID, RelinkRequest{Action: RelinkDetach}); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("an agent detaches: %v", err)
	}
	if _, err := d.core.Contacts.Relink(d.ctx, admin, second.ID, RelinkRequest{Action: "merge"}); chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("unknown action: %v", err)
	}
	v, err = d.core.Contacts.Relink(d.ctx, admin, second.ID, RelinkRequest{Action: RelinkDetach})
	if err != nil || v.Returning || !v.Detached || v.Total != 1 || len(v.Conversations) != 0 {
		t.Fatalf("detached: %+v %v", v, err)
	}
	if c := d.conversation(third.ID); c.ContactConversations != 2 || !c.Returning {
		t.Fatalf("third renumbered: %+v", c)
	}
	if c := d.conversation(second.ID); c.Returning || c.ContactConversations != 1 {
		t.Fatalf("second: %+v", c)
	}
	// Into another phone's contact, then back to its own phone's.
	v, err = d.core.Contacts.Relink(d.ctx, admin, second.ID, RelinkRequest{Action: RelinkAttach, To: other.ID})
	if err != nil || v.Returning || v.Total != 2 || v.Conversations[0].ID != other.ID {
		t.Fatalf("attached to other: %+v %v", v, err)
	}
	if c := d.conversation(other.ID); c.ContactConversations != 2 || !c.Returning {
		t.Fatalf("other renumbered: %+v", c)
	}
	v, err = d.core.Contacts.Relink(d.ctx, admin, second.ID, RelinkRequest{Action: RelinkAttach})
	if err != nil || !v.Returning || v.Total != 3 || v.Detached {
		t.Fatalf("attached back: %+v %v", v, err)
	}
	if c := d.conversation(third.ID); c.ContactConversations != 3 {
		t.Fatalf("third: %+v", c)
	}
	entries, _, err := d.core.Admin.AuditLog(d.ctx, admin, chat.AuditFilter{Actions: []string{chat.AuditContactRelinked}})
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit: %d %v", len(entries), err)
	}
	for _, e := range entries {
		if e.Target != second.ID || containsPhone(e.Detail) {
			t.Fatalf("audit entry %+v", e)
		}
	}

	// Erasing the phone leaves no document keyed by it; the conversation
	// of the other phone attached to it meanwhile stays, outside any
	// contact.
	if _, err := d.core.Contacts.Relink(d.ctx, admin, other.ID, RelinkRequest{Action: RelinkAttach, To: first.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.core.Privacy.Erase(d.ctx, admin, "0912345678", "0912345678"); err != nil {
		t.Fatal(err)
	}
	if x, err := d.store.ContactIndex(d.ctx, "0912345678"); err != nil || x != nil {
		t.Fatalf("index after erasure: %+v %v", x, err)
	}
	if c := d.conversation(other.ID); c.ContactKey != "" || c.Returning {
		t.Fatalf("other after erasure: %+v", c)
	}
}

func containsPhone(s string) bool {
	return strings.Contains(s, "0912345678") || strings.Contains(s, "0987654321")
}

// Conversations stored before contacts existed are indexed when the core
// starts, once.
func TestContactBackfill(t *testing.T) {
	at := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	var old []*chat.Conversation
	d := newTestDesk(t, testOptions{seed: func(s *inmem.Store) {
		for i, phone := range []string{"0912345678", "0987654321", "0912345678", ""} {
			c := &chat.Conversation{ID: chat.NewID(), Status: chat.StatusResolved, Visitor: chat.Visitor{Name: "Cũ", Phone: phone}, CreatedAt: at.Add(time.Duration(i) * time.Minute), UpdatedAt: at}
			if err := s.InsertUnindexed(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			old = append(old, c)
		}
	}})
	checkfor.Eventually(t, 5*time.Second, func() (bool, string) {
		done, err := d.store.ContactsBackfilled(d.ctx)
		return done && err == nil, "backfill not marked"
	})
	if c := d.conversation(old[2].ID); c.ContactConversations != 2 || !c.Returning {
		t.Fatalf("third old: %+v", c)
	}
	if c := d.conversation(old[0].ID); c.ContactConversations != 1 || c.Returning {
		t.Fatalf("first old: %+v", c)
	}
	fresh := d.conversationWithPhone("0912345678")
	if fresh.ContactConversations != 3 {
		t.Fatalf("fresh: %+v", fresh)
	}
	if rest, _ := d.store.UnindexedConversations(d.ctx, 10); len(rest) != 0 {
		t.Fatalf("left unindexed: %d", len(rest))
	}
	// Once marked, a later start does not look again.
	late := &chat.Conversation{ID: chat.NewID(), Status: chat.StatusResolved, Visitor: chat.Visitor{Phone: "0912345678"}, CreatedAt: at, UpdatedAt: at}
	if err := d.store.InsertUnindexed(d.ctx, late); err != nil {
		t.Fatal(err)
	}
	if err := d.core.Contacts.index.backfill(d.ctx); err != nil {
		t.Fatal(err)
	}
	if rest, _ := d.store.UnindexedConversations(d.ctx, 10); len(rest) != 1 {
		t.Fatalf("a marked database was scanned again: %d left", len(rest))
	}
}

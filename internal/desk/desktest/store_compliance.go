package desktest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// testCompliance runs the cases of desk.ComplianceStore: the audit log,
// blocks, privacy settings and notices, a contact's conversations, and the
// sign-in records.
func testCompliance(t *testing.T, newStore func(t *testing.T) desk.Store) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, s desk.Store)
	}{
		{"AuditPages", testAuditPages},
		{"Blocks", testBlocks},
		{"PrivacySettings", testPrivacySettings},
		{"PrivacyNotices", testPrivacyNotices},
		{"ConsentRoundTrip", testConsentRoundTrip},
		{"ConversationsByPhone", testConversationsByPhone},
		{"IdleAndAnonymize", testIdleAndAnonymize},
		{"DeleteConversationAndMessages", testDeleteConversationAndMessages},
		{"LoginRecords", testLoginRecords},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t)) })
	}
}

// testAuditPages: newest first by id (time order), pages cut by the last
// id, filtered by action; an entry reads back as written.
func testAuditPages(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	var want []*chat.AuditEntry
	for i := 0; i < 5; i++ {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		action := chat.AuditLogin
		if i%2 == 1 {
			action = chat.AuditLoginFailed
		}
		e := &chat.AuditEntry{ID: chat.NewAuditID(at), At: at, ActorID: "a1", ActorName: "An", ActorRole: "agent",
			Action: action, Target: "a1", Detail: "Đăng nhập", IP: "203.0.113.9"}
		must(t, s.AppendAudit(ctx, e))
		want = append([]*chat.AuditEntry{e}, want...)
	}
	auto := &chat.AuditEntry{At: t0.Add(-time.Hour), Action: chat.AuditBlockAdded}
	must(t, s.AppendAudit(ctx, auto))
	if !hexID.MatchString(auto.ID) {
		t.Fatalf("generated audit id %q", auto.ID)
	}
	want = append(want, auto)

	var got []*chat.AuditEntry
	cursor := ""
	for page := 0; ; page++ {
		items, next, err := s.AuditEntries(ctx, chat.AuditFilter{Before: cursor, Limit: 2})
		must(t, err)
		if len(items) > 2 {
			t.Fatalf("page of %d entries with a limit of 2", len(items))
		}
		got = append(got, items...)
		if next == "" {
			break
		}
		if page > 5 || next != items[len(items)-1].ID {
			t.Fatalf("cursor %q after %v", next, items)
		}
		cursor = next
	}
	if len(got) != len(want) {
		t.Fatalf("paged %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		w := *want[i]
		w.At = w.At.UTC()
		if !reflect.DeepEqual(*got[i], w) {
			t.Fatalf("entry %d:\n got %+v\nwant %+v", i, *got[i], w)
		}
	}
	failed, next, err := s.AuditEntries(ctx, chat.AuditFilter{Actions: []string{chat.AuditLoginFailed}})
	must(t, err)
	if len(failed) != 2 || next != "" || failed[0].Action != chat.AuditLoginFailed || failed[0].ID < failed[1].ID {
		t.Fatalf("filtered by action: %d entries, next %q", len(failed), next)
	}
}

func testBlocks(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	if bs, err := s.Blocks(ctx); err != nil || len(bs) != 0 || bs == nil {
		t.Fatalf("empty store: %v %v", bs, err)
	}
	older := &chat.Block{ID: chat.NewAuditID(t0), Kind: chat.BlockPhone, Value: "0912345678", Reason: "spam",
		CreatedAt: t0, CreatedByID: "a1", CreatedByName: "An"}
	newer := &chat.Block{ID: chat.NewAuditID(t0.Add(time.Second)), Kind: chat.BlockIP, Value: "203.0.113.0/24",
		ExpiresAt: ptr(t0.Add(24 * time.Hour)), ConversationID: "c1", CreatedAt: t0.Add(time.Second)}
	must(t, s.CreateBlock(ctx, older))
	must(t, s.CreateBlock(ctx, newer))
	auto := &chat.Block{Kind: chat.BlockVisitor, Value: chat.NewID(), CreatedAt: t0}
	must(t, s.CreateBlock(ctx, auto))
	if !hexID.MatchString(auto.ID) {
		t.Fatalf("generated block id %q", auto.ID)
	}
	must(t, s.DeleteBlock(ctx, auto.ID))
	bs, err := s.Blocks(ctx)
	must(t, err)
	if len(bs) != 2 || !reflect.DeepEqual(bs[0], newer) || !reflect.DeepEqual(bs[1], older) {
		t.Fatalf("blocks, newest first:\n got %+v\nwant %+v, %+v", bs, newer, older)
	}
	if err := s.DeleteBlock(ctx, auto.ID); !isNotFound(err) {
		t.Fatalf("deleting a missing block: %v", err)
	}
}

func testPrivacySettings(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	got, err := s.PrivacySettings(ctx)
	must(t, err)
	if !reflect.DeepEqual(got, chat.DefaultPrivacySettings()) {
		t.Fatalf("defaults: %+v", got)
	}
	p := chat.PrivacySettings{Notice: "Chúng tôi dùng số điện thoại để gọi lại.", ConsentRequired: true, ConsentLabel: "Tôi đồng ý",
		Version: 3, UpdatedAt: ptr(t0), RetentionMonths: 12, RetentionMode: chat.RetainAnonymize}
	must(t, s.SavePrivacySettings(ctx, p))
	must(t, s.SavePrivacySettings(ctx, p))
	got, err = s.PrivacySettings(ctx)
	must(t, err)
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, p)
	}
	// Beside the other settings, not instead of them.
	if set, err := s.Settings(ctx); err != nil || set.WidgetTitle != chat.DefaultSettings().WidgetTitle {
		t.Fatalf("settings after saving privacy: %+v %v", set, err)
	}
}

func testPrivacyNotices(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	ns, err := s.PrivacyNotices(ctx)
	must(t, err)
	if len(ns) != 0 || ns == nil {
		t.Fatalf("empty store: %v", ns)
	}
	v1 := chat.PrivacyNotice{Version: 1, Notice: "Bản 1", PublishedAt: t0, PublishedByID: "a1", PublishedByName: "An"}
	v2 := chat.PrivacyNotice{Version: 2, Notice: "Bản 2", ConsentRequired: true, ConsentLabel: "Đồng ý", PublishedAt: t0.Add(time.Hour)}
	must(t, s.PublishPrivacyNotice(ctx, v1))
	must(t, s.PublishPrivacyNotice(ctx, v2))
	if err := s.PublishPrivacyNotice(ctx, chat.PrivacyNotice{Version: 2, Notice: "khác", PublishedAt: t0}); !errors.Is(err, chat.ErrDuplicateKey) {
		t.Fatalf("publishing a version twice: %v, want ErrDuplicateKey", err)
	}
	ns, err = s.PrivacyNotices(ctx)
	must(t, err)
	if !reflect.DeepEqual(ns, []chat.PrivacyNotice{v2, v1}) {
		t.Fatalf("notices:\n got %+v\nwant %+v", ns, []chat.PrivacyNotice{v2, v1})
	}
}

func testConsentRoundTrip(t *testing.T, s desk.Store) {
	c := fullConv("")
	c.Privacy = &chat.PrivacyConsent{NoticeVersion: 4, Consented: true, At: t0.Add(time.Second)}
	mustCreate(t, s, c)
	if got := mustGet(t, s, c.ID); !reflect.DeepEqual(got.Privacy, c.Privacy) || got.AnonymizedAt != nil {
		t.Fatalf("privacy %+v, anonymized %v", got.Privacy, got.AnonymizedAt)
	}
	plain := fullConv("")
	mustCreate(t, s, plain)
	if got := mustGet(t, s, plain.ID); got.Privacy != nil {
		t.Fatalf("a conversation without a notice reads back with %+v", got.Privacy)
	}
}

// testConversationsByPhone: exact matches only (a search is partial; an
// erasure must not be), oldest first.
func testConversationsByPhone(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	a := newConv("", "Bình", "0912345678", chat.StatusResolved, "", t0.Add(time.Hour))
	b := newConv("", "Bình", "0912345678", chat.StatusWaiting, "", t0)
	other := newConv("", "Lan", "0912345679", chat.StatusWaiting, "", t0)
	prefix := newConv("", "Lan", "09123456780", chat.StatusWaiting, "", t0)
	mustCreate(t, s, a, b, other, prefix)
	got, err := s.ConversationsByPhone(ctx, "0912345678")
	must(t, err)
	if !slices.Equal(ids(got), []string{b.ID, a.ID}) {
		t.Fatalf("by phone: %v, want %v", ids(got), []string{b.ID, a.ID})
	}
	none, err := s.ConversationsByPhone(ctx, "0987000000")
	must(t, err)
	if len(none) != 0 || none == nil {
		t.Fatalf("unknown phone: %v", none)
	}
}

// testIdleAndAnonymize: conversations idle since before the cutoff, oldest
// activity first, bounded; anonymized ones are not found again, and keep
// what the statistics need.
func testIdleAndAnonymize(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	old1 := fullConv("")
	old1.UpdatedAt = t0.Add(-48 * time.Hour)
	old2 := newConv("", "Lan", "0912000001", chat.StatusResolved, "", t0.Add(-72*time.Hour))
	old2.UpdatedAt = t0.Add(-24 * time.Hour)
	fresh := newConv("", "Mai", "0912000002", chat.StatusResolved, "", t0.Add(-72*time.Hour))
	fresh.UpdatedAt = t0.Add(time.Hour)
	mustCreate(t, s, old1, old2, fresh)
	got, err := s.ConversationsIdleSince(ctx, t0, 10)
	must(t, err)
	if !slices.Equal(ids(got), []string{old1.ID, old2.ID}) {
		t.Fatalf("idle: %v, want %v", ids(got), []string{old1.ID, old2.ID})
	}
	if got, _ := s.ConversationsIdleSince(ctx, t0, 1); len(got) != 1 || got[0].ID != old1.ID {
		t.Fatalf("idle with a limit of 1: %v", ids(got))
	}

	at := t0.Add(2 * time.Hour)
	must(t, s.AnonymizeConversation(ctx, old1.ID, at))
	a := mustGet(t, s, old1.ID)
	if a.AnonymizedAt == nil || !a.AnonymizedAt.Equal(at) {
		t.Fatalf("anonymizedAt %v", a.AnonymizedAt)
	}
	if a.Visitor != (chat.Visitor{}) || a.LastMessage.Text != "" || a.Rating.Comment != "" || a.Privacy != nil {
		t.Fatalf("personal data left: %+v %+v %+v", a.Visitor, a.LastMessage, a.Rating)
	}
	for _, ans := range a.Answers {
		if ans.Value != "" {
			t.Fatalf("answer %s kept %q", ans.Key, ans.Value)
		}
	}
	if a.Status != old1.Status || a.AssigneeID != old1.AssigneeID || a.Rating.Stars != 5 || !a.CreatedAt.Equal(old1.CreatedAt) ||
		!a.UpdatedAt.Equal(old1.UpdatedAt) || !slices.Equal(a.Tags, old1.Tags) || a.Priority != old1.Priority {
		t.Fatalf("statistics lost: %+v", a)
	}
	if found, _, err := s.FindConversations(ctx, chat.ConversationFilter{Query: "Bình", Limit: 10}, chat.SortUpdatedDesc); err != nil || slices.Contains(ids(found), old1.ID) {
		t.Fatalf("an anonymized conversation is still found by its old name: %v %v", ids(found), err)
	}
	got, err = s.ConversationsIdleSince(ctx, t0, 10)
	must(t, err)
	if !slices.Equal(ids(got), []string{old2.ID}) {
		t.Fatalf("idle after anonymizing one: %v", ids(got))
	}
	if err := s.AnonymizeConversation(ctx, chat.NewID(), at); !isNotFound(err) {
		t.Fatalf("anonymizing a missing conversation: %v", err)
	}
}

func testDeleteConversationAndMessages(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	c := newConv("", "Bình", "0912345678", chat.StatusWaiting, "", t0)
	keep := newConv("", "Lan", "0912345679", chat.StatusWaiting, "", t0)
	mustCreate(t, s, c, keep)
	for i := int64(1); i <= 3; i++ {
		for _, conv := range []*chat.Conversation{c, keep} {
			must(t, s.InsertMessage(ctx, &chat.Message{ConversationID: conv.ID, Seq: i, ClientID: "m" + string(rune('0'+i)),
				SenderType: chat.SenderVisitor, Text: "xin chào", CreatedAt: t0}))
		}
	}
	n, err := s.DeleteMessages(ctx, c.ID)
	must(t, err)
	if n != 3 {
		t.Fatalf("deleted %d messages, want 3", n)
	}
	if ms, _ := s.MessagesAfter(ctx, c.ID, 0, 10); len(ms) != 0 {
		t.Fatalf("messages left: %d", len(ms))
	}
	if ms, _ := s.MessagesAfter(ctx, keep.ID, 0, 10); len(ms) != 3 {
		t.Fatalf("another conversation's messages: %d, want 3", len(ms))
	}
	// A message can be stored again under a deleted one's client id.
	must(t, s.InsertMessage(ctx, &chat.Message{ConversationID: c.ID, Seq: 1, ClientID: "m1", SenderType: chat.SenderVisitor, Text: "x", CreatedAt: t0}))
	if n, err := s.DeleteMessages(ctx, c.ID); err != nil || n != 1 {
		t.Fatalf("second delete: %d %v", n, err)
	}
	must(t, s.DeleteConversation(ctx, c.ID))
	if _, err := s.Conversation(ctx, c.ID); !isNotFound(err) {
		t.Fatalf("deleted conversation: %v", err)
	}
	must(t, s.DeleteConversation(ctx, c.ID)) // missing is fine
	mustGet(t, s, keep.ID)
}

func testLoginRecords(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	r, err := s.LoginRecord(ctx, "a1")
	must(t, err)
	if r.Failures.Count != 0 || len(r.KnownNetworks) != 0 || r.KnownNetworks == nil || r.Failures.Addresses == nil {
		t.Fatalf("empty record: %+v", r)
	}
	want := chat.LoginRecord{
		KnownNetworks: []chat.KnownNetwork{{Network: "203.0.113.0/24", At: t0}},
		Failures:      chat.LoginFailures{Count: 3, First: ptr(t0), Last: ptr(t0.Add(time.Minute)), Addresses: []string{"198.51.100.1", "198.51.100.2"}},
	}
	must(t, s.SaveLoginRecord(ctx, "a1", want))
	must(t, s.SaveLoginRecord(ctx, "a1", want))
	got, err := s.LoginRecord(ctx, "a1")
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if other, _ := s.LoginRecord(ctx, "a2"); other.Failures.Count != 0 {
		t.Fatalf("another account's record: %+v", other)
	}
}

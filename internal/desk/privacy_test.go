package desk

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func (d *testDesk) submit(consent *Consent) (*Created, error) {
	return d.core.Conversations.CreateConversation(d.ctx, NewConversation{
		Fields: map[string]any{chat.KeyName: "Khách", chat.KeyPhone: "0912345678"}, Consent: consent,
	})
}

// The notice's versions, and what a conversation records of them: the
// version shown, and, when consent is required, that the box was ticked
// under the current version (silence, or a page older than the notice, is
// not consent).
func TestPrivacyNoticeAndConsent(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	admin := agentActor(d.agent("Admin", chat.RoleAdmin))

	// No notice: nothing recorded.
	c, err := d.submit(nil)
	if err != nil || c.Conversation.Privacy != nil {
		t.Fatalf("without a notice: %+v %v", c, err)
	}

	// A notice, no consent box: version 1, recorded as shown.
	v, err := d.core.Privacy.Save(d.ctx, admin, chat.PrivacySettings{Notice: "Cửa hàng ABC dùng số điện thoại để gọi lại cho bạn."})
	if err != nil || v.Privacy.Version != 1 || len(v.Notices) != 1 {
		t.Fatalf("first notice: %+v %v", v, err)
	}
	if pub, _ := d.core.Conversations.PublicPrivacy(d.ctx); pub.Notice == "" || pub.Version != 1 || pub.ConsentRequired || pub.ConsentLabel != "" {
		t.Fatalf("public: %+v", pub)
	}
	c, err = d.submit(nil)
	if err != nil || c.Conversation.Privacy == nil || c.Conversation.Privacy.NoticeVersion != 1 || c.Conversation.Privacy.Consented {
		t.Fatalf("notice only: %+v %v", c.Conversation.Privacy, err)
	}

	// Saving the same notice publishes nothing; retention alone neither.
	v, err = d.core.Privacy.Save(d.ctx, admin, chat.PrivacySettings{Notice: "Cửa hàng ABC dùng số điện thoại để gọi lại cho bạn.", RetentionMonths: 12})
	if err != nil || v.Privacy.Version != 1 || len(v.Notices) != 1 || v.Privacy.RetentionMonths != 12 {
		t.Fatalf("unchanged notice: %+v %v", v, err)
	}

	// Consent required: version 2.
	v, err = d.core.Privacy.Save(d.ctx, admin, chat.PrivacySettings{Notice: "Cửa hàng ABC dùng số điện thoại để gọi lại cho bạn.", ConsentRequired: true, RetentionMonths: 12})
	if err != nil || v.Privacy.Version != 2 || len(v.Notices) != 2 || v.Notices[0].Version != 2 || v.Notices[0].PublishedByName != "Admin" {
		t.Fatalf("consent required: %+v %v", v, err)
	}
	for _, tt := range []struct {
		name    string
		consent *Consent
	}{
		{"no answer", nil},
		{"the box not ticked", &Consent{Version: 2}},
		{"ticked under the old version", &Consent{Version: 1, Accepted: true}},
	} {
		_, err := d.submit(tt.consent)
		if e, ok := chat.AsError(err); !ok || e.Code != chat.EINVALID || e.Fields["consent"] == "" {
			t.Fatalf("%s: %v", tt.name, err)
		}
	}
	at := d.clock.Now()
	c, err = d.submit(&Consent{Version: 2, Accepted: true})
	if err != nil {
		t.Fatal(err)
	}
	p := d.conversation(c.Conversation.ID).Privacy
	if p == nil || p.NoticeVersion != 2 || !p.Consented || !p.At.Equal(at.UTC().Truncate(1e6)) {
		t.Fatalf("stored consent: %+v", p)
	}

	// Only admins; the changes are audited.
	if _, err := d.core.Privacy.Save(d.ctx, agentActor(d.agent("An", chat.RoleAgent)), chat.PrivacySettings{}); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("an agent saves: %v", err)
	}
	if _, err := d.core.Privacy.Save(d.ctx, admin, chat.PrivacySettings{ConsentRequired: true}); chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("consent without a notice: %v", err)
	}
	log, _, _ := d.store.AuditEntries(d.ctx, chat.AuditFilter{Actions: []string{chat.AuditPrivacyChanged}})
	if len(log) != 3 {
		t.Fatalf("audited %d privacy changes, want 3", len(log))
	}
}

package desk

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// TestIntegrationChangesAreAudited: creating, editing and deleting a
// webhook endpoint and saving the SMTP settings are in the audit log, by
// whom and what changed — never a secret, a password, nor a URL's path or
// query (receivers often keep a token there).
func TestIntegrationChangesAreAudited(t *testing.T) {
	h := newHookDeskWith(t, nil, nopMailer{})
	admin := h.admin()
	admin.IP = "203.0.113.9"
	const secret, token, password = "whsec_do-quan-tri-nhap-0123456789", "T0K3N-trong-duong-dan", "mat-khau-smtp-rat-bi-mat"
	tick := func() { h.clock.Advance(time.Second) } // entries sort by their millisecond
	ep, err := h.core.Integrations.CreateWebhookEndpoint(h.ctx, admin, chat.WebhookEndpoint{
		URL: "https://hooks.example.vn/services/" + token + "?key=" + token, Description: "CRM", Events: []string{chat.EventConversationCreated}, Secret: secret, Enabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tick()
	if _, err := h.core.Integrations.UpdateWebhookEndpoint(h.ctx, admin, ep.ID, chat.WebhookEndpoint{
		URL: "https://crm.example.vn/in/" + token, Description: "CRM", Events: []string{chat.EventConversationCreated, chat.EventContactErased}, Secret: secret + "-moi", Enabled: false,
	}); err != nil {
		t.Fatal(err)
	}
	tick()
	if err := h.core.Integrations.DeleteWebhookEndpoint(h.ctx, admin, ep.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.core.Integrations.DeleteWebhookEndpoint(h.ctx, admin, ep.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Fatalf("deleting a missing endpoint: %v", err)
	}
	tick()
	if _, err := h.core.Integrations.SaveMailSettings(h.ctx, admin, chat.MailSettings{
		Host: "smtp.example.vn", Port: 587, Security: chat.MailStartTLS, Username: "hotro", Password: password, From: "Hỗ trợ <hotro@example.vn>", NotifyWaiting: true, NotifyEveryMinutes: 30,
	}); err != nil {
		t.Fatal(err)
	}
	// A failed change is not recorded.
	if _, err := h.core.Integrations.CreateWebhookEndpoint(h.ctx, admin, chat.WebhookEndpoint{URL: "ftp://x", Events: []string{chat.EventConversationCreated}}); chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("invalid endpoint: %v", err)
	}

	log, _, err := h.store.AuditEntries(h.ctx, chat.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ action, target, detail string }{
		{chat.AuditMailChanged, "mail", "Cập nhật cài đặt email (SMTP): máy chủ smtp.example.vn:587 (starttls), tên đăng nhập, mật khẩu, địa chỉ gửi Hỗ trợ <hotro@example.vn>, thông báo khách chờ: bật, tối đa một lần mỗi 30 phút."},
		{chat.AuditWebhookDeleted, ep.ID, "Xóa điểm nhận webhook https://crm.example.vn/… (CRM)."},
		{chat.AuditWebhookUpdated, ep.ID, "Sửa điểm nhận webhook https://crm.example.vn/… (CRM): địa chỉ https://hooks.example.vn/… → https://crm.example.vn/…, sự kiện conversation.created, contact.erased, tắt, đổi khóa ký."},
		{chat.AuditWebhookCreated, ep.ID, "Thêm điểm nhận webhook https://hooks.example.vn/… (CRM): sự kiện conversation.created, khóa ký do quản trị nhập."},
	}
	if len(log) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(log), len(want), log)
	}
	for i, w := range want {
		e := log[i]
		if e.Action != w.action || e.Target != w.target || e.Detail != w.detail || e.ActorName != "Quản trị" || e.ActorRole != "admin" || e.IP != "203.0.113.9" {
			t.Errorf("entry %d: %+v\nwant %s %s %q", i, e, w.action, w.target, w.detail)
		}
		for _, s := range []string{secret, token, password, "key="} {
			if strings.Contains(e.Detail+e.Target, s) {
				t.Errorf("entry %d shows %q: %s", i, s, e.Detail)
			}
		}
	}

	// Saving again unchanged says so; a generated secret is said to be.
	tick()
	if _, err := h.core.Integrations.SaveMailSettings(h.ctx, admin, chat.MailSettings{
		Host: "smtp.example.vn", Port: 587, Security: chat.MailStartTLS, Username: "hotro", From: "Hỗ trợ <hotro@example.vn>", NotifyWaiting: true, NotifyEveryMinutes: 30,
	}); err != nil {
		t.Fatal(err)
	}
	tick()
	h.endpoint(chat.EventRatingCreated)
	log, _, _ = h.store.AuditEntries(h.ctx, chat.AuditFilter{Limit: 2})
	if len(log) != 2 || log[1].Detail != "Lưu cài đặt email (SMTP): không thay đổi." || !strings.HasSuffix(log[0].Detail, "sự kiện rating.created, khóa ký do máy chủ tạo.") {
		t.Fatalf("entries: %+v", log)
	}
}

// nopMailer sends nothing.
type nopMailer struct{}

func (nopMailer) Transcript(context.Context, chat.MailSettings, chat.TranscriptMail) error {
	return nil
}
func (nopMailer) WaitingNotice(context.Context, chat.MailSettings, chat.WaitingMail) error {
	return nil
}

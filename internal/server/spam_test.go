package server

import (
	"net/http"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
)

// Spam protection of the form (#16): the conversation POST of docs/api.md,
// sent by a script, is refused; a client that does what the widget does —
// fetch the form, solve its challenge, leave the hidden field empty — is
// not. (test/widget checks the real widget in Chromium.)
func TestNaiveFormPostsAreRefused(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.FormChallengeBits = 12 })
	form := map[string]any{"name": "Nguyễn Văn Bình", "phone": "0912 345 678", "message": "Cho em hỏi giá"}
	var e clienttest.ErrorAnswer
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": form}, &e); st != 403 || e.Error.Code != chat.ECHALLENGE || e.Error.Message == "" {
		t.Fatalf("a plain POST: %d %+v", st, e.Error)
	}

	resp, err := http.Get(n.base + "/api/form-fields")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("form-fields Cache-Control %q: a cached challenge would be spent twice", cc)
	}

	api := n.api()
	answer := api.SolveFormChallenge()
	if answer == nil {
		t.Fatal("no challenge in the form")
	}
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": form, "challenge": answer, "website": "http://spam.example"}, &e); st != 403 || e.Error.Code != chat.ECHALLENGE {
		t.Fatalf("the honeypot filled: %d %+v", st, e.Error)
	}
	var out clienttest.Created
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": form, "challenge": answer, "website": ""}, &out); st != 201 || out.VisitorToken == "" {
		t.Fatalf("the widget's way: %d", st)
	}
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": form, "challenge": answer}, &e); st != 403 || e.Error.Code != chat.ECHALLENGE {
		t.Fatalf("the same answer again: %d %+v", st, e.Error)
	}
	// An invalid form does not spend the answer: the visitor corrects it.
	again := api.SolveFormChallenge()
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": map[string]any{"name": "Bình"}, "challenge": again}, &e); st != 400 {
		t.Fatalf("an invalid form: %d", st)
	}
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": form, "challenge": again}, nil); st != 201 {
		t.Fatalf("corrected, same answer: %d", st)
	}
}

// The notice reaches the form, and the conversation records what its
// visitor accepted.
func TestPrivacyNoticeThroughTheForm(t *testing.T) {
	n := startNode(t)
	admin, _ := n.login("admin@chatdesk.local")
	notice := "Cửa hàng ABC (0243 123 456) dùng họ tên và số điện thoại của bạn để trả lời và gọi lại; lưu 12 tháng. Bạn có quyền xem, sửa, xóa: gọi 0243 123 456."
	var view struct {
		Privacy chat.PrivacySettings
		Notices []chat.PrivacyNotice
	}
	if st := n.do("PUT", "/api/admin/privacy", admin, map[string]any{"notice": notice, "consentRequired": true, "retentionMonths": 12, "retentionMode": "anonymize"}, &view); st != 200 || view.Privacy.Version != 1 || len(view.Notices) != 1 {
		t.Fatalf("save: %d %+v", st, view)
	}
	var form struct {
		Privacy chat.PublicPrivacy `json:"privacy"`
	}
	n.do("GET", "/api/form-fields", "", nil, &form)
	if form.Privacy.Notice != notice || !form.Privacy.ConsentRequired || form.Privacy.ConsentLabel == "" || form.Privacy.Version != 1 {
		t.Fatalf("public notice: %+v", form.Privacy)
	}
	fields := map[string]any{"name": "Bình", "phone": "0912345678"}
	var e clienttest.ErrorAnswer
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": fields}, &e); st != 400 || e.Error.Fields["consent"] == "" {
		t.Fatalf("without consent: %d %+v", st, e.Error)
	}
	var out clienttest.Created
	if st := n.do("POST", "/api/conversations", "", map[string]any{"fields": fields, "consent": map[string]any{"version": 1, "accepted": true}}, &out); st != 201 {
		t.Fatalf("with consent: %d", st)
	}
	var got struct{ Conversation *chat.Conversation }
	n.do("GET", "/api/conversations/"+out.Conversation.ID, admin, nil, &got)
	if p := got.Conversation.Privacy; p == nil || p.NoticeVersion != 1 || !p.Consented || p.At.IsZero() {
		t.Fatalf("recorded: %+v", p)
	}
}

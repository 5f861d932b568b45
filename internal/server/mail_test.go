package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/mail/mailtest"
)

// TestEmail: nothing is sent while SMTP is not configured; once an admin
// configures it, admins get one notice per period when visitors wait with
// nobody available, and visitors get their transcript by email. The SMTP
// server runs inside the test (a relay on loopback: the encrypted modes
// are tested in internal/mail).
func TestEmail(t *testing.T) {
	tm := startTeam(t)
	smtp := mailtest.Start(t, mailtest.Plain, "", "")

	// The widget offers "Gửi bản ghi qua email" only while email works.
	offered := func() bool {
		var cfg struct{ EmailTranscript bool }
		if st := tm.do("GET", "/api/widget/config", "", nil, &cfg); st != 200 {
			t.Fatalf("widget config: %d", st)
		}
		return cfg.EmailTranscript
	}
	if offered() {
		t.Fatal("the widget offers transcripts while SMTP is not configured")
	}

	// Not configured: no notice, the transcript is refused.
	first := tm.newConversation("Lan", "0912000951", "Shop còn hàng không?")
	var e struct{ Error struct{ Code string } }
	if st := tm.do("POST", "/api/conversations/"+first.Conversation.ID+"/transcript", first.VisitorToken, map[string]string{"email": "lan@example.vn"}, &e); st != 409 {
		t.Fatalf("transcript without SMTP: %d %s", st, e.Error.Code)
	}

	cfg := map[string]any{"host": smtp.Host, "port": smtp.Port, "security": "none", "from": "Hỗ trợ Shop <hotro@example.vn>", "notifyWaiting": true, "notifyEveryMinutes": 60}
	if st := tm.do("PUT", "/api/admin/mail", tm.anTok, cfg, nil); st != 403 {
		t.Fatalf("an agent configured SMTP: %d", st)
	}
	var saved struct{ Mail chat.MailSettings }
	if st := tm.do("PUT", "/api/admin/mail", tm.admin, cfg, &saved); st != 200 || saved.Mail.Host != smtp.Host || saved.Mail.Password != "" {
		t.Fatalf("save: %d %+v", st, saved.Mail)
	}
	if !offered() {
		t.Fatal("the widget does not offer transcripts once SMTP is configured")
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(smtp.Messages()); n != 0 {
		t.Fatalf("%d emails sent before SMTP was configured", n)
	}

	// Nobody is online: the first waiting conversation notifies the admin,
	// the next ones within the period do not.
	waiting := tm.newConversation("Nguyễn Thị <Mai>", "0912000952", "Cho em hỏi giá <b>áo</b>")
	tm.newConversation("Hà", "0912000953", "Alo shop")
	checkfor.Eventually(t, 10*time.Second, func() (bool, string) {
		return len(smtp.Messages()) >= 1, fmt.Sprint(len(smtp.Messages()))
	})
	time.Sleep(500 * time.Millisecond)
	msgs := smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d notices, want 1 (throttled)", len(msgs))
	}
	n := msgs[0]
	if n.To[0] != "admin@chatdesk.local" || !strings.HasPrefix(n.Subject, "Có khách đang chờ: Nguyễn Thị <Mai>") ||
		!strings.Contains(n.Text, "Cho em hỏi giá <b>áo</b>") || !strings.Contains(n.HTML, "Cho em hỏi giá &lt;b&gt;áo&lt;/b&gt;") {
		t.Fatalf("notice: %+v", n)
	}

	// The visitor asks for the transcript.
	id := waiting.Conversation.ID
	if st := tm.do("POST", "/api/conversations/"+id+"/transcript", tm.anTok, map[string]string{"email": "mai@example.vn"}, nil); st != 403 {
		t.Fatalf("an agent asked for a transcript: %d", st)
	}
	if st := tm.do("POST", "/api/conversations/"+id+"/transcript", waiting.VisitorToken, map[string]string{"email": "khong-phai-email"}, &e); st != 400 || e.Error.Code != chat.EINVALID {
		t.Fatalf("bad address: %d %s", st, e.Error.Code)
	}
	var sent struct {
		Sent  bool
		Email string
	}
	if st := tm.do("POST", "/api/conversations/"+id+"/transcript", waiting.VisitorToken, map[string]string{"email": "mai@example.vn"}, &sent); st != 200 || !sent.Sent || sent.Email != "mai@example.vn" {
		t.Fatalf("transcript: %d %+v", st, sent)
	}
	msgs = smtp.Messages()
	tr := msgs[len(msgs)-1]
	if tr.To[0] != "mai@example.vn" || tr.Subject != "Nội dung cuộc trò chuyện với Hỗ trợ trực tuyến" || !strings.Contains(tr.Text, "Bạn: Cho em hỏi giá <b>áo</b>") || strings.Contains(tr.HTML, "<b>áo") {
		t.Fatalf("transcript email: %+v", tr)
	}
	// Bounded per conversation (5 an hour).
	for i := 0; i < 4; i++ {
		tm.do("POST", "/api/conversations/"+id+"/transcript", waiting.VisitorToken, map[string]string{"email": "mai@example.vn"}, nil)
	}
	if st := tm.do("POST", "/api/conversations/"+id+"/transcript", waiting.VisitorToken, map[string]string{"email": "mai@example.vn"}, &e); st != 429 {
		t.Fatalf("sixth transcript in an hour: %d %s", st, e.Error.Code)
	}

	// Every change of the settings is in the audit log, by whom and what
	// changed: the password only as changed, never itself.
	const password = "mat-khau-smtp-rat-bi-mat"
	cfg["username"], cfg["password"] = "hotro", password
	if st := tm.do("PUT", "/api/admin/mail", tm.admin, cfg, nil); st != 200 {
		t.Fatalf("save with a password: %d", st)
	}
	var changes []*chat.AuditEntry
	for _, a := range auditLog(t, tm.node, tm.admin) {
		if a.Action == chat.AuditMailChanged {
			changes = append(changes, a)
		}
		if strings.Contains(a.Detail, password) {
			t.Fatalf("the SMTP password in the audit log: %+v", a)
		}
	}
	if len(changes) != 2 || changes[0].ActorRole != "admin" || changes[0].IP == "" ||
		changes[0].Detail != "Cập nhật cài đặt email (SMTP): tên đăng nhập, mật khẩu." ||
		!strings.Contains(changes[1].Detail, fmt.Sprintf("máy chủ %s:%d (none)", smtp.Host, smtp.Port)) {
		t.Fatalf("audit of the SMTP settings: %+v", changes)
	}
}

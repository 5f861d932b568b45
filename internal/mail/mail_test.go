package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/mail"
	"github.com/chatdesk/chatdesk/internal/mail/mailtest"
)

func transcript(to string) chat.TranscriptMail {
	at := time.Date(2026, 3, 2, 2, 5, 0, 0, time.UTC) // 09:05 in Vietnam
	return chat.TranscriptMail{
		To: to, SiteTitle: "Shop <Áo> & Quần",
		Conversation: &chat.Conversation{ID: "c1", Visitor: chat.Visitor{Name: "Bình <script>alert(1)</script>"}, CreatedAt: at},
		Messages: []*chat.Message{
			{SenderType: chat.SenderVisitor, SenderName: "Bình", Text: "Cho em hỏi giá <b>áo</b> & quần", CreatedAt: at},
			{SenderType: chat.SenderSystem, Text: "An đã tham gia cuộc trò chuyện.", CreatedAt: at},
			{SenderType: chat.SenderAgent, SenderName: "An", Text: "Dạ 250.000đ ạ\nMiễn phí giao hàng", CreatedAt: at.Add(time.Minute)},
			{SenderType: chat.SenderVisitor, SenderName: "Bình", Attachment: &chat.Attachment{Name: "ảnh <1>.png"}, CreatedAt: at.Add(2 * time.Minute)},
		},
	}
}

// TestSecurityModes sends through a server started in the test: STARTTLS
// and TLS with authentication, and a plain local relay.
func TestSecurityModes(t *testing.T) {
	for _, c := range []struct {
		name string
		mode mailtest.Mode
		sec  chat.MailSecurity
		user string
	}{
		{"starttls", mailtest.StartTLS, chat.MailStartTLS, "hotro@example.vn"},
		{"tls", mailtest.TLS, chat.MailTLS, "hotro@example.vn"},
		{"plain relay", mailtest.Plain, chat.MailNone, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := mailtest.Start(t, c.mode, c.user, "mật-khẩu")
			cl := mail.New()
			cl.RootCAs = srv.RootCAs
			s := chat.MailSettings{Host: srv.Host, Port: srv.Port, Security: c.sec, Username: c.user, Password: "mật-khẩu", From: "Hỗ trợ Shop <hotro@example.vn>"}
			if err := cl.Transcript(context.Background(), s, transcript("khach@example.vn")); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 || msgs[0].From != "hotro@example.vn" || msgs[0].To[0] != "khach@example.vn" {
				t.Fatalf("received %+v", msgs)
			}
			m := msgs[0]
			if m.Subject != "Nội dung cuộc trò chuyện với Shop <Áo> & Quần" {
				t.Fatalf("subject %q", m.Subject)
			}
			for _, want := range []string{"[09:05] Bạn: Cho em hỏi giá <b>áo</b> & quần", "[09:06] An: Dạ 250.000đ ạ\nMiễn phí giao hàng", "[Tệp: ảnh <1>.png]", "ngày 02/03/2026"} {
				if !strings.Contains(m.Text, want) {
					t.Errorf("text part lacks %q:\n%s", want, m.Text)
				}
			}
			if strings.Contains(m.Text, "đã tham gia") {
				t.Error("a system notice is in the transcript")
			}
			for _, want := range []string{"Bình &lt;script&gt;alert(1)&lt;/script&gt;", "Cho em hỏi giá &lt;b&gt;áo&lt;/b&gt; &amp; quần", "ảnh &lt;1&gt;.png", "Shop &lt;Áo&gt; &amp; Quần"} {
				if !strings.Contains(m.HTML, want) {
					t.Errorf("HTML part lacks %q", want)
				}
			}
			if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "<b>áo") {
				t.Error("HTML part carries markup a visitor typed")
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	srv := mailtest.Start(t, mailtest.StartTLS, "hotro@example.vn", "dung")
	cl := mail.New()
	cl.RootCAs = srv.RootCAs
	base := chat.MailSettings{Host: srv.Host, Port: srv.Port, Security: chat.MailStartTLS, Username: "hotro@example.vn", Password: "dung", From: "hotro@example.vn"}
	bad := base
	bad.Password = "sai"
	if err := cl.Transcript(context.Background(), bad, transcript("khach@example.vn")); err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("wrong password: %v", err)
	}
	untrusted := mail.New() // the system's roots do not know the test certificate
	if err := untrusted.Transcript(context.Background(), base, transcript("khach@example.vn")); err == nil {
		t.Fatal("an unverified certificate was accepted")
	}
	if err := cl.Transcript(context.Background(), base, transcript("khach@example.vn\r\nBcc: x@example.vn")); err == nil {
		t.Fatal("a recipient with a line break was accepted")
	}
	if err := cl.Transcript(context.Background(), chat.MailSettings{}, transcript("khach@example.vn")); err != mail.ErrNotConfigured {
		t.Fatalf("not configured: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages sent", n)
	}
}

func TestWaitingNotice(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Plain, "", "")
	s := chat.MailSettings{Host: srv.Host, Port: srv.Port, Security: chat.MailNone, From: "chatdesk@example.vn"}
	w := chat.WaitingMail{
		To:           []string{"quantri@example.vn", "chu@example.vn"},
		Conversation: &chat.Conversation{Visitor: chat.Visitor{Name: "Lan\r\nBcc: x@y.vn", Phone: "0912345678"}, CreatedAt: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)},
		FirstMessage: "Shop ơi <img src=x onerror=alert(1)>", Waiting: 3, DashboardURL: "https://chat.example.vn",
	}
	if err := mail.New().WaitingNotice(context.Background(), s, w); err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()[0]
	if len(m.To) != 2 || !strings.HasPrefix(m.Subject, "Có khách đang chờ: Lan") || m.Header.Get("Bcc") != "" {
		t.Fatalf("notice: %+v", m)
	}
	if !strings.Contains(m.Text, "Số cuộc trò chuyện đang chờ: 3") || !strings.Contains(m.Text, "https://chat.example.vn/dashboard/") || !strings.Contains(m.Text, "lúc 21:00") {
		t.Fatalf("text:\n%s", m.Text)
	}
	if strings.Contains(m.HTML, "<img") || !strings.Contains(m.HTML, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Fatalf("html:\n%s", m.HTML)
	}
}

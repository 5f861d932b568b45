package mail

import (
	"context"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// vietnam is the time zone emails are written in (UTC+7, no daylight
// saving; fixed so the binary needs no time zone database).
var vietnam = time.FixedZone("ICT", 7*3600)

func clock(t time.Time) string { return t.In(vietnam).Format("15:04") }
func day(t time.Time) string   { return t.In(vietnam).Format("02/01/2006") }

var funcs = map[string]any{"clock": clock, "day": day}

// line is one message of a transcript as the templates show it.
type line struct {
	At     time.Time
	Sender string
	Text   string
	File   string
}

type transcriptData struct {
	Title string
	Name  string
	Day   time.Time
	Lines []line
}

var transcriptText = texttemplate.Must(texttemplate.New("t").Funcs(funcs).Parse(
	`Xin chào{{if .Name}} {{.Name}}{{end}},

Đây là nội dung cuộc trò chuyện của bạn với {{.Title}} ngày {{day .Day}}.

{{range .Lines}}[{{clock .At}}] {{.Sender}}: {{.Text}}{{if .File}}{{if .Text}} {{end}}[Tệp: {{.File}}]{{end}}
{{end}}
Cảm ơn bạn đã liên hệ với chúng tôi.
Email này được gửi tự động theo yêu cầu của bạn; vui lòng không trả lời.
`))

var transcriptHTML = htmltemplate.Must(htmltemplate.New("h").Funcs(funcs).Parse(
	`<!doctype html><html lang="vi"><body style="font-family:Arial,sans-serif;color:#111827">
<p>Xin chào{{if .Name}} {{.Name}}{{end}},</p>
<p>Đây là nội dung cuộc trò chuyện của bạn với <strong>{{.Title}}</strong> ngày {{day .Day}}.</p>
<table cellpadding="4" style="border-collapse:collapse">
{{range .Lines}}<tr><td style="color:#6b7280;vertical-align:top">{{clock .At}}</td><td style="vertical-align:top"><strong>{{.Sender}}</strong></td><td style="white-space:pre-wrap">{{.Text}}{{if .File}}{{if .Text}}<br>{{end}}<em>Tệp: {{.File}}</em>{{end}}</td></tr>
{{end}}</table>
<p>Cảm ơn bạn đã liên hệ với chúng tôi.</p>
<p style="color:#6b7280;font-size:12px">Email này được gửi tự động theo yêu cầu của bạn; vui lòng không trả lời.</p>
</body></html>`))

// Transcript renders and sends a conversation to its visitor.
func (c *Client) Transcript(ctx context.Context, s chat.MailSettings, t chat.TranscriptMail) error {
	m, err := TranscriptMessage(t)
	if err != nil {
		return err
	}
	return c.Send(ctx, s, m)
}

// TranscriptMessage renders a transcript: what people and the bot wrote,
// without system notices.
func TranscriptMessage(t chat.TranscriptMail) (Message, error) {
	d := transcriptData{Title: t.SiteTitle, Name: t.Conversation.Visitor.Name, Day: t.Conversation.CreatedAt}
	if d.Title == "" {
		d.Title = "bộ phận hỗ trợ"
	}
	for _, m := range t.Messages {
		if m.SenderType == chat.SenderSystem {
			continue
		}
		l := line{At: m.CreatedAt, Sender: m.SenderName, Text: m.Text}
		if m.SenderType == chat.SenderVisitor {
			l.Sender = "Bạn"
		}
		if m.Attachment != nil {
			l.File = m.Attachment.Name
		}
		d.Lines = append(d.Lines, l)
	}
	return render([]string{t.To}, "Nội dung cuộc trò chuyện với "+d.Title, transcriptText, transcriptHTML, d)
}

type waitingData struct {
	Name, Phone, First, Link string
	Waiting                  int
	At                       time.Time
}

var waitingText = texttemplate.Must(texttemplate.New("t").Funcs(funcs).Parse(
	`Khách {{.Name}}{{if .Phone}} ({{.Phone}}){{end}} vừa mở cuộc trò chuyện lúc {{clock .At}} ngày {{day .At}} nhưng hiện không có nhân viên nào sẵn sàng trả lời.
{{if .First}}
Tin nhắn đầu tiên: "{{.First}}"
{{end}}
Số cuộc trò chuyện đang chờ: {{.Waiting}}.
{{if .Link}}Mở bảng điều khiển để trả lời: {{.Link}}
{{end}}
Thông báo này được gửi tối đa một lần trong mỗi khoảng thời gian đã cài đặt (Quản trị → Tích hợp).
`))

var waitingHTML = htmltemplate.Must(htmltemplate.New("h").Funcs(funcs).Parse(
	`<!doctype html><html lang="vi"><body style="font-family:Arial,sans-serif;color:#111827">
<p>Khách <strong>{{.Name}}</strong>{{if .Phone}} ({{.Phone}}){{end}} vừa mở cuộc trò chuyện lúc {{clock .At}} ngày {{day .At}} nhưng hiện không có nhân viên nào sẵn sàng trả lời.</p>
{{if .First}}<blockquote style="white-space:pre-wrap;border-left:3px solid #2563eb;margin:0;padding-left:8px">{{.First}}</blockquote>{{end}}
<p>Số cuộc trò chuyện đang chờ: <strong>{{.Waiting}}</strong>.</p>
{{if .Link}}<p><a href="{{.Link}}">Mở bảng điều khiển để trả lời</a></p>{{end}}
<p style="color:#6b7280;font-size:12px">Thông báo này được gửi tối đa một lần trong mỗi khoảng thời gian đã cài đặt (Quản trị → Tích hợp).</p>
</body></html>`))

// WaitingNotice renders and sends the notice to admins.
func (c *Client) WaitingNotice(ctx context.Context, s chat.MailSettings, w chat.WaitingMail) error {
	m, err := WaitingMessage(w)
	if err != nil {
		return err
	}
	return c.Send(ctx, s, m)
}

// WaitingMessage renders the notice that a visitor waits.
func WaitingMessage(w chat.WaitingMail) (Message, error) {
	d := waitingData{Name: w.Conversation.Visitor.Name, Phone: w.Conversation.Visitor.Phone, First: w.FirstMessage, Waiting: w.Waiting, At: w.Conversation.CreatedAt}
	if w.DashboardURL != "" {
		d.Link = strings.TrimRight(w.DashboardURL, "/") + "/dashboard/"
	}
	return render(w.To, "Có khách đang chờ: "+chat.CleanLine(d.Name), waitingText, waitingHTML, d)
}

func render(to []string, subject string, text *texttemplate.Template, html *htmltemplate.Template, data any) (Message, error) {
	var tb, hb strings.Builder
	if err := text.Execute(&tb, data); err != nil {
		return Message{}, err
	}
	if err := html.Execute(&hb, data); err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: subject, Text: tb.String(), HTML: hb.String()}, nil
}

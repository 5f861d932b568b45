package chat

import (
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	lines := map[string]string{
		"Nguyễn Văn Bình":                  "Nguyễn Văn Bình",
		"Bình\u202e321 678 2190":           "Bình321 678 2190", // right-to-left override
		"\u202aLan\u202c":                  "Lan",              // embedding + pop
		"\u2066An\u2069 \u2067B\u2068C":    "An BC",            // isolates
		"a\u200eb\u200fc\u061cd":           "abcd",             // marks
		"Tên\x00\x07\x1b[31m đỏ\x7f\u0085": "Tên[31m đỏ",       // C0, DEL, C1
		"hai\ndòng\tmột\rcột":              "hai dòng một cột",
		"👩\u200d💻 giữ ZWJ":                 "👩\u200d💻 giữ ZWJ",
		"":                                 "",
	}
	for in, want := range lines {
		if got := CleanLine(in); got != want {
			t.Errorf("CleanLine(%q) = %q, want %q", in, got, want)
		}
	}
	multi := map[string]string{
		"Dòng 1\r\nDòng 2\rDòng 3\n\tthụt": "Dòng 1\nDòng 2\nDòng 3\n\tthụt",
		"gửi tệp bao\u202egnp.exe nhé":     "gửi tệp baognp.exe nhé",
		"chuông\a\x00 kêu\u009b":           "chuông kêu",
	}
	for in, want := range multi {
		if got := CleanMultiline(in); got != want {
			t.Errorf("CleanMultiline(%q) = %q, want %q", in, got, want)
		}
	}
}

// Names and messages are stored without bidi overrides or control
// characters: removed from what visitors type, refused in agent names
// (which the service stores as given).
func TestNamesAndMessagesDropUnsafeCharacters(t *testing.T) {
	answers, err := ValidateSubmission(DefaultFormFields(), map[string]any{
		"name": "Lan\u202e nàm\x00", "phone": "0912\u202d 345 678", "message": "Cho em hỏi\r\ngiá \u2066áo\u2069\x1b",
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := AnswerValue(answers, KeyName); v != "Lan nàm" {
		t.Errorf("name %q", v)
	}
	if v := AnswerValue(answers, KeyPhone); v != "0912345678" {
		t.Errorf("phone %q", v)
	}
	if v := AnswerValue(answers, KeyMessage); v != "Cho em hỏi\ngiá áo" {
		t.Errorf("message %q", v)
	}
	if _, err := ValidateSubmission(DefaultFormFields(), map[string]any{"name": "\u202e\u202c", "phone": "0912345678"}); err == nil {
		t.Error("a name of controls only is empty")
	}
	text, err := CleanMessageText("  \u202eXin chào\x00\n\tbạn  ")
	if err != nil || text != "Xin chào\n\tbạn" {
		t.Errorf("message %q %v", text, err)
	}
	if _, err := CleanMessageText("\u202a\u202c\x07"); err == nil {
		t.Error("a message of controls only is empty")
	}
	if _, err := CleanMessageText("bad \xff utf-8"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
	_, comment, err := CleanRating(5, "Tốt\u202e lắm\x00")
	if err != nil || comment != "Tốt lắm" {
		t.Errorf("rating comment %q %v", comment, err)
	}
	if got := CleanBotAnswer("Dạ\u202e vâng\x1b[0m"); got != "Dạ vâng[0m" {
		t.Errorf("bot answer %q", got)
	}
	c := CannedReply{Shortcut: "gia", Title: "Giá\u202e", Text: "Giá\u2067 là\r\n100k"}
	if err := ValidateCannedReply(&c); err != nil || c.Title != "Giá" || c.Text != "Giá là\n100k" {
		t.Errorf("canned %+v %v", c, err)
	}
	b := BotSettings{Name: "Mai\u202e"}
	if err := ValidateBotSettings(&b, ""); err != nil || b.Name != "Mai" {
		t.Errorf("bot name %q %v", b.Name, err)
	}
	for _, name := range []string{"An\u202e", "An\x00", "An\nBình", "\u2066An"} {
		err := ValidateAgentInput("an@chatdesk.local", name, RoleAgent, "matkhau123", false)
		if e, ok := AsError(err); !ok || !strings.Contains(e.Fields["name"], "ký tự") {
			t.Errorf("agent name %q: %v", name, err)
		}
	}
	if err := ValidateAgentInput("an@chatdesk.local", "Trần Thị Ánh", RoleAgent, "matkhau123", false); err != nil {
		t.Errorf("plain name refused: %v", err)
	}
}

func TestCleanPageURL(t *testing.T) {
	tests := map[string]string{
		"https://shop.example.vn/ao?size=M#top":    "https://shop.example.vn/ao?size=M#top",
		"  http://shop.example.vn/  ":              "http://shop.example.vn/",
		"HTTPS://Shop.example.vn/":                 "HTTPS://Shop.example.vn/",
		"https://an:matkhau@shop.example.vn/x":     "https://shop.example.vn/x",
		"javascript:alert(document.cookie)":        "",
		" JavaScript:alert(1)":                     "",
		"data:text/html,<script>alert(1)</script>": "",
		"file:///etc/passwd":                       "",
		"vbscript:msgbox":                          "",
		"//evil.example/x":                         "",
		"/relative/path":                           "",
		"https://":                                 "",
		"https://shop.example.vn/\x00":             "",
		"":                                         "",
	}
	for in, want := range tests {
		if got := CleanPageURL(in); got != want {
			t.Errorf("CleanPageURL(%q) = %q, want %q", in, got, want)
		}
	}
}

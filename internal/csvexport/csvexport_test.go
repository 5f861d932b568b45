package csvexport

import (
	"bytes"
	"net/http"
	"testing"
)

func TestGuard(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"Giày dép", "Giày dép"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+84 912 345 678", "'+84 912 345 678"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"-5", "-5"},
		{"-1.25", "-1.25"},
		{"-", "'-"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
	}
	for _, c := range cases {
		if got := Guard(c.in); got != c.want {
			t.Errorf("Guard(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriterWritesBOMCRLFAndQuotes(t *testing.T) {
	var b bytes.Buffer
	w := New(&b, Comma)
	w.Row("Tên", "Nội dung")
	w.Row("Nguyễn Văn A", "xin chào, \"shop\"\ndòng hai")
	w.Row("=1+1", "-3")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffTên,Nội dung\r\n" +
		"Nguyễn Văn A,\"xin chào, \"\"shop\"\"\r\ndòng hai\"\r\n" + // CRLF inside the quoted cell too
		"'=1+1,-3\r\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}

func TestAttachmentHeaders(t *testing.T) {
	h := http.Header{}
	Attachment(h, "lich-su-2026-12-05.csv")
	if h.Get("Content-Type") != ContentType {
		t.Fatalf("content type %q", h.Get("Content-Type"))
	}
	if h.Get("Content-Disposition") != `attachment; filename="lich-su-2026-12-05.csv"` {
		t.Fatalf("disposition %q", h.Get("Content-Disposition"))
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Fatalf("cache-control %q", h.Get("Cache-Control"))
	}
}

// TestDialects: the Vietnamese Excel dialect separates cells with ";" and
// writes decimals with ","; a cell holding ";" is quoted; a bad name is
// refused.
func TestDialects(t *testing.T) {
	cases := []struct {
		sep  string
		want string
	}{
		{"", "\ufeffĐiểm,\"4,5 sao\",4.50\r\n"},
		{"comma", "\ufeffĐiểm,\"4,5 sao\",4.50\r\n"},
		{"semicolon", "\ufeffĐiểm;4,5 sao;4,50\r\n"},
	}
	for _, c := range cases {
		d, ok := ParseDialect(c.sep)
		if !ok {
			t.Fatalf("ParseDialect(%q) refused", c.sep)
		}
		var b bytes.Buffer
		w := New(&b, d)
		w.Row("Điểm", "4,5 sao", w.Decimal("4.50"))
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("sep=%q: %q, want %q", c.sep, b.String(), c.want)
		}
	}
	var b bytes.Buffer
	w := New(&b, Semicolon)
	w.Row("a;b", "-1,25")
	_ = w.Flush()
	if want := "\ufeff\"a;b\";-1,25\r\n"; b.String() != want {
		t.Errorf("quoting: %q, want %q", b.String(), want)
	}
	for _, bad := range []string{"tab", ";", "Semicolon"} {
		if _, ok := ParseDialect(bad); ok {
			t.Errorf("ParseDialect(%q) accepted", bad)
		}
	}
}

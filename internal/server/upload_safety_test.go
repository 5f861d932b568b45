package server

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/media/mediatest"
)

// TestUploadsRefuseProgramNames: a file whose name makes the agent's
// system run it is refused whatever its bytes (issue #14); sniffing still
// decides the rest.
func TestUploadsRefuseProgramNames(t *testing.T) {
	n := startNode(t)
	conv := n.newConversation("Khách gửi tệp", "0912000801", "")
	id := conv.Conversation.ID
	text := []byte("@echo off\r\necho Xin chao\r\n")
	for _, name := range []string{"chay-thu.bat", "kich-ban.vbs", "hoa-don.exe", "lenh.cmd", "cai-dat.ps1", "a.sh", "trang.hta",
		"loi-tat.lnk", "app.jar", "ung-dung.apk", "hoa-don.pdf.exe", "hoa-don.exe.", `C:\Users\an\SETUP.BAT`, "bao\u202egnp.exe"} {
		t.Run(name, func(t *testing.T) {
			var e clienttest.ErrorAnswer
			st := n.upload(id, conv.VisitorToken, "c-"+strings.Map(func(r rune) rune {
				if r < 'a' || r > 'z' {
					return 'x'
				}
				return r
			}, strings.ToLower(name)), name, text, &e)
			if st != 415 || e.Error.Code != "unsupported_type" || !strings.Contains(e.Error.Message, "Không được phép gửi tệp .") || e.Error.Fields["file"] == "" {
				t.Fatalf("%d %+v", st, e.Error)
			}
		})
	}
	var ok sent
	if st := n.upload(id, conv.VisitorToken, "c-txt", "ghi-chu.txt", text, &ok); st != 201 || ok.Message.Attachment.Name != "ghi-chu.txt" {
		t.Fatalf("a text file: %d", st)
	}
	if files := countFiles(t, n); files != 1 {
		t.Fatalf("%d files stored, want 1", files)
	}
}

// TestHostileImagesThroughREST: the images of issue #16 are accepted with
// a thumbnail, in bounded memory and promptly; an image no decode can read
// within the node's budget is refused with 413 too_large.
func TestHostileImagesThroughREST(t *testing.T) {
	n := startNode(t)
	conv := n.newConversation("Khách gửi ảnh lớn", "0912000802", "")
	id := conv.Conversation.ID
	jpeg := mediatest.JPEG(t, mediatest.JPEGSpec{W: 6320, H: 6320, Sampling: [][2]int{{1, 1}, {1, 1}, {1, 1}}, Progressive: true, ACScans: true, Quant: 1,
		DC: func(c, bx, by int) int { return (bx/16 + by/16 + c) % 40 }})
	png16 := mediatest.HugePNG(t, 6320, 6320)
	for _, tt := range []struct {
		name, file string
		data       []byte
		thumbType  string
	}{
		{"progressive JPEG, 40 megapixels", "anh.jpg", jpeg, "image/jpeg"},
		{"16-bit RGBA PNG, 40 megapixels", "anh.png", png16, "image/png"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var m sent
			start := time.Now()
			if st := n.upload(id, conv.VisitorToken, "c-"+tt.file[4:], tt.file, tt.data, &m); st != 201 {
				t.Fatalf("upload: %d", st)
			}
			took := time.Since(start)
			a := m.Message.Attachment
			if m.Message.Kind != chat.KindImage || a.Width != 6320 || a.Height != 6320 || !a.Thumbnail {
				t.Fatalf("attachment %+v", a)
			}
			resp, body := n.download("/api/conversations/"+id+"/attachments/"+a.ID+"?thumb=1", conv.VisitorToken)
			cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.thumbType || err != nil || cfg.Width != 320 || cfg.Height != 320 {
				t.Fatalf("thumbnail: %d %s %dx%d %v", resp.StatusCode, resp.Header.Get("Content-Type"), cfg.Width, cfg.Height, err)
			}
			t.Logf("%d KB upload answered in %v", len(tt.data)>>10, took.Round(time.Millisecond))
		})
	}
	// image/gif would need 32 MB for this one: refused before decoding.
	var g bytes.Buffer
	if err := gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 4000, 4000), color.Palette{color.Black, color.White}), nil); err != nil {
		t.Fatal(err)
	}
	var e clienttest.ErrorAnswer
	if st := n.upload(id, conv.VisitorToken, "c-gif", "dong.gif", g.Bytes(), &e); st != 413 || e.Error.Code != "too_large" || !strings.Contains(e.Error.Message, "Ảnh quá lớn") {
		t.Fatalf("over-budget GIF: %d %+v", st, e.Error)
	}
}

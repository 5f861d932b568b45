package media

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/media/mediatest"
)

// tinyWebP is a 1×1 lossless WebP (x/image has no encoder).
const tinyWebP = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="

func encode(t *testing.T, w, h int, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T, w, h int) []byte {
	return encode(t, w, h, func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) })
}

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		f, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// compoundFile builds the parts of a Compound File that sniffing reads:
// the magic, and one 128-byte directory entry named stream at offset 1024.
func compoundFile(stream string) []byte {
	data := make([]byte, 2048)
	copy(data, oleMagic)
	name := utf16le(stream)
	copy(data[1024:], name)
	binary.LittleEndian.PutUint16(data[1024+64:], uint16(len(name)+2))
	return data
}

func TestSniff(t *testing.T) {
	webp, _ := base64.StdEncoding.DecodeString(tinyWebP)
	misaligned := compoundFile("WordDocument")
	misaligned = append(make([]byte, 0, len(misaligned)), misaligned...)
	copy(misaligned[1024:], make([]byte, 128))
	copy(misaligned[1030:], utf16le("WordDocument"))
	tests := []struct {
		name string
		data []byte
		want string // content type, "" for a refusal
		kind chat.MessageKind
		err  error
	}{
		{"png", pngOf(t, 4, 4), "image/png", chat.KindImage, nil},
		{"jpeg", encode(t, 4, 4, func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) }), "image/jpeg", chat.KindImage, nil},
		{"gif", encode(t, 4, 4, func(b *bytes.Buffer, i image.Image) error { return gif.Encode(b, i, nil) }), "image/gif", chat.KindImage, nil},
		{"webp", webp, "image/webp", chat.KindImage, nil},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "application/pdf", chat.KindFile, nil},
		{"docx", zipOf(t, "[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", chat.KindFile, nil},
		{"xlsx", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", chat.KindFile, nil},
		{"pptx", zipOf(t, "[Content_Types].xml", "ppt/presentation.xml"), "application/vnd.openxmlformats-officedocument.presentationml.presentation", chat.KindFile, nil},
		{"zip", zipOf(t, "a.txt"), "application/zip", chat.KindFile, nil},
		{"doc", compoundFile("WordDocument"), "application/msword", chat.KindFile, nil},
		{"xls", compoundFile("Workbook"), "application/vnd.ms-excel", chat.KindFile, nil},
		{"ppt", compoundFile("PowerPoint Document"), "application/vnd.ms-powerpoint", chat.KindFile, nil},
		{"text", []byte("Xin chào, đây là ghi chú.\nDòng 2"), "text/plain; charset=utf-8", chat.KindFile, nil},
		{"csv", []byte("ten,sdt\nAn,0912345678\n"), "text/plain; charset=utf-8", chat.KindFile, nil},
		{"windows exe", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...), "", "", chat.ErrUnsupportedType},
		{"elf", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 200)...), "", "", chat.ErrUnsupportedType},
		{"compound file without office stream (msi)", compoundFile("SummaryInformation"), "", "", chat.ErrUnsupportedType},
		{"office stream name not at an entry", misaligned, "", "", chat.ErrUnsupportedType},
		{"broken zip", []byte("PK\x03\x04garbage"), "", "", chat.ErrUnsupportedType},
		{"html", []byte("<!DOCTYPE html><script>alert(1)</script>"), "", "", chat.ErrUnsupportedType},
		{"binary after a text head", append([]byte(strings.Repeat("a", 600)), 0, 1, 2), "", "", chat.ErrUnsupportedType},
		{"empty", nil, "", "", chat.ErrEmptyFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff(tt.data)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || got.ContentType != tt.want || got.Kind != tt.kind {
				t.Fatalf("Sniff = %+v, %v; want %s %s", got, err, tt.want, tt.kind)
			}
		})
	}
}

func TestInspect(t *testing.T) {
	webp, _ := base64.StdEncoding.DecodeString(tinyWebP)
	tests := []struct {
		name        string
		data        []byte
		contentType string
		w, h        int
		thumbType   string // "" when the image is its own thumbnail
		tw, th      int
		err         error
	}{
		{"small png is its own thumbnail", pngOf(t, 100, 50), "image/png", 100, 50, "", 0, 0, nil},
		{"wide png", pngOf(t, 1000, 500), "image/png", 1000, 500, "image/png", 320, 160, nil},
		{"tall jpeg", encode(t, 300, 900, func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) }), "image/jpeg", 300, 900, "image/jpeg", 106, 320, nil},
		{"webp", webp, "image/webp", 1, 1, "", 0, 0, nil},
		{"truncated png", pngOf(t, 400, 400)[:60], "image/png", 0, 0, "", 0, 0, chat.ErrBrokenImage},
		{"pixel bomb header", bombPNG(t), "image/png", 0, 0, "", 0, 0, chat.ErrImageTooLarge},
		{"progressive jpeg, read at 1/8", mediatest.JPEG(t, mediatest.JPEGSpec{W: 3000, H: 2000, Sampling: [][2]int{{2, 2}, {1, 1}, {1, 1}}, Progressive: true, ACScans: true, Quant: 2, DC: flatDC}), "image/jpeg", 3000, 2000, "image/jpeg", 320, 213, nil},
		{"large jpeg whose 1/8 is smaller than a thumbnail", mediatest.JPEG(t, mediatest.JPEGSpec{W: 2000, H: 1200, Sampling: [][2]int{{1, 1}, {1, 1}, {1, 1}}, Progressive: true, Quant: 2, DC: flatDC}), "image/jpeg", 2000, 1200, "image/jpeg", 250, 150, nil},
		{"16-bit png, read row by row", mediatest.HugePNG(t, 1200, 900), "image/png", 1200, 900, "image/png", 320, 240, nil},
		{"interlaced png", mediatest.PNG(t, mediatest.PNGSpec{W: 500, H: 400, ColorType: pngRGBA, Depth: 8, Interlaced: true, Pixel: func(x, y int) []int { return []int{x, y, 0, 255} }}), "image/png", 500, 400, "image/png", 320, 256, nil},
		{"cmyk jpeg", cmykJPEG(t), "image/jpeg", 16, 16, "", 0, 0, nil},
		{"not an image type", []byte("%PDF-1.7"), "application/pdf", 0, 0, "", 0, 0, chat.ErrUnsupportedType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Inspect(tt.data, tt.contentType)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || got.Width != tt.w || got.Height != tt.h || got.ThumbnailContentType != tt.thumbType {
				t.Fatalf("Inspect = %dx%d %q, %v", got.Width, got.Height, got.ThumbnailContentType, err)
			}
			if tt.thumbType == "" {
				if got.Thumbnail != nil {
					t.Fatal("unexpected thumbnail")
				}
				return
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(got.Thumbnail))
			if err != nil || cfg.Width != tt.tw || cfg.Height != tt.th {
				t.Fatalf("thumbnail %dx%d, %v; want %dx%d", cfg.Width, cfg.Height, err, tt.tw, tt.th)
			}
		})
	}
}

// bombPNG is a valid PNG header announcing 10000×10000 pixels (100
// megapixels): refused before any pixel is decoded.
func bombPNG(t *testing.T) []byte {
	data := pngOf(t, 1, 1)
	binary.BigEndian.PutUint32(data[16:], 10000)
	binary.BigEndian.PutUint32(data[20:], 10000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil {
		t.Fatalf("the bomb's header must be valid: %v", err)
	}
	return data
}

func TestCleanFileNameAndSize(t *testing.T) {
	names := map[string]string{
		"../../etc/passwd":            "passwd",
		`C:\Users\an\Ảnh chụp.png`:    "Ảnh chụp.png",
		"bao\u202egnp.exe":            "baognp.exe",
		"a\"b\r\n.pdf":                "ab.pdf",
		"   ":                         "tep",
		strings.Repeat("ả", 300) + "": strings.Repeat("ả", chat.MaxFileNameLen),
	}
	for in, want := range names {
		if got := chat.CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
	sizes := map[int64]string{10 << 20: "10 MB", 1572864: "1,5 MB", 358400: "350 KB", 12: "12 B"}
	for n, want := range sizes {
		if got := chat.HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

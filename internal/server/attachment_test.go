package server

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// upload posts a multipart upload; parts maps form names to values, file
// is sent as the "file" part when name is not empty.
func (n *node) upload(convID, token, clientID, name string, data []byte, out any) int {
	n.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if clientID != "" {
		_ = mw.WriteField("clientId", clientID)
	}
	if name != "" {
		w, _ := mw.CreateFormFile("file", name)
		_, _ = w.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", n.base+"/api/conversations/"+convID+"/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, raw := n.send(req, token)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			n.t.Fatalf("upload answer %q: %v", raw, err)
		}
	}
	return resp.StatusCode
}

func (n *node) download(path, token string) (*http.Response, []byte) {
	n.t.Helper()
	req, _ := http.NewRequest("GET", n.base+path, nil)
	return n.send(req, token)
}

// send sends req with token (when not empty) as the bearer, and reads the
// whole answer.
func (n *node) send(req *http.Request, token string) (*http.Response, []byte) {
	n.t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func testPNG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{0, 120, 200, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type sent struct {
	Message *chat.Message `json:"message"`
}

// TestAttachments: uploading is sending (visitor or owning agent only,
// stored once per clientId), the type comes from the bytes, the size is
// bounded, and only the conversation's visitor and agents download.
func TestAttachments(t *testing.T) {
	const max = 300_000
	n := startTeam(t, func(c *config.Config) { c.MaxUploadBytes = max })
	conv := n.newConversation("Khách gửi ảnh", "0912000501", "")
	other := n.newConversation("Khách khác", "0912000502", "")
	id := conv.Conversation.ID
	if st := n.do("POST", "/api/conversations/"+id+"/claim", n.anTok, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	settle()
	photo := testPNG(t, 800, 600)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0xff, 0}, 300)...)

	refusals := []struct {
		name, token, conv, clientID, file string
		data                              []byte
		status                            int
		code                              string
	}{
		{"another agent", n.binhTok, id, "c-binh", "a.pdf", pdf, 403, "not_assigned"},
		{"another visitor", other.VisitorToken, id, "c-other", "a.pdf", pdf, 404, "not_found"},
		{"anonymous", "", id, "c-anon", "a.pdf", pdf, 401, "unauthorized"},
		{"renamed executable", conv.VisitorToken, id, "c-exe", "anh-dep.png", exe, 415, "unsupported_type"},
		{"html", conv.VisitorToken, id, "c-html", "trang.txt", []byte("<html><script>alert(1)</script>"), 415, "unsupported_type"},
		{"too large", conv.VisitorToken, id, "c-big", "big.txt", bytes.Repeat([]byte("a"), max+1), 413, "too_large"},
		{"empty file", conv.VisitorToken, id, "c-empty", "rong.pdf", []byte{}, 400, "invalid_input"},
		{"no file", conv.VisitorToken, id, "c-nofile", "", nil, 400, "invalid_input"},
		{"bad clientId", conv.VisitorToken, id, "c/1", "a.pdf", pdf, 400, "invalid_input"},
		{"broken image", conv.VisitorToken, id, "c-broken", "hong.png", photo[:200], 400, "invalid_input"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			var e clienttest.ErrorAnswer
			if st := n.upload(tt.conv, tt.token, tt.clientID, tt.file, tt.data, &e); st != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Fatalf("%d %s %q; want %d %s", st, e.Error.Code, e.Error.Message, tt.status, tt.code)
			}
		})
	}
	var e clienttest.ErrorAnswer
	n.upload(id, conv.VisitorToken, "c-big2", "big.txt", bytes.Repeat([]byte("a"), max+1), &e)
	if e.Error.Message != "Tệp quá lớn (tối đa 293 KB)." {
		t.Errorf("too-large message %q", e.Error.Message)
	}
	n.upload(id, conv.VisitorToken, "c-exe2", "x.png", exe, &e)
	if !strings.HasPrefix(e.Error.Message, "Loại tệp này không được hỗ trợ.") {
		t.Errorf("refused-type message %q", e.Error.Message)
	}

	visitorWS, _ := n.dial(conv.VisitorToken, 0)
	var img sent
	if st := n.upload(id, conv.VisitorToken, "c-photo", `C:\fakepath\ảnh chụp`, photo, &img); st != 201 {
		t.Fatalf("visitor image upload: %d", st)
	}
	a := img.Message.Attachment
	if img.Message.Kind != chat.KindImage || a == nil || a.ContentType != "image/png" || a.Width != 800 || a.Height != 600 ||
		!a.Thumbnail || a.Size != int64(len(photo)) || a.Name != "ảnh chụp.png" || img.Message.SenderType != chat.SenderVisitor {
		t.Fatalf("image message %s", js(img.Message))
	}
	var again sent
	if st := n.upload(id, conv.VisitorToken, "c-photo", "ảnh chụp.png", photo, &again); st != 200 || again.Message.ID != img.Message.ID {
		t.Fatalf("resend: %d %s", st, js(again.Message))
	}
	var doc sent
	if st := n.upload(id, n.anTok, "c-pdf", "bao-gia.pdf", pdf, &doc); st != 201 || doc.Message.Kind != chat.KindFile ||
		doc.Message.Attachment.ContentType != "application/pdf" || doc.Message.SenderType != chat.SenderAgent {
		t.Fatalf("agent pdf upload: %d %s", st, js(doc.Message))
	}
	live := visitorWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtMessageCreated && strings.Contains(string(f.Data), doc.Message.ID)
	}, "the agent's file on the visitor's socket")
	if m := clienttest.Data[sent](t, live).Message; m.Attachment == nil || m.Attachment.Name != "bao-gia.pdf" {
		t.Fatalf("live message %s", live.Data)
	}

	// Stored once: two messages, two files plus one thumbnail, no orphan
	// from the resend.
	ms := n.messages(n.anTok, id, 0)
	var withFiles int
	for _, m := range ms {
		if m.Attachment != nil {
			withFiles++
		}
	}
	if withFiles != 2 {
		t.Fatalf("%d attachment messages stored, want 2", withFiles)
	}
	if files := countFiles(t, n.node); files != 3 {
		t.Fatalf("%d GridFS files, want 3 (photo, its thumbnail, pdf)", files)
	}
	conversation := struct {
		Conversation *chat.Conversation `json:"conversation"`
	}{}
	settle() // activity is written coalesced
	n.do("GET", "/api/conversations/"+id, n.anTok, nil, &conversation)
	if p := conversation.Conversation.LastMessage; p == nil || p.Text != "[Tệp] bao-gia.pdf" {
		t.Errorf("inbox preview %s", js(conversation.Conversation.LastMessage))
	}

	photoPath := "/api/conversations/" + id + "/attachments/" + a.ID
	pdfPath := "/api/conversations/" + id + "/attachments/" + doc.Message.Attachment.ID
	resp, body := n.download(photoPath, conv.VisitorToken)
	if resp.StatusCode != 200 || !bytes.Equal(body, photo) || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("visitor download: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = n.download(photoPath+"?thumb=1", n.binhTok)
	if resp.StatusCode != 200 {
		t.Fatalf("thumbnail for another agent: %d", resp.StatusCode)
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 320 || cfg.Height != 240 {
		t.Fatalf("thumbnail %dx%d %v", cfg.Width, cfg.Height, err)
	}
	resp, body = n.download(pdfPath, conv.VisitorToken)
	if resp.StatusCode != 200 || !bytes.Equal(body, pdf) || resp.Header.Get("Content-Disposition") != `attachment; filename=bao-gia.pdf` {
		t.Fatalf("pdf download: %d %v", resp.StatusCode, resp.Header)
	}
	downloads := []struct {
		name, path, token string
		status            int
	}{
		{"another visitor", photoPath, other.VisitorToken, 404},
		{"another visitor through their own conversation", "/api/conversations/" + other.Conversation.ID + "/attachments/" + a.ID, other.VisitorToken, 404},
		{"anonymous", photoPath, "", 401},
		{"no thumbnail for a pdf", pdfPath + "?thumb=1", n.anTok, 404},
		{"malformed id", "/api/conversations/" + id + "/attachments/..%2f..%2fx", n.anTok, 404},
		{"unknown id", "/api/conversations/" + id + "/attachments/" + chat.NewID(), n.anTok, 404},
	}
	for _, tt := range downloads {
		t.Run("download by "+tt.name, func(t *testing.T) {
			if resp, _ := n.download(tt.path, tt.token); resp.StatusCode != tt.status {
				t.Fatalf("%d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

func countFiles(t *testing.T, n *node) int64 {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(n.cfg.MongoURI))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	c, err := client.Database(n.cfg.MongoDB).Collection("attachments.files").CountDocuments(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAttachmentFromAnotherNode: a file uploaded through one node is served
// by another (GridFS, no local disk).
func TestAttachmentFromAnotherNode(t *testing.T) {
	a, b := startTwoNodes(t)
	conv := a.newConversation("Khách hai máy", "0912000503", "")
	photo := testPNG(t, 640, 480)
	var up sent
	if st := a.upload(conv.Conversation.ID, conv.VisitorToken, "c-1", "anh.png", photo, &up); st != 201 {
		t.Fatalf("upload on a: %d", st)
	}
	path := "/api/conversations/" + conv.Conversation.ID + "/attachments/" + up.Message.Attachment.ID
	if resp, body := b.download(path, conv.VisitorToken); resp.StatusCode != 200 || !bytes.Equal(body, photo) {
		t.Fatalf("download on b: %d, %d bytes", resp.StatusCode, len(body))
	}
	if resp, body := b.download(path+"?thumb=1", conv.VisitorToken); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || len(body) == 0 {
		t.Fatalf("thumbnail on b: %d %v", resp.StatusCode, resp.Header)
	}
}

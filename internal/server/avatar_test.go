package server

import (
	"bytes"
	"encoding/json"
	"image"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/media"
)

// putAvatar uploads data as agent id's photo with token.
func (n *node) putAvatar(id, token string, data []byte) (int, struct {
	Agent *chat.Agent
	clienttest.ErrorAnswer
}) {
	n.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", "anh.png")
	_, _ = w.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("PUT", n.base+"/api/agents/"+id+"/avatar", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, raw := n.send(req, token)
	var out struct {
		Agent *chat.Agent
		clienttest.ErrorAnswer
	}
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// TestAgentAvatar: an agent sets their own photo, an admin anyone's; the
// content must be an image (sniffed, decoded) within the size limit, with
// Vietnamese errors and stable codes; the stored photo is resized to at
// most media.ThumbnailMax pixels and served to anyone from a URL that
// changes with the photo and is cached for good; agent lists and the
// conversations assigned afterwards carry it; a replaced photo is deleted.
func TestAgentAvatar(t *testing.T) {
	n := startNode(t)
	admin, _ := n.login("admin@chatdesk.local")
	anTok, an := n.login("an@chatdesk.local")
	_, binh := n.login("binh@chatdesk.local")

	big := testPNG(t, 1200, 800)
	st, got := n.putAvatar(an.ID, anTok, big)
	if st != 200 || got.Agent == nil || !strings.HasPrefix(got.Agent.AvatarURL, "/avatars/") {
		t.Fatalf("own photo: %d %+v", st, got)
	}
	first := got.Agent.AvatarURL
	resp, body := n.download(first, "") // no credentials: widgets on any site load it
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if resp.StatusCode != 200 || err != nil || format != "png" || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET %s: %d %s %v", first, resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	if cfg.Width != media.ThumbnailMax || cfg.Height > media.ThumbnailMax {
		t.Errorf("stored photo %dx%d, want resized to fit %d", cfg.Width, cfg.Height, media.ThumbnailMax)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control %q", cc)
	}
	if resp.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", resp.Header)
	}

	// A new photo, a new URL; a small one is kept at its size.
	st, got = n.putAvatar(an.ID, anTok, testPNG(t, 64, 64))
	if st != 200 || got.Agent.AvatarURL == first || !strings.HasPrefix(got.Agent.AvatarURL, "/avatars/") {
		t.Fatalf("second photo: %d %+v (first %s)", st, got.Agent, first)
	}
	resp, body = n.download(got.Agent.AvatarURL, "")
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(body)); resp.StatusCode != 200 || err != nil || cfg.Width != 64 {
		t.Errorf("small photo: %d %v %+v", resp.StatusCode, err, cfg)
	}
	current := got.Agent.AvatarURL
	// The replaced photo is deleted from GridFS (and the node's cache, which
	// served it above): its URL is gone, one file is left.
	if resp, _ := n.download(first, ""); resp.StatusCode != 404 {
		t.Errorf("replaced photo %s: %d, want 404", first, resp.StatusCode)
	}
	if files := countFiles(t, n); files != 1 {
		t.Errorf("%d GridFS files after a replacement, want 1", files)
	}

	// Who may: an agent only their own, an admin anyone's, a visitor nobody's.
	conv := n.newConversation("Khách Ảnh", "0912000791", "")
	for _, tc := range []struct {
		name, id, token string
		status          int
		code            string
	}{
		{"agent sets another agent's", binh.ID, anTok, 403, chat.EFORBIDDEN},
		{"visitor", an.ID, conv.VisitorToken, 403, chat.EFORBIDDEN},
		{"anonymous", an.ID, "", 401, chat.EUNAUTHORIZED},
		{"admin sets an agent's", binh.ID, admin, 200, ""},
	} {
		st, got := n.putAvatar(tc.id, tc.token, testPNG(t, 100, 100))
		if st != tc.status || got.Error.Code != tc.code {
			t.Errorf("%s: %d %+v, want %d %s", tc.name, st, got.Error, tc.status, tc.code)
		}
	}

	// Content: images only (decided from the bytes, not the name), within
	// the size limit; broken images refused.
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	oversize := append(testPNG(t, 10, 10), make([]byte, chat.MaxAvatarBytes)...)
	broken := testPNG(t, 100, 100)[:60]
	for _, tc := range []struct {
		name   string
		data   []byte
		status int
		code   string
		msg    string
	}{
		{"PDF named .png", pdf, 415, chat.EUNSUPPORTED, "Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF."},
		{"text", []byte("xin chào, đây không phải ảnh"), 415, chat.EUNSUPPORTED, "Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF."},
		{"over 5 MB", oversize, 413, chat.ETOOLARGE, "Ảnh đại diện quá lớn (tối đa 5 MB)."},
		{"broken PNG", broken, 400, chat.EINVALID, "Ảnh bị hỏng hoặc quá lớn để hiển thị."},
		{"empty", nil, 400, chat.EINVALID, "Tệp trống."},
	} {
		st, got := n.putAvatar(an.ID, anTok, tc.data)
		if st != tc.status || got.Error.Code != tc.code || got.Error.Message != tc.msg || got.Error.Fields["file"] == "" {
			t.Errorf("%s: %d %+v, want %d %s %q", tc.name, st, got.Error, tc.status, tc.code, tc.msg)
		}
	}

	// Refusals changed nothing; the agent list and new assignments carry the photo.
	var agents struct{ Items []chat.AgentView }
	if st := n.do("GET", "/api/agents", admin, nil, &agents); st != 200 {
		t.Fatalf("agents: %d", st)
	}
	for _, a := range agents.Items {
		if a.ID == an.ID && a.AvatarURL != current {
			t.Errorf("An in the agent list: %q, want %q", a.AvatarURL, current)
		}
	}
	if st := n.do("POST", "/api/conversations/"+conv.Conversation.ID+"/claim", anTok, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	var seen struct{ Conversation *chat.Conversation }
	if st := n.do("GET", "/api/conversations/"+conv.Conversation.ID, conv.VisitorToken, nil, &seen); st != 200 || seen.Conversation.AssigneeAvatarURL != current {
		t.Errorf("visitor's conversation: %d %+v, want assigneeAvatarUrl %s", st, seen.Conversation, current)
	}

	// Refusals stored nothing; An's and Bình's photos are all that is left.
	if files := countFiles(t, n); files != 2 {
		t.Errorf("%d GridFS files at the end, want 2 (An's, Bình's)", files)
	}

	// Unknown or malformed file ids: 404.
	for _, p := range []string{"/avatars/" + chat.NewID(), "/avatars/abc", "/avatars/" + strings.Repeat("z", 24)} {
		if resp, _ := n.download(p, ""); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
}

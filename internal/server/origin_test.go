package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// sendRaw makes one request with exactly the given headers and body, the way
// a browser page or curl would.
func (n *node) sendRaw(method, path string, headers map[string]string, body string) (int, http.Header, clienttest.ErrorAnswer) {
	n.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, n.base+path, rd)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e clienttest.ErrorAnswer
	_ = json.Unmarshal(raw, &e)
	return resp.StatusCode, resp.Header, e
}

// TestStateChangesRefuseForeignOrigins: in production a page of another
// site cannot create conversations or change anything through a visitor's
// or an agent's browser (issue #16, finding 2), while the widget on an
// embedding site, the dashboard on the public origin and non-browser
// clients keep working.
func TestStateChangesRefuseForeignOrigins(t *testing.T) {
	n := startNode(t, production("https://shop.example.vn"))
	admin, _ := n.login("admin@chatdesk.local")
	anTok, _ := n.login("an@chatdesk.local")
	conv := n.newConversation("Khách", "0912000601", "")
	id := conv.Conversation.ID
	form := `{"fields":{"name":"Khách lạ","phone":"0912000602"}}`
	jsonType := map[string]string{"Content-Type": "application/json"}
	with := func(h map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	refused := []struct {
		name         string
		method, path string
		headers      map[string]string
		body         string
		status       int
		code         string
	}{
		// The report: a form on evil.example posting text/plain.
		{"text/plain from a foreign page", "POST", "/api/conversations", map[string]string{"Origin": "https://evil.example", "Content-Type": "text/plain"}, form, 403, chat.EORIGIN},
		{"JSON from a foreign page", "POST", "/api/conversations", with(jsonType, "Origin", "https://evil.example"), form, 403, chat.EORIGIN},
		{"an opaque origin (sandboxed page, data: URL)", "POST", "/api/conversations", with(jsonType, "Origin", "null"), form, 403, chat.EORIGIN},
		{"a look-alike of the embedding site", "POST", "/api/conversations", with(jsonType, "Origin", "https://shop.example.vn.evil.example"), form, 403, chat.EORIGIN},
		{"login from a foreign page", "POST", "/api/auth/login", with(jsonType, "Origin", "https://evil.example"), `{"email":"an@chatdesk.local","password":"matkhau123"}`, 403, chat.EORIGIN},
		{"an agent's token does not help", "POST", "/api/conversations/" + id + "/claim", map[string]string{"Origin": "https://evil.example", "Authorization": "Bearer " + anTok}, "", 403, chat.EORIGIN},
		{"settings from a foreign page", "PUT", "/api/admin/settings", with(jsonType, "Origin", "https://evil.example", "Authorization", "Bearer "+admin), `{}`, 403, chat.EORIGIN},
		{"delete from a foreign page", "DELETE", "/api/admin/form-fields/address", map[string]string{"Origin": "https://evil.example", "Authorization": "Bearer " + admin}, "", 403, chat.EORIGIN},
		{"patch from a foreign page", "PATCH", "/api/conversations/" + id, with(jsonType, "Origin", "https://evil.example", "Authorization", "Bearer "+anTok), `{"priority":"high"}`, 403, chat.EORIGIN},
		// Without an Origin (old browsers, privacy settings): the body must
		// be JSON, which no form and no no-cors fetch can send.
		{"text/plain without an Origin", "POST", "/api/conversations", map[string]string{"Content-Type": "text/plain"}, form, 415, chat.EMEDIATYPE},
		{"a form post without an Origin", "POST", "/api/conversations", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "fields=1", 415, chat.EMEDIATYPE},
		{"multipart where JSON is read", "POST", "/api/auth/login", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, "--x--", 415, chat.EMEDIATYPE},
		{"a body without a type", "POST", "/api/conversations", map[string]string{}, form, 415, chat.EMEDIATYPE},
		{"JSON where an upload is read", "POST", "/api/conversations/" + id + "/attachments", with(jsonType, "Authorization", "Bearer "+conv.VisitorToken), `{"file":"x"}`, 415, chat.EMEDIATYPE},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			st, _, e := n.sendRaw(tt.method, tt.path, tt.headers, tt.body)
			if st != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Fatalf("%d %+v; want %d %s", st, e.Error, tt.status, tt.code)
			}
		})
	}
	var list struct{ Items []*chat.Conversation }
	n.do("GET", "/api/conversations?limit=100", anTok, nil, &list)
	for _, c := range list.Items {
		if c.Visitor.Name == "Khách lạ" {
			t.Fatal("a refused request clienttest.Created a conversation")
		}
	}

	// The widget on an embedding site: CORS answer and creation.
	st, h, _ := n.sendRaw("POST", "/api/conversations", with(jsonType, "Origin", "https://shop.example.vn"), form)
	if st != 201 || h.Get("Access-Control-Allow-Origin") != "https://shop.example.vn" {
		t.Fatalf("widget on the embedding site: %d %v", st, h)
	}
	// The dashboard on the public origin, with a charset parameter.
	st, _, _ = n.sendRaw("POST", "/api/auth/login", map[string]string{"Origin": "https://chat.example.vn", "Content-Type": "application/json; charset=utf-8"},
		`{"email":"an@chatdesk.local","password":"matkhau123"}`)
	if st != 200 {
		t.Fatalf("dashboard login: %d", st)
	}
	// Bodiless actions need no type; curl and servers send no Origin.
	if st, _, e := n.sendRaw("POST", "/api/conversations/"+id+"/claim", map[string]string{"Origin": "https://chat.example.vn", "Authorization": "Bearer " + anTok}, ""); st != 200 {
		t.Fatalf("dashboard claim: %d %+v", st, e.Error)
	}
	if st, _, _ := n.sendRaw("POST", "/api/conversations", jsonType, form); st != 201 {
		t.Fatalf("curl without an Origin: %d", st)
	}
	// Reading stays open to any page (nothing changes; CORS keeps the
	// answer from foreign pages).
	if st, h, _ := n.sendRaw("GET", "/api/widget/config", map[string]string{"Origin": "https://evil.example"}, ""); st != 200 || h.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("GET from a foreign page: %d %v", st, h)
	}
	// An upload from the embedding site, multipart as the widget sends it.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("clientId", "c-up")
	w, _ := mw.CreateFormFile("file", "ghi-chu.txt")
	_, _ = w.Write([]byte("Xin chào"))
	_ = mw.Close()
	st, _, e := n.sendRaw("POST", "/api/conversations/"+id+"/attachments", map[string]string{"Origin": "https://shop.example.vn",
		"Content-Type": mw.FormDataContentType(), "Authorization": "Bearer " + conv.VisitorToken}, body.String())
	if st != 201 {
		t.Fatalf("widget upload: %d %+v", st, e.Error)
	}
}

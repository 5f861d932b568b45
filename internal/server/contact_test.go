package server

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// Export and erasure of a contact through REST, files in GridFS included.
func TestContactExportAndErasureThroughREST(t *testing.T) {
	n := startNode(t)
	admin, _ := n.login("admin@chatdesk.local")
	an, _ := n.login("an@chatdesk.local")
	v := n.newConversation("Nguyễn Văn Bình", "0912 345 678", "Cho em hỏi giá")
	if st := n.upload(v.Conversation.ID, v.VisitorToken, "f1", "hoa-don.png", testPNG(t, 40, 30), nil); st != 201 {
		t.Fatalf("upload: %d", st)
	}
	keep := n.newConversation("Người khác", "0987 654 321", "xin chào")
	files := countFiles(t, n)

	var e clienttest.ErrorAnswer
	if st := n.do("POST", "/api/admin/contacts/lookup", an, map[string]string{"phone": "0912345678"}, &e); st != 403 {
		t.Fatalf("an agent looks a contact up: %d", st)
	}
	var look struct {
		Contact struct {
			Conversations         []any
			Messages, Attachments int
		}
	}
	if st := n.do("POST", "/api/admin/contacts/lookup", admin, map[string]string{"phone": "0912345678"}, &look); st != 200 ||
		len(look.Contact.Conversations) != 1 || look.Contact.Messages != 2 || look.Contact.Attachments != 1 {
		t.Fatalf("lookup: %d %+v", st, look)
	}

	req, _ := http.NewRequest("POST", n.base+"/api/admin/contacts/export", jsonBody(map[string]string{"phone": "0912345678"}))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var json []byte
	for _, f := range z.File {
		names = append(names, f.Name)
		if f.Name == "du-lieu.json" {
			r, _ := f.Open()
			json, _ = io.ReadAll(r)
			r.Close()
		}
	}
	if !strings.Contains(string(json), "Cho em hỏi giá") || !strings.Contains(string(json), "0912345678") || len(names) != 3 || strings.Contains(string(json), "Người khác") {
		t.Fatalf("zip %v, json %.200s", names, json)
	}

	if st := n.do("POST", "/api/admin/contacts/erase", admin, map[string]string{"phone": "0912345678"}, &e); st != 400 || e.Error.Fields["confirm"] == "" {
		t.Fatalf("erase without confirmation: %d %+v", st, e.Error)
	}
	var erased struct {
		Erased struct{ Conversations, Messages, Attachments int }
	}
	if st := n.do("POST", "/api/admin/contacts/erase", admin, map[string]string{"phone": "0912345678", "confirm": "0912 345 678"}, &erased); st != 200 ||
		erased.Erased.Conversations != 1 || erased.Erased.Messages != 2 || erased.Erased.Attachments != 1 {
		t.Fatalf("erase: %d %+v", st, erased)
	}
	if st := n.do("GET", "/api/conversations/"+v.Conversation.ID, admin, nil, nil); st != 404 {
		t.Fatalf("the erased conversation: %d", st)
	}
	if st := n.do("GET", "/api/conversations/"+keep.Conversation.ID, admin, nil, nil); st != 200 {
		t.Fatalf("another contact's conversation: %d", st)
	}
	if got := countFiles(t, n); files == 0 || got != 0 { // the only files were the visitor's
		t.Fatalf("GridFS files: %d → %d", files, got)
	}
	var list struct{ Items []*chat.Conversation }
	n.do("GET", "/api/conversations?q=0912345678", admin, nil, &list)
	if len(list.Items) != 0 {
		t.Fatalf("search still finds %d", len(list.Items))
	}
	log := auditLog(t, n, admin)
	var exported, erasedEntries int
	for _, e := range log {
		if strings.Contains(e.Detail+e.Target, "0912345678") {
			t.Fatalf("the phone unmasked in the audit log: %+v", e)
		}
		switch e.Action {
		case chat.AuditContactExported:
			exported++
		case chat.AuditContactErased:
			erasedEntries++
		}
	}
	if exported != 1 || erasedEntries != 2 {
		t.Fatalf("audit: %d exports, %d erasure entries", exported, erasedEntries)
	}
}

// Retention through REST on MongoDB-wire storage: a conversation idle past
// the limit is anonymized; a recent one is kept.
func TestRetentionRunThroughREST(t *testing.T) {
	var clock atomic.Int64
	at := func(tm time.Time) { clock.Store(tm.UnixNano()) }
	now := time.Now()
	at(now.AddDate(-2, 0, 0))
	n := startNodeWithClock(t, func() time.Time { return time.Unix(0, clock.Load()) })
	admin, _ := n.login("admin@chatdesk.local")
	old := n.newConversation("Khách cũ", "0912000101", "tin nhắn cũ")
	time.Sleep(300 * time.Millisecond) // the activity flush writes with the old clock
	at(now)
	fresh := n.newConversation("Khách mới", "0912000102", "tin nhắn mới")

	if st := n.do("PUT", "/api/admin/privacy", admin, map[string]any{"retentionMonths": 12, "retentionMode": "anonymize"}, nil); st != 200 {
		t.Fatalf("settings: %d", st)
	}
	var out struct {
		Run struct {
			Ran       bool
			Processed int
		}
	}
	if st := n.do("POST", "/api/admin/privacy/retention", admin, nil, &out); st != 200 || !out.Run.Ran || out.Run.Processed != 1 {
		t.Fatalf("run: %d %+v", st, out)
	}
	var got struct{ Conversation *chat.Conversation }
	n.do("GET", "/api/conversations/"+old.Conversation.ID, admin, nil, &got)
	if c := got.Conversation; c == nil || c.AnonymizedAt == nil || c.Visitor.Phone != "" || len(n.messages(admin, c.ID, 0)) != 0 {
		t.Fatalf("old conversation: %+v", c)
	}
	n.do("GET", "/api/conversations/"+fresh.Conversation.ID, admin, nil, &got)
	if got.Conversation.AnonymizedAt != nil || got.Conversation.Visitor.Phone == "" {
		t.Fatalf("the recent conversation was touched: %+v", got.Conversation)
	}
}

package server

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// Export and erasure of a contact through REST, files in GridFS included.
//
// Webhooks: an endpoint that keeps failing holds deliveries about both
// contacts' conversations; the erasure deletes those about the erased one
// and another endpoint receives contact.erased, signed.
func TestContactExportAndErasureThroughREST(t *testing.T) {
	n := startNode(t, fastWebhooks)
	admin, _ := n.login("admin@chatdesk.local")
	an, _ := n.login("an@chatdesk.local")
	tm := &team{node: n, admin: admin}
	failing := newHookReceiver(t, 1<<30)
	pending := tm.createWebhook(map[string]any{"url": failing.URL + "/crm", "events": []string{"conversation.created"}, "allowPrivate": true, "enabled": true})
	rcv := newHookReceiver(t, 0)
	erasedHook := tm.createWebhook(map[string]any{"url": rcv.URL + "/crm", "events": []string{"contact.erased"}, "allowPrivate": true, "enabled": true})
	rcv.mu.Lock()
	rcv.secret = erasedHook.Secret
	rcv.mu.Unlock()

	v := n.newConversation("Nguyễn Văn Bình", "0912 345 678", "Cho em hỏi giá")
	if st := n.upload(v.Conversation.ID, v.VisitorToken, "f1", "hoa-don.png", testPNG(t, 40, 30), nil); st != 201 {
		t.Fatalf("upload: %d", st)
	}
	keep := n.newConversation("Người khác", "0987 654 321", "xin chào")
	files := countFiles(t, n)
	aboutConversations := func() map[string]bool {
		out := map[string]bool{}
		for _, d := range tm.deliveries(pending.ID) {
			out[d.ConversationID] = true
		}
		return out
	}
	if got := aboutConversations(); len(got) != 2 || !got[v.Conversation.ID] || !got[keep.Conversation.ID] {
		t.Fatalf("queued deliveries about %v", got)
	}

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
	var doc []byte
	for _, f := range z.File {
		names = append(names, f.Name)
		if f.Name == "du-lieu.json" {
			r, _ := f.Open()
			doc, _ = io.ReadAll(r)
			r.Close()
		}
	}
	if !strings.Contains(string(doc), "Cho em hỏi giá") || !strings.Contains(string(doc), "0912345678") || len(names) != 3 || strings.Contains(string(doc), "Người khác") {
		t.Fatalf("zip %v, json %.200s", names, doc)
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
	if got := aboutConversations(); len(got) != 1 || !got[keep.Conversation.ID] {
		t.Fatalf("queued deliveries after the erasure are about %v, want only the other contact's", got)
	}
	checkfor.Eventually(t, 10*time.Second, func() (bool, string) { return len(rcv.acked()) == 1, fmt.Sprint(len(rcv.requests())) })
	hook := rcv.requests()[0]
	var ev struct {
		Type string
		Data struct {
			Phone           string
			ConversationIDs []string
		}
	}
	if err := json.Unmarshal(hook.body, &ev); err != nil || hook.verified != nil || hook.event != "contact.erased" || ev.Type != "contact.erased" ||
		ev.Data.Phone != "0912345678" || len(ev.Data.ConversationIDs) != 1 || ev.Data.ConversationIDs[0] != v.Conversation.ID || strings.Contains(string(hook.body), "Cho em hỏi") {
		t.Fatalf("contact.erased: %s (signature: %v)", hook.body, hook.verified)
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

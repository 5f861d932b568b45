package desk

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func (d *testDesk) conversationWithPhone(phone string, texts ...string) *chat.Conversation {
	d.t.Helper()
	created, err := d.core.Conversations.CreateConversation(d.ctx, NewConversation{
		Fields: map[string]any{chat.KeyName: "Bình", chat.KeyPhone: phone}, IP: "203.0.113.7",
	})
	if err != nil {
		d.t.Fatal(err)
	}
	v := visitorOf(created.Conversation)
	for i, text := range texts {
		if _, _, err := d.core.Messages.SendMessage(d.ctx, v, created.Conversation.ID, "m"+string(rune('a'+i)), text); err != nil {
			d.t.Fatal(err)
		}
	}
	return created.Conversation
}

// A visitor's rights by phone: the admin sees what is kept, exports it
// (JSON and files, as a zip) and erases it all, after typing the phone
// again; each step is in the audit log, the phone masked.
func TestContactExportAndErasure(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	admin := agentActor(d.agent("Admin", chat.RoleAdmin))
	an := agentActor(d.agent("An", chat.RoleAgent))
	const phone = "0912345678"
	first := d.conversationWithPhone(phone, "Cho em hỏi giá", "Nhà em ở số 1 Hàng Bạc")
	d.clock.Advance(time.Second)
	second := d.conversationWithPhone(phone)
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 10)) // stored as is: the test writes the file directly
	att := &chat.Attachment{ID: chat.NewID(), Name: "../ảnh.png", Size: int64(len(png)), ContentType: "image/png"}
	if err := d.store.SaveAttachment(d.ctx, second.ID, att, png, nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := d.store.InsertMessage(d.ctx, &chat.Message{ConversationID: second.ID, Seq: 1, ClientID: "f1", SenderType: chat.SenderVisitor, Kind: chat.KindImage, Attachment: att, CreatedAt: d.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	other := d.conversationWithPhone("0987654321", "Tôi là người khác")
	if _, err := d.core.Blocks.Add(d.ctx, an, BlockInput{Kind: "phone", Value: phone, Duration: time.Hour}); err != nil {
		t.Fatal(err)
	}

	if _, err := d.core.Privacy.Contact(d.ctx, an, phone); chat.ErrorCode(err) != chat.EFORBIDDEN {
		t.Fatalf("an agent reads a contact: %v", err)
	}
	sum, err := d.core.Privacy.Contact(d.ctx, admin, "+84 912 345 678")
	if err != nil || len(sum.Conversations) != 2 || sum.Messages != 3 || sum.Attachments != 1 || sum.Blocks != 1 {
		t.Fatalf("summary: %+v %v", sum, err)
	}

	var buf bytes.Buffer
	if err := d.core.Privacy.Export(d.ctx, admin, phone, &buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		files[f.Name] = b
	}
	var doc struct {
		Phone         string
		Conversations []struct {
			Conversation *chat.Conversation
			Messages     []*chat.Message
		}
		Blocks []*chat.Block
	}
	if err := json.Unmarshal(files["du-lieu.json"], &doc); err != nil {
		t.Fatalf("du-lieu.json: %v (%v)", err, keys(files))
	}
	if doc.Phone != phone || len(doc.Conversations) != 2 || len(doc.Conversations[0].Messages) != 2 || len(doc.Blocks) != 1 ||
		doc.Conversations[0].Conversation.Visitor.Name != "Bình" || !strings.Contains(string(files["du-lieu.json"]), "Hàng Bạc") {
		t.Fatalf("export: %+v", doc)
	}
	wantFile := "tep/" + second.ID + "/" + att.ID + "-.._ảnh.png"
	if !bytes.Equal(files[wantFile], png) || files["DOC-TRUOC.txt"] == nil {
		t.Fatalf("files in the zip: %v", keys(files))
	}
	if strings.Contains(string(files["du-lieu.json"]), "Tôi là người khác") {
		t.Fatal("another contact's messages in the export")
	}

	if _, err := d.core.Privacy.Erase(d.ctx, admin, phone, "0912345679"); chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("a wrong confirmation: %v", err)
	}
	got, err := d.core.Privacy.Erase(d.ctx, admin, phone, "0912 345 678")
	if err != nil || *got != (Erased{Conversations: 2, Messages: 3, Attachments: 1, Blocks: 1}) {
		t.Fatalf("erase: %+v %v", got, err)
	}
	for _, id := range []string{first.ID, second.ID} {
		if _, err := d.store.Conversation(d.ctx, id); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("conversation %s after erasure: %v", id, err)
		}
		if ms, _ := d.store.MessagesAfter(d.ctx, id, 0, 100); len(ms) != 0 {
			t.Fatalf("messages left: %d", len(ms))
		}
	}
	if _, err := d.store.OpenAttachment(d.ctx, second.ID, att.ID, false); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Fatalf("file after erasure: %v", err)
	}
	if bs, _ := d.store.Blocks(d.ctx); len(bs) != 0 {
		t.Fatalf("blocks left: %d", len(bs))
	}
	if _, err := d.store.Conversation(d.ctx, other.ID); err != nil {
		t.Fatalf("another contact's conversation: %v", err)
	}
	eventually(t, "two erased events for the agents", func() (bool, string) {
		n := len(d.events.matching("conversation.updated", func(r recorded) bool {
			return r.topic == AgentsTopic && strings.Contains(string(r.head.Data), `"change":"erased"`)
		}))
		return n == 2, d.events.summary()
	})
	// Again: nothing left, nothing fails.
	if again, err := d.core.Privacy.Erase(d.ctx, admin, phone, phone); err != nil || again.Conversations != 0 {
		t.Fatalf("erasing again: %+v %v", again, err)
	}

	log, _, _ := d.store.AuditEntries(d.ctx, chat.AuditFilter{Actions: []string{chat.AuditContactExported, chat.AuditContactErased}})
	if len(log) != 5 { // export; request + result; request + result again
		t.Fatalf("audit: %d entries", len(log))
	}
	for _, e := range log {
		if strings.Contains(e.Detail+e.Target, phone) || e.Target != "091*****78" || e.ActorName != "Admin" {
			t.Fatalf("audit entry %+v", e)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Retention: conversations without activity past the limit are anonymized
// (or deleted), in a run that one node at a time makes.
func TestRetention(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	admin := agentActor(d.agent("Admin", chat.RoleAdmin))
	old := d.conversationWithPhone("0912000001", "tin cũ")
	d.clock.Advance(40 * 24 * time.Hour)
	fresh := d.conversationWithPhone("0912000002", "tin mới")

	if run, err := d.core.Privacy.RunRetention(d.ctx, admin); err != nil || run.Ran {
		t.Fatalf("retention off by default: %+v %v", run, err)
	}
	if _, err := d.core.Privacy.Save(d.ctx, admin, chat.PrivacySettings{RetentionMonths: 1, RetentionMode: chat.RetainAnonymize}); err != nil {
		t.Fatal(err)
	}
	// Another node is running it: this one does nothing.
	unlock, err := d.coord.TryLock(d.ctx, "retention", "other-node", time.Minute)
	if err != nil || unlock == nil {
		t.Fatal("lock", err)
	}
	if run, err := d.core.Privacy.RunRetention(d.ctx, admin); err != nil || run.Ran {
		t.Fatalf("while another node holds the lock: %+v %v", run, err)
	}
	unlock()

	run, err := d.core.Privacy.RunRetention(d.ctx, admin)
	if err != nil || !run.Ran || run.Processed != 1 || run.Messages != 1 {
		t.Fatalf("run: %+v %v", run, err)
	}
	a := d.conversation(old.ID)
	if a.AnonymizedAt == nil || a.Visitor.Phone != "" || a.Visitor.Name != "" || len(d.transcript(old.ID)) != 0 {
		t.Fatalf("anonymized: %+v", a)
	}
	if c := d.conversation(fresh.ID); c.AnonymizedAt != nil || len(d.transcript(fresh.ID)) != 1 {
		t.Fatal("a recent conversation was touched")
	}
	if run, _ := d.core.Privacy.RunRetention(d.ctx, admin); run.Processed != 0 {
		t.Fatalf("second run: %+v", run)
	}

	// Delete mode.
	d.clock.Advance(40 * 24 * time.Hour)
	if _, err := d.core.Privacy.Save(d.ctx, admin, chat.PrivacySettings{RetentionMonths: 1, RetentionMode: chat.RetainDelete}); err != nil {
		t.Fatal(err)
	}
	if run, err := d.core.Privacy.RunRetention(d.ctx, admin); err != nil || run.Processed != 1 {
		t.Fatalf("delete run: %+v %v", run, err)
	}
	if _, err := d.store.Conversation(d.ctx, fresh.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Fatalf("deleted: %v", err)
	}
	log, _, _ := d.store.AuditEntries(d.ctx, chat.AuditFilter{Actions: []string{chat.AuditRetentionRun}})
	if len(log) != 2 || log[0].ActorRole != "system" {
		t.Fatalf("audit: %+v", log)
	}
}

// An inbox update still pending for an erased conversation is not sent:
// it would bring the conversation back into every agent's inbox.
func TestNoActivityUpdateAfterAnErasure(t *testing.T) {
	d := newTestDesk(t, testOptions{window: 100 * time.Millisecond})
	admin := agentActor(d.agent("Admin", chat.RoleAdmin))
	c := d.conversationWithPhone("0912000777", "một", "hai", "ba") // the first is sent, the rest pending
	if _, err := d.core.Privacy.Erase(d.ctx, admin, "0912000777", "0912000777"); err != nil {
		t.Fatal(err)
	}
	updates := func() []string {
		var out []string
		for _, r := range d.events.matching("conversation.updated", func(r recorded) bool {
			return r.topic == AgentsTopic && strings.Contains(string(r.head.Data), c.ID)
		}) {
			var ev struct{ Change string }
			_ = json.Unmarshal(r.head.Data, &ev)
			out = append(out, ev.Change)
		}
		return out
	}
	eventually(t, "the erased event", func() (bool, string) {
		u := updates()
		return len(u) > 0 && u[len(u)-1] == chat.ChangeErased, strings.Join(u, ",")
	})
	time.Sleep(300 * time.Millisecond) // past the coalescing window
	if u := updates(); u[len(u)-1] != chat.ChangeErased {
		t.Fatalf("an update after the erasure: %v", u)
	}
}

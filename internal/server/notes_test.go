package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/mail/mailtest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

const secret = "BÍ-MẬT-NỘI-BỘ"

// TestInternalNotes: any agent writes notes over REST and WebSocket; the
// agents see them live (note.created) and by GET …/notes; a mentioned
// agent alone gets note.mentioned; the visitor never sees one — not live,
// not by replay or sync, not in REST history, not in the transcript email
// — and their seqs stay gap-free; a visitor cannot write or read notes.
func TestInternalNotes(t *testing.T) {
	tm := startTeam(t)
	smtp := mailtest.Start(t, mailtest.Plain, "", "")
	cfg := map[string]any{"host": smtp.Host, "port": smtp.Port, "security": "none", "from": "Hỗ trợ <hotro@example.vn>"}
	if st := tm.do("PUT", "/api/admin/mail", tm.admin, cfg, nil); st != 200 {
		t.Fatalf("mail settings: %d", st)
	}

	anWS, _ := tm.dial(tm.anTok, 0)
	binhWS, _ := tm.dial(tm.binhTok, 0)
	adminWS, _ := tm.dial(tm.admin, 0)
	conv := tm.newConversation("Khách Ghi Chú", "0912000971", "Cho em hỏi giá")
	id := conv.Conversation.ID
	// Round robin may pick anyone online: An is made the owner.
	checkfor.Eventually(t, 10*time.Second, func() (bool, string) {
		var got struct{ Conversation *chat.Conversation }
		tm.do("GET", "/api/conversations/"+id, tm.anTok, nil, &got)
		if got.Conversation.AssigneeID == tm.an.ID {
			return true, ""
		}
		tm.do("POST", "/api/conversations/"+id+"/transfer", tm.admin, map[string]string{"agentId": tm.an.ID}, nil)
		return false, got.Conversation.AssigneeName
	})
	visitorWS, _ := tm.dial(conv.VisitorToken, 0)
	visitorWS.MessagesUntilReplayDone()
	if f := anWS.Request(protocol.ReqConversationJoin, map[string]any{"conversationId": id, "afterSeq": 0}); f.Type != protocol.EvtAck {
		t.Fatalf("join: %s", f.Type)
	}
	anWS.MessagesUntilReplayDone()

	// Bình (not the owner) writes a note over REST mentioning An.
	var added struct{ Note *chat.Message }
	body := map[string]string{"clientId": "note-1", "text": "@" + tm.an.Name + " " + secret + " khách sỉ"}
	if st := tm.do("POST", "/api/conversations/"+id+"/notes", tm.binhTok, body, &added); st != 201 || added.Note == nil || added.Note.Note == nil {
		t.Fatalf("note over REST: %d %+v", st, added.Note)
	}
	if added.Note.Seq >= 0 || len(added.Note.Note.Mentions) != 1 || added.Note.Note.Mentions[0] != tm.an.ID {
		t.Fatalf("note %+v mentions %v", added.Note, added.Note.Note.Mentions)
	}
	if st := tm.do("POST", "/api/conversations/"+id+"/notes", tm.binhTok, body, &added); st != 200 {
		t.Fatalf("resent note: %d, want 200", st)
	}
	// An (owner) replies; then the admin adds a note over WebSocket.
	if st := tm.do("POST", "/api/conversations/"+id+"/messages", tm.anTok, map[string]string{"clientId": "r1", "text": "Dạ shop báo giá ạ"}, nil); st != 201 {
		t.Fatalf("reply: %d", st)
	}
	f := adminWS.Request(protocol.ReqNoteSend, map[string]any{"conversationId": id, "clientId": "note-2", "text": secret + " đã duyệt, @" + tm.binh.Name})
	if f.Type != protocol.EvtAck || clienttest.Data[protocol.NoteCreated](t, f).Note.Note.AfterSeq < 2 {
		t.Fatalf("note over WebSocket: %s %s", f.Type, f.Data)
	}
	// Refusals: a visitor writes no note (WS and REST), reads none.
	if f := visitorWS.Request(protocol.ReqNoteSend, map[string]any{"conversationId": id, "clientId": "v-note", "text": "x"}); clienttest.ErrorCode(t, f) != chat.EFORBIDDEN {
		t.Fatalf("visitor note over WS: %s %s", f.Type, f.Data)
	}
	for _, method := range []string{"GET", "POST"} {
		if st := tm.do(method, "/api/conversations/"+id+"/notes", conv.VisitorToken, map[string]string{"clientId": "v", "text": "x"}, nil); st != 401 && st != 403 {
			t.Fatalf("visitor %s notes: %d", method, st)
		}
	}
	if st := tm.do("GET", "/api/conversations/"+id+"/notes", "", nil, nil); st != 401 {
		t.Fatalf("anonymous notes: %d", st)
	}
	// An empty note is refused with a field.
	var e clienttest.ErrorAnswer
	if st := tm.do("POST", "/api/conversations/"+id+"/notes", tm.anTok, map[string]string{"clientId": "n3", "text": "  "}, &e); st != 400 || e.Error.Fields["text"] == "" {
		t.Fatalf("empty note: %d %+v", st, e)
	}

	// Agents: note.created live (joined or not); the mentions only to those named.
	for _, ws := range []*clienttest.Conn{anWS, binhWS, adminWS} {
		ws.WaitFor(func(f clienttest.Frame) bool {
			return f.Type == protocol.EvtNoteCreated && strings.Contains(string(f.Data), "note-2")
		}, "note.created")
	}
	m := clienttest.Data[protocol.NoteMentioned](t, anWS.WaitType(protocol.EvtNoteMentioned))
	if m.AgentID != tm.an.ID || m.ConversationID != id || m.ByName != tm.binh.Name {
		t.Fatalf("note.mentioned to An: %+v", m)
	}
	if m := clienttest.Data[protocol.NoteMentioned](t, binhWS.WaitType(protocol.EvtNoteMentioned)); m.AgentID != tm.binh.ID {
		t.Fatalf("note.mentioned to Bình: %+v", m)
	}
	var notes struct{ Items []*chat.Message }
	if st := tm.do("GET", "/api/conversations/"+id+"/notes", tm.anTok, nil, &notes); st != 200 || len(notes.Items) != 2 || notes.Items[1].ClientID != chat.NoteClientIDPrefix+"note-2" {
		t.Fatalf("notes: %d %+v", st, notes.Items)
	}
	time.Sleep(300 * time.Millisecond)
	for _, f := range adminWS.Frames() {
		if f.Type == protocol.EvtNoteMentioned {
			t.Fatalf("the admin got another's mention: %s", f.Data)
		}
	}

	// The visitor: live, replay, sync, REST history, transcript email.
	visitorWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtMessageCreated && strings.Contains(string(f.Data), "báo giá")
	}, "the reply")
	time.Sleep(300 * time.Millisecond)
	for _, f := range visitorWS.Frames() {
		if strings.Contains(string(f.Data), secret) || strings.HasPrefix(f.Type, "note.") {
			t.Fatalf("the visitor received %s %s", f.Type, f.Data)
		}
	}
	visitorWS.Send(protocol.ReqSync, "s1", map[string]any{"afterSeq": 0})
	synced := visitorWS.MessagesUntilReplayDone()
	again, _ := tm.dial(conv.VisitorToken, 0)
	replayed := again.MessagesUntilReplayDone()
	history := tm.api().AllMessages(conv.VisitorToken, id)
	for name, ms := range map[string][]*chat.Message{"sync": synced, "replay": replayed, "REST": history} {
		for i, msg := range ms {
			if msg.Seq != int64(i+1) || msg.Note != nil || strings.Contains(msg.Text, secret) {
				t.Fatalf("%s: message %d is %+v", name, i, msg)
			}
		}
		if len(ms) < 3 {
			t.Fatalf("%s: %d messages", name, len(ms))
		}
	}
	if st := tm.do("POST", "/api/conversations/"+id+"/transcript", conv.VisitorToken, map[string]string{"email": "khach@example.vn"}, nil); st != 200 {
		t.Fatalf("transcript: %d", st)
	}
	checkfor.Eventually(t, 10*time.Second, func() (bool, string) {
		for _, msg := range smtp.Messages() {
			if msg.To[0] == "khach@example.vn" {
				return true, ""
			}
		}
		return false, fmt.Sprint(len(smtp.Messages()))
	})
	for _, msg := range smtp.Messages() {
		if msg.To[0] == "khach@example.vn" && (strings.Contains(msg.Text, secret) || strings.Contains(msg.HTML, secret) || !strings.Contains(msg.Text, "báo giá")) {
			t.Fatalf("transcript email: %s", msg.Text)
		}
	}
}

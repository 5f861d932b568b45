package server

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/mongo"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

type contactAnswer struct {
	Contact struct {
		Total         int  `json:"total"`
		Returning     bool `json:"returning"`
		Detached      bool `json:"detached"`
		Conversations []struct {
			ID           string    `json:"id"`
			CreatedAt    time.Time `json:"createdAt"`
			Status       string    `json:"status"`
			AssigneeName string    `json:"assigneeName"`
			Stars        int       `json:"stars"`
			FirstLine    string    `json:"firstLine"`
		} `json:"conversations"`
		Notes []struct {
			ConversationID string `json:"conversationId"`
			Text           string `json:"text"`
			SenderName     string `json:"senderName"`
		} `json:"notes"`
	} `json:"contact"`
}

// TestContacts (#15): conversations created at once on two nodes with one
// phone (typed differently) are one contact with distinct places; the
// conversation JSON says "returning"; agents read the contact's other
// conversations and notes, visitors never; admins alone detach and
// attach again (audit-logged); erasing the phone leaves no contact
// document keyed by it.
func TestContacts(t *testing.T) {
	a, b := startTwoNodes(t)
	admin, _ := a.login("admin@chatdesk.local")
	anTok, _ := a.login("an@chatdesk.local")
	binhTok, _ := b.login("binh@chatdesk.local")
	typed := []string{"0912000151", "+84 912 000 151", "0912.000.151", "84912000151", "0912 000 151", "+84912000151"}
	created := make([]clienttest.Created, len(typed))
	var wg sync.WaitGroup
	for i, phone := range typed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := a
			if i%2 == 1 {
				n = b
			}
			created[i] = n.newConversation("Khách Quen", phone, "Hỏi lần "+string(rune('1'+i))+"\ndòng hai")
		}()
	}
	wg.Wait()
	stranger := a.newConversation("Người Khác", "0987000151", "Tôi là người khác")
	get := func(tok, id string) *chat.Conversation {
		t.Helper()
		var got struct{ Conversation *chat.Conversation }
		if st := a.do("GET", "/api/conversations/"+id, tok, nil, &got); st != 200 {
			t.Fatalf("get %s: %d", id, st)
		}
		return got.Conversation
	}
	var places []int
	byPlace := map[int]string{}
	for _, c := range created {
		got := get(anTok, c.Conversation.ID)
		if got.Returning != (got.ContactConversations > 1) {
			t.Fatalf("returning %v at place %d", got.Returning, got.ContactConversations)
		}
		places = append(places, got.ContactConversations)
		byPlace[got.ContactConversations] = got.ID
	}
	slices.Sort(places)
	if !slices.Equal(places, []int{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("places %v", places)
	}
	if s := get(anTok, stranger.Conversation.ID); s.Returning || s.ContactConversations != 1 {
		t.Fatalf("stranger: %+v", s)
	}
	// The inbox rows carry the flag too.
	var inbox struct{ Items []*chat.Conversation }
	if st := a.do("GET", "/api/conversations?q=0912000151&limit=100", anTok, nil, &inbox); st != 200 || len(inbox.Items) != 6 {
		t.Fatalf("inbox: %d %d", st, len(inbox.Items))
	}
	returning := 0
	for _, c := range inbox.Items {
		if c.Returning {
			returning++
		}
	}
	if returning != 5 {
		t.Fatalf("returning rows: %d", returning)
	}

	// A note in the first conversation; the sixth's panel shows the other
	// five, newest first, and the note.
	firstID, lastID := byPlace[1], byPlace[6]
	if st := b.do("POST", "/api/conversations/"+firstID+"/notes", binhTok, map[string]string{"clientId": "n1", "text": "Khách sỉ, ưu tiên giao nhanh"}, nil); st != 201 {
		t.Fatalf("note: %d", st)
	}
	var v contactAnswer
	if st := a.do("GET", "/api/conversations/"+lastID+"/contact", anTok, nil, &v); st != 200 {
		t.Fatalf("contact: %d", st)
	}
	if !v.Contact.Returning || v.Contact.Total != 6 || len(v.Contact.Conversations) != 5 || v.Contact.Conversations[4].ID != firstID {
		t.Fatalf("contact view: %+v", v.Contact)
	}
	for i, c := range v.Contact.Conversations {
		if c.ID != byPlace[5-i] || !strings.HasPrefix(c.FirstLine, "Hỏi lần ") || strings.Contains(c.FirstLine, "dòng hai") || c.Status == "" {
			t.Fatalf("line %d: %+v", i, c)
		}
	}
	if len(v.Contact.Notes) != 1 || v.Contact.Notes[0].ConversationID != firstID || v.Contact.Notes[0].SenderName != "Bình" {
		t.Fatalf("notes: %+v", v.Contact.Notes)
	}

	// Visitors and strangers: never.
	visitor := created[0].VisitorToken
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		want                      int
	}{
		{"visitor reads", "GET", "/api/conversations/" + created[0].Conversation.ID + "/contact", visitor, nil, 403},
		{"visitor reads another", "GET", "/api/conversations/" + lastID + "/contact", visitor, nil, 403},
		{"anonymous reads", "GET", "/api/conversations/" + lastID + "/contact", "", nil, 401},
		{"visitor detaches", "POST", "/api/admin/conversations/" + created[0].Conversation.ID + "/contact", visitor, map[string]string{"action": "detach"}, 403},
		{"agent detaches", "POST", "/api/admin/conversations/" + lastID + "/contact", anTok, map[string]string{"action": "detach"}, 403},
		{"unknown conversation", "GET", "/api/conversations/nope/contact", anTok, nil, 404},
	} {
		var e clienttest.ErrorAnswer
		if st := a.do(tc.method, tc.path, tc.token, tc.body, &e); st != tc.want {
			t.Fatalf("%s: %d", tc.name, st)
		}
		if strings.Contains(e.Error.Message, "Khách sỉ") {
			t.Fatalf("%s leaked a note", tc.name)
		}
	}
	var e clienttest.ErrorAnswer
	if st := a.do("POST", "/api/admin/conversations/"+lastID+"/contact", admin, map[string]string{"action": "gộp"}, &e); st != 400 || e.Error.Fields["action"] == "" {
		t.Fatalf("bad action: %d %+v", st, e)
	}
	if st := a.do("POST", "/api/admin/conversations/"+lastID+"/contact", admin, map[string]string{"action": "attach", "to": "khong-co"}, &e); st != 400 || e.Error.Fields["to"] == "" {
		t.Fatalf("attach to unknown: %d %+v", st, e)
	}

	// Admin: detach the third, then attach it again.
	third := byPlace[3]
	if st := a.do("POST", "/api/admin/conversations/"+third+"/contact", admin, map[string]string{"action": "detach"}, &v); st != 200 || v.Contact.Returning || !v.Contact.Detached || v.Contact.Total != 1 {
		t.Fatalf("detach: %d %+v", st, v.Contact)
	}
	if c := get(anTok, third); c.Returning {
		t.Fatalf("detached still returning: %+v", c)
	}
	if c := get(anTok, lastID); c.ContactConversations != 5 {
		t.Fatalf("renumbered: %d", c.ContactConversations)
	}
	if st := b.do("GET", "/api/conversations/"+lastID+"/contact", binhTok, nil, &v); st != 200 || v.Contact.Total != 5 {
		t.Fatalf("after detach: %d %+v", st, v.Contact)
	}
	if st := a.do("POST", "/api/admin/conversations/"+third+"/contact", admin, map[string]string{"action": "attach"}, &v); st != 200 || !v.Contact.Returning || v.Contact.Total != 6 {
		t.Fatalf("attach: %d %+v", st, v.Contact)
	}
	// Back in creation order (conversations created in one millisecond
	// keep their order of arrival): six places again.
	places = places[:0]
	for _, c := range created {
		places = append(places, get(anTok, c.Conversation.ID).ContactConversations)
	}
	slices.Sort(places)
	if !slices.Equal(places, []int{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("places after attach: %v", places)
	}
	var audit struct {
		Items []*chat.AuditEntry
	}
	if st := a.do("GET", "/api/admin/audit?action=contact.relinked", admin, nil, &audit); st != 200 || len(audit.Items) != 2 {
		t.Fatalf("audit: %d %d", st, len(audit.Items))
	}
	for _, en := range audit.Items {
		if en.Target != third || strings.Contains(en.Detail, "0912000151") {
			t.Fatalf("audit entry: %+v", en)
		}
	}

	// The stranger joins this contact, then the phone is erased: the
	// stranger's conversation stays, outside any contact, and no document
	// keyed by the phone remains.
	if st := a.do("POST", "/api/admin/conversations/"+stranger.Conversation.ID+"/contact", admin, map[string]string{"action": "attach", "to": firstID}, &v); st != 200 || v.Contact.Total != 7 {
		t.Fatalf("attach stranger: %d %+v", st, v.Contact)
	}
	if st := a.do("POST", "/api/admin/contacts/erase", admin, map[string]string{"phone": "0912000151", "confirm": "0912 000 151"}, nil); st != 200 {
		t.Fatalf("erase: %d", st)
	}
	if st := a.do("GET", "/api/conversations/"+stranger.Conversation.ID+"/contact", anTok, nil, &v); st != 200 || v.Contact.Total != 1 || v.Contact.Returning || len(v.Contact.Conversations) != 0 {
		t.Fatalf("stranger after erasure: %d %+v", st, v.Contact)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := mongo.Open(ctx, a.cfg.MongoURI, a.cfg.MongoDB, mongo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	if x, err := db.ContactIndex(ctx, "0912000151"); err != nil || x != nil {
		t.Fatalf("contact document after erasure: %+v %v", x, err)
	}
}

// TestContactsBackfill: conversations stored before contacts existed
// (no contactKey field) are indexed when a node starts, and the next
// conversation of that phone is "returning".
func TestContactsBackfill(t *testing.T) {
	cfg := nodeConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client, err := driver.Connect(options.Client().ApplyURI(cfg.MongoURI))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	at := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Millisecond)
	var docs []any
	for i, phone := range []string{"0912000152", "0987000152", "0912000152"} {
		docs = append(docs, bson.D{{Key: "_id", Value: "legacy-" + string(rune('a'+i))}, {Key: "status", Value: "resolved"},
			{Key: "visitor", Value: bson.D{{Key: "name", Value: "Khách Cũ"}, {Key: "phone", Value: phone}}},
			{Key: "answers", Value: bson.A{bson.D{{Key: "key", Value: "message"}, {Key: "value", Value: "Lần trước " + phone}}}},
			{Key: "tags", Value: bson.A{}}, {Key: "createdAt", Value: at.Add(time.Duration(i) * time.Minute)}, {Key: "updatedAt", Value: at}})
	}
	if _, err := client.Database(cfg.MongoDB).Collection("conversations").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	n := runNode(t, cfg)
	anTok, _ := n.login("an@chatdesk.local")
	checkfor.Eventually(t, 20*time.Second, func() (bool, string) {
		var got struct{ Conversation *chat.Conversation }
		n.do("GET", "/api/conversations/legacy-c", anTok, nil, &got)
		return got.Conversation != nil && got.Conversation.Returning, "legacy-c not indexed yet"
	})
	fresh := n.newConversation("Khách Cũ", "0912000152", "Lại là tôi")
	var v contactAnswer
	if st := n.do("GET", "/api/conversations/"+fresh.Conversation.ID+"/contact", anTok, nil, &v); st != 200 || !v.Contact.Returning || v.Contact.Total != 3 ||
		len(v.Contact.Conversations) != 2 || v.Contact.Conversations[0].ID != "legacy-c" || v.Contact.Conversations[0].FirstLine != "Lần trước 0912000152" {
		t.Fatalf("after backfill: %d %+v", st, v.Contact)
	}
}

// TestContactsOverWebSocket: agents get a returning customer's new
// conversation with returning: true, and the admin's correction as
// conversation.updated change "contact"; the visitor's socket never gets
// that change.
func TestContactsOverWebSocket(t *testing.T) {
	tm := startTeam(t)
	tm.newConversation("Khách Cũ", "0912000153", "Lần đầu")
	anWS, _ := tm.dial(tm.anTok, 0)
	second := tm.newConversation("Khách Cũ", "0912 000 153", "Lần hai")
	id := second.Conversation.ID
	created := anWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtConversationCreated && strings.Contains(string(f.Data), id)
	}, "conversation.created")
	if c := clienttest.Data[protocol.ConversationChanged](t, created).Conversation; !c.Returning || c.ContactConversations != 2 {
		t.Fatalf("created: returning %v place %d", c.Returning, c.ContactConversations)
	}
	visitorWS, _ := tm.dial(second.VisitorToken, 0)
	visitorWS.MessagesUntilReplayDone()

	if st := tm.do("POST", "/api/admin/conversations/"+id+"/contact", tm.admin, map[string]string{"action": "detach"}, nil); st != 200 {
		t.Fatalf("detach: %d", st)
	}
	f := anWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtConversationUpdated && strings.Contains(string(f.Data), `"change":"contact"`) && strings.Contains(string(f.Data), id)
	}, "conversation.updated contact")
	if c := clienttest.Data[protocol.ConversationChanged](t, f).Conversation; c.Returning || c.ContactConversations != 1 {
		t.Fatalf("after detach: returning %v place %d", c.Returning, c.ContactConversations)
	}
	// The visitor's own next message is the barrier: nothing about the
	// contact reached the visitor's socket before it.
	if st := tm.do("POST", "/api/conversations/"+id+"/messages", second.VisitorToken, map[string]string{"clientId": "v2", "text": "Còn hàng không ạ"}, nil); st != 201 {
		t.Fatalf("visitor message: %d", st)
	}
	visitorWS.WaitFor(func(f clienttest.Frame) bool {
		if strings.Contains(string(f.Data), `"change":"contact"`) {
			t.Errorf("the visitor got %s %s", f.Type, f.Data)
		}
		return f.Type == protocol.EvtMessageCreated && strings.Contains(string(f.Data), "Còn hàng không ạ")
	}, "the visitor's message")
}

package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/testenv"
	goredis "github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestVisitorPage: the visitor reports pages over their socket; an agent
// following the conversation gets visitor.page live, REST shows the
// current page (Redis) and the document keeps a throttled copy; bad input,
// another conversation, an agent, and too many reports are refused.
func TestVisitorPage(t *testing.T) {
	tm := startTeam(t, func(c *config.Config) {
		c.RateLimits = map[string]config.RateLimit{"read-sender": {Limit: 1000000, Period: time.Minute}, "page-visitor": {Limit: 5, Period: time.Minute}}
	})
	anWS, _ := tm.dial(tm.anTok, 0)
	conv := tm.newConversation("Khách Xem Trang", "0912000981", "Cho em hỏi")
	other := tm.newConversation("Khách Khác", "0912000982", "")
	id := conv.Conversation.ID
	if f := anWS.Request(protocol.ReqConversationJoin, map[string]any{"conversationId": id, "afterSeq": 0}); f.Type != protocol.EvtAck {
		t.Fatalf("join: %s %s", f.Type, f.Data)
	}
	anWS.MessagesUntilReplayDone()
	visitorWS, _ := tm.dial(conv.VisitorToken, 0)
	visitorWS.MessagesUntilReplayDone()

	// 1: the first page reaches the agent and REST.
	if f := visitorWS.Request(protocol.ReqPageView, map[string]any{"path": "/san-pham/ao-thun?size=m", "title": "Áo thun\n cotton"}); f.Type != protocol.EvtAck {
		t.Fatalf("page.view: %s %s", f.Type, f.Data)
	}
	ev := clienttest.Data[protocol.VisitorPage](t, anWS.WaitType(protocol.EvtVisitorPage))
	if ev.ConversationID != id || ev.Page.Path != "/san-pham/ao-thun?size=m" || ev.Page.Title != "Áo thun cotton" || ev.Page.At.IsZero() {
		t.Fatalf("visitor.page: %+v", ev)
	}
	// 2: a second page within the minute: live and in REST at once.
	if f := visitorWS.Request(protocol.ReqPageView, map[string]any{"conversationId": id, "path": "/gio-hang", "title": "Giỏ hàng"}); f.Type != protocol.EvtAck {
		t.Fatalf("page.view 2: %s %s", f.Type, f.Data)
	}
	anWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtVisitorPage && strings.Contains(string(f.Data), "/gio-hang")
	}, "second visitor.page")
	var got struct{ Conversation *chat.Conversation }
	if st := tm.do("GET", "/api/conversations/"+id, tm.anTok, nil, &got); st != 200 || got.Conversation.Visitor.Page == nil || got.Conversation.Visitor.Page.Path != "/gio-hang" {
		t.Fatalf("REST current page: %d %+v", st, got.Conversation.Visitor.Page)
	}
	// The durable copy is the first of the window.
	if p := storedPagePath(t, tm.node, id); p != "/san-pham/ao-thun?size=m" {
		t.Fatalf("stored page: %q", p)
	}

	// Refusals: another conversation, an agent, bad paths.
	cases := []struct {
		name string
		ws   *clienttest.Conn
		data map[string]any
		code string
	}{
		{"another conversation", visitorWS, map[string]any{"conversationId": other.Conversation.ID, "path": "/x"}, chat.ENOTFOUND},
		{"an agent", anWS, map[string]any{"conversationId": id, "path": "/x"}, chat.EFORBIDDEN},
		{"full address", visitorWS, map[string]any{"path": "https://evil.example/"}, chat.EINVALID},
		{"too long", visitorWS, map[string]any{"path": "/" + strings.Repeat("a", chat.MaxPagePath)}, chat.EINVALID},
	}
	for _, c := range cases {
		if f := c.ws.Request(protocol.ReqPageView, c.data); clienttest.ErrorCode(t, f) != c.code {
			t.Fatalf("%s: %s %s, want %s", c.name, f.Type, f.Data, c.code)
		}
	}
	// The other conversation has no page (nothing leaked or overwritten).
	var o struct{ Conversation *chat.Conversation }
	if tm.do("GET", "/api/conversations/"+other.Conversation.ID, tm.anTok, nil, &o); o.Conversation.Visitor.Page != nil {
		t.Fatalf("other conversation got a page: %+v", o.Conversation.Visitor.Page)
	}
	// Rate limit: 5 a minute per conversation (2 sent + 2 refused bad inputs counted).
	checkfor.Eventually(t, 5*time.Second, func() (bool, string) {
		f := visitorWS.Request(protocol.ReqPageView, map[string]any{"path": "/lap-lai"})
		return f.Type == protocol.EvtError && clienttest.ErrorCode(t, f) == chat.ERATELIMITED, string(f.Data)
	})
}

// storedPagePath reads visitor.page.path of a conversation document as
// MongoDB holds it.
func storedPagePath(t *testing.T, n *node, id string) string {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(n.cfg.MongoURI))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	var doc struct {
		Visitor struct {
			Page struct {
				Path string `bson:"path"`
			} `bson:"page"`
		} `bson:"visitor"`
	}
	if err := client.Database(n.cfg.MongoDB).Collection("conversations").FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc.Visitor.Page.Path
}

// TestErasureForgetsTheVisitorsPage: erasing a contact deletes the live
// page its visitor reported (Redis), with its durable window; another
// contact's page stays.
func TestErasureForgetsTheVisitorsPage(t *testing.T) {
	tm := startTeam(t)
	erased := tm.newConversation("Khách Xoá", "0912000991", "Xin chào")
	kept := tm.newConversation("Khách Giữ", "0912000992", "Xin chào")
	for _, c := range []clienttest.Created{erased, kept} {
		ws, _ := tm.dial(c.VisitorToken, 0)
		if f := ws.Request(protocol.ReqPageView, map[string]any{"path": "/gio-hang", "title": "Giỏ hàng"}); f.Type != protocol.EvtAck {
			t.Fatalf("page.view: %s %s", f.Type, f.Data)
		}
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { _ = rdb.Close() })
	keys := func(id string) []string {
		page := tm.cfg.RedisPrefix + ":page:{" + id + "}"
		return []string{page, page + ":durable"}
	}
	count := func(id string) int64 {
		n, err := rdb.Exists(context.Background(), keys(id)...).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(erased.Conversation.ID) != 2 || count(kept.Conversation.ID) != 2 {
		t.Fatalf("before: %d and %d page keys, want 2 each (page, durable window)", count(erased.Conversation.ID), count(kept.Conversation.ID))
	}
	if st := tm.do("POST", "/api/admin/contacts/erase", tm.admin, map[string]string{"phone": "0912000991", "confirm": "0912000991"}, nil); st != 200 {
		t.Fatalf("erase: %d", st)
	}
	if n := count(erased.Conversation.ID); n != 0 {
		t.Errorf("the erased visitor's page: %d keys left in Redis", n)
	}
	if n := count(kept.Conversation.ID); n != 2 {
		t.Errorf("another contact's page: %d keys, want 2", n)
	}
}

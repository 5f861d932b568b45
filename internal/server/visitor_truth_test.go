package server

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Issue 14 through a whole node (real Redis, a MongoDB-wire server): what
// visitors are told about availability, office hours, their place in the
// queue, and read receipts.

// waitFrame waits for a frame of type typ whose data passes ok.
func waitFrame[T any](t *testing.T, c *clienttest.Conn, typ string, ok func(T) bool) T {
	t.Helper()
	var got T
	c.WaitFor(func(f clienttest.Frame) bool {
		if f.Type != typ {
			return false
		}
		var v T
		if json.Unmarshal(f.Data, &v) != nil || !ok(v) {
			return false
		}
		got = v
		return true
	}, typ)
	return got
}

func TestVisitorsAreOfflineWhileEveryAgentIsAway(t *testing.T) {
	tm := startTeam(t)
	an, _ := tm.dial(tm.anTok, 0)
	binh, _ := tm.dial(tm.binhTok, 0)
	conv := tm.newConversation("Khách Chờ", "0912345678", "Có ai không?")
	visitor, ready := tm.dial(conv.VisitorToken, 0)
	if r := clienttest.Data[protocol.SessionReady](t, ready); !r.SupportOnline {
		t.Fatal("two agents available: session.ready says support is offline")
	}
	for _, a := range []*clienttest.Conn{an, binh} {
		if f := a.Request(protocol.ReqAgentStatus, protocol.AgentStatus{Status: "away"}); f.Type != protocol.EvtAck {
			t.Fatalf("away: %s %s", f.Type, f.Data)
		}
	}
	waitFrame(t, visitor, protocol.EvtSupportStatus, func(s protocol.SupportStatus) bool { return !s.Online })
	var cfg struct {
		SupportOnline bool `json:"supportOnline"`
	}
	tm.do("GET", "/api/widget/config", "", nil, &cfg)
	if cfg.SupportOnline {
		t.Fatal("every agent away: the widget config says support is online")
	}
	var got struct {
		SupportOnline bool `json:"supportOnline"`
	}
	tm.do("GET", "/api/conversations/"+conv.Conversation.ID, conv.VisitorToken, nil, &got)
	if got.SupportOnline {
		t.Fatal("every agent away: GET /api/conversations/:id says support is online")
	}
	// Each agent sees the count of those who can take a chat.
	p := waitFrame(t, an, protocol.EvtAgentPresence, func(p protocol.AgentPresence) bool { return p.Status == "away" && p.OnlineCount == 0 })
	if p.Online != true {
		t.Fatalf("an away agent is still connected: %+v", p)
	}
	if f := binh.Request(protocol.ReqAgentStatus, protocol.AgentStatus{Status: "online"}); f.Type != protocol.EvtAck {
		t.Fatalf("back: %s %s", f.Type, f.Data)
	}
	waitFrame(t, visitor, protocol.EvtSupportStatus, func(s protocol.SupportStatus) bool { return s.Online })
}

func TestOfficeHoursThroughTheAPI(t *testing.T) {
	tm := startTeam(t)
	var h struct {
		OfficeHours chat.OfficeHours `json:"officeHours"`
	}
	if code := tm.do("GET", "/api/admin/office-hours", tm.anTok, nil, nil); code != http.StatusForbidden {
		t.Fatalf("an agent reading the office hours: %d, want 403", code)
	}
	if code := tm.do("GET", "/api/admin/office-hours", tm.admin, nil, &h); code != http.StatusOK || h.OfficeHours.Enabled || len(h.OfficeHours.Week) != 7 {
		t.Fatalf("defaults: %d %+v", code, h.OfficeHours)
	}
	// Closed today and every day but the day after tomorrow (in Vietnam).
	now := time.Now().In(chat.Vietnam)
	open := now.AddDate(0, 0, 2)
	week := make([]chat.DayHours, 7)
	for i := range week {
		week[i] = chat.DayHours{From: "08:00", To: "17:00"}
	}
	week[(int(open.Weekday())+6)%7].Open = true
	body := chat.OfficeHours{Enabled: true, Week: week, Holidays: []string{}, AwayMessage: "Chúng tôi nghỉ hôm nay.", ReplyTime: "Trong ngày làm việc"}
	var errAnswer clienttest.ErrorAnswer
	bad := body
	bad.Holidays = []string{"30/12/2026"}
	if code := tm.do("PUT", "/api/admin/office-hours", tm.admin, bad, &errAnswer); code != http.StatusBadRequest || errAnswer.Error.Fields["holidays"] == "" {
		t.Fatalf("a malformed holiday: %d %+v", code, errAnswer)
	}
	if code := tm.do("PUT", "/api/admin/office-hours", tm.admin, body, &h); code != http.StatusOK || !h.OfficeHours.Enabled {
		t.Fatalf("save: %d %+v", code, h.OfficeHours)
	}
	an, _ := tm.dial(tm.anTok, 0) // online, not away, but outside the hours
	_ = an
	var cfg struct {
		SupportOnline bool       `json:"supportOnline"`
		Open          bool       `json:"open"`
		NextOpen      *time.Time `json:"nextOpen"`
		AwayMessage   string     `json:"awayMessage"`
		ReplyTime     string     `json:"replyTime"`
	}
	tm.do("GET", "/api/widget/config", "", nil, &cfg)
	wantNext := time.Date(open.Year(), open.Month(), open.Day(), 8, 0, 0, 0, chat.Vietnam)
	if cfg.SupportOnline || cfg.Open || cfg.NextOpen == nil || !cfg.NextOpen.Equal(wantNext) || cfg.AwayMessage != "Chúng tôi nghỉ hôm nay." || cfg.ReplyTime != "Trong ngày làm việc" {
		t.Fatalf("widget config outside the hours: %+v, want closed until %s", cfg, wantNext)
	}
	conv := tm.newConversation("Khách Ngoài Giờ", "0912345678", "Tôi để lại lời nhắn.")
	if c := conv.Conversation; c.Status != chat.StatusWaiting || c.LeftMessage != chat.LeftOutsideHours {
		t.Fatalf("a conversation outside the hours: %s, leftMessage %q", c.Status, c.LeftMessage)
	}
}

func TestWaitingVisitorsAreToldTheirPlaceInTheQueue(t *testing.T) {
	tm := startTeam(t) // nobody online: every conversation waits
	var convs []clienttest.Created
	for _, name := range []string{"Khách Một", "Khách Hai", "Khách Ba"} {
		convs = append(convs, tm.newConversation(name, "0912345678", "Cho tôi hỏi."))
		time.Sleep(5 * time.Millisecond) // distinct creation times
	}
	third, ready := tm.dial(convs[2].VisitorToken, 0)
	r := clienttest.Data[protocol.SessionReady](t, ready)
	if r.Queue == nil || r.Queue.Position != 3 {
		t.Fatalf("session.ready queue %+v, want position 3", r.Queue)
	}
	first, ready := tm.dial(convs[0].VisitorToken, 0)
	if r := clienttest.Data[protocol.SessionReady](t, ready); r.Queue == nil || r.Queue.Position != 1 {
		t.Fatalf("first visitor: %+v", r.Queue)
	}
	// The REST fallback reads the same.
	var got struct {
		Queue *protocol.QueuePosition `json:"queue"`
	}
	tm.do("GET", "/api/conversations/"+convs[1].Conversation.ID, convs[1].VisitorToken, nil, &got)
	if got.Queue == nil || got.Queue.Position != 2 {
		t.Fatalf("GET …/conversations/:id queue %+v, want position 2", got.Queue)
	}
	// An takes the first one: the others move up, live.
	if code := tm.do("POST", "/api/conversations/"+convs[0].Conversation.ID+"/claim", tm.anTok, nil, nil); code != http.StatusOK {
		t.Fatalf("claim: %d", code)
	}
	waitFrame(t, third, protocol.EvtQueuePosition, func(q protocol.QueuePosition) bool { return q.Position == 2 })
	waitFrame(t, first, protocol.EvtQueuePosition, func(q protocol.QueuePosition) bool { return q.Position == 0 })
	// A new conversation queues behind: the third visitor is not told again.
	tm.newConversation("Khách Bốn", "0912345678", "")
	time.Sleep(1500 * time.Millisecond)
	for _, f := range third.Frames() {
		if f.Type == protocol.EvtQueuePosition {
			t.Fatalf("a conversation behind moved nothing, yet: %s", f.Data)
		}
	}
}

func TestReadReceiptsReachTheOtherSide(t *testing.T) {
	tm := startTeam(t)
	an, _ := tm.dial(tm.anTok, 0)
	conv := tm.newConversation("Khách Đọc", "0912345678", "Giá bao nhiêu ạ?") // seq 1
	tm.waitAssigned(tm.anTok, conv.Conversation.ID, "An")
	visitor, _ := tm.dial(conv.VisitorToken, 0)
	visitor.WaitType(protocol.EvtReplayDone)
	if f := an.Request(protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: conv.Conversation.ID}); f.Type != protocol.EvtAck {
		t.Fatalf("join: %s %s", f.Type, f.Data)
	}
	if f := an.Request(protocol.ReqConversationRead, protocol.ConversationRead{ConversationID: conv.Conversation.ID, Seq: 1}); f.Type != protocol.EvtAck {
		t.Fatalf("read: %s %s", f.Type, f.Data)
	}
	ch := waitFrame(t, visitor, protocol.EvtConversationUpdated, func(c protocol.ConversationChanged) bool {
		return c.Change == chat.ChangeRead && c.Conversation.AgentReadSeq == 1
	})
	if ch.Conversation.ID != conv.Conversation.ID {
		t.Fatalf("receipt of %s", ch.Conversation.ID)
	}
	sent := an.Request(protocol.ReqMessageSend, protocol.MessageSend{ConversationID: conv.Conversation.ID, ClientID: "a-1", Text: "Dạ 5 triệu ạ."})
	seq := clienttest.Data[protocol.MessageCreated](t, sent).Message.Seq
	if f := visitor.Request(protocol.ReqConversationRead, protocol.ConversationRead{Seq: seq}); f.Type != protocol.EvtAck {
		t.Fatalf("visitor read: %s %s", f.Type, f.Data)
	}
	waitFrame(t, an, protocol.EvtConversationUpdated, func(c protocol.ConversationChanged) bool {
		return c.Change == chat.ChangeRead && c.Conversation.VisitorReadSeq == seq
	})
}

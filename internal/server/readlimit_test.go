package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// sync, join and GET …/messages are transcript reads a client asks for,
// counted per reader by the local read-sender rule (#16, finding 8: 200
// syncs produced 8,040 frames).
func TestTranscriptReadsAreRateLimited(t *testing.T) {
	n := startNode(t, func(c *config.Config) {
		c.RateLimits = map[string]config.RateLimit{"read-sender": {Limit: 3, Period: time.Minute}}
	})
	v := n.newConversation("Khách", "0912000555", "Cho em hỏi")

	t.Run("visitor sync over WebSocket", func(t *testing.T) {
		ws, _ := n.dial(v.VisitorToken, 0) // the hello's own replay is not counted
		ws.MessagesUntilReplayDone()
		for i := 0; i < 3; i++ {
			if f := ws.Request(protocol.ReqSync, protocol.Sync{AfterSeq: 0}); f.Type != protocol.EvtAck {
				t.Fatalf("sync %d: %s %s", i+1, f.Type, f.Data)
			}
			ws.MessagesUntilReplayDone()
		}
		f := ws.Request(protocol.ReqSync, protocol.Sync{AfterSeq: 0})
		if clienttest.ErrorCode(t, f) != chat.ERATELIMITED || clienttest.Data[protocol.Error](t, f).RetryAfter <= 0 {
			t.Fatalf("fourth sync: %s %s", f.Type, f.Data)
		}
	})

	t.Run("agent join and REST pages share the agent's budget", func(t *testing.T) {
		tok, _ := n.login("an@chatdesk.local")
		ws, _ := n.dial(tok, 0)
		if f := ws.Request(protocol.ReqConversationJoin, protocol.ConversationJoin{ConversationID: v.Conversation.ID}); f.Type != protocol.EvtAck {
			t.Fatalf("join: %s %s", f.Type, f.Data)
		}
		path := fmt.Sprintf("/api/conversations/%s/messages?after=0&limit=500", v.Conversation.ID)
		for i := 0; i < 2; i++ {
			if st := n.do("GET", path, tok, nil, nil); st != 200 {
				t.Fatalf("page %d: %d", i+1, st)
			}
		}
		var e clienttest.ErrorAnswer
		if st := n.do("GET", path, tok, nil, &e); st != 429 || e.Error.Code != chat.ERATELIMITED {
			t.Fatalf("fourth read: %d %s", st, e.Error.Code)
		}
		// Another reader has its own budget.
		w := n.newConversation("Khách 2", "0912000556", "")
		if st := n.do("GET", "/api/conversations/"+w.Conversation.ID+"/messages?after=0", w.VisitorToken, nil, nil); st != 200 {
			t.Fatalf("the visitor's REST page after the agent's: %d", st)
		}
	})
}

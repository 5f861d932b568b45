package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// TestRating: only the conversation's visitor rates, only once it has been
// resolved (even if reopened since), stars 1–5; rating again overwrites.
func TestRating(t *testing.T) {
	n := startTeam(t)
	conv := n.newConversation("Khách đánh giá", "0912000401", "Cho em hỏi giá")
	other := n.newConversation("Khách khác", "0912000402", "")
	id := conv.Conversation.ID
	path := "/api/conversations/" + id + "/rating"
	if st := n.do("POST", "/api/conversations/"+id+"/claim", n.anTok, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	settle()

	type attempt struct {
		name   string
		token  string
		body   any
		status int
		code   string
		field  string
	}
	run := func(tests []attempt) {
		t.Helper()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var e clienttest.ErrorAnswer
				st := n.do("POST", path, tt.token, tt.body, &e)
				if st != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
					t.Fatalf("%d %q %q, want %d %s", st, e.Error.Code, e.Error.Message, tt.status, tt.code)
				}
				if tt.field != "" && e.Error.Fields[tt.field] == "" {
					t.Fatalf("no message for field %s: %v", tt.field, e.Error.Fields)
				}
			})
		}
	}
	five := map[string]any{"stars": 5}
	run([]attempt{
		{"before resolve", conv.VisitorToken, five, 409, "conflict", ""},
		{"by the assigned agent", n.anTok, five, 403, "forbidden", ""},
		{"by an admin", n.admin, five, 403, "forbidden", ""},
		{"by another visitor", other.VisitorToken, five, 404, "not_found", ""},
		{"anonymous", "", five, 401, "unauthorized", ""},
	})
	var e clienttest.ErrorAnswer
	n.do("POST", path, conv.VisitorToken, five, &e)
	if e.Error.Message != "Bạn có thể đánh giá sau khi cuộc trò chuyện kết thúc." {
		t.Errorf("too-early message %q", e.Error.Message)
	}

	ws, _ := n.dial(n.anTok, 0)
	if st := n.do("POST", "/api/conversations/"+id+"/resolve", n.anTok, nil, nil); st != 200 {
		t.Fatalf("resolve: %d", st)
	}
	settle()
	run([]attempt{
		{"zero stars", conv.VisitorToken, map[string]any{"stars": 0}, 400, "invalid_input", "stars"},
		{"six stars", conv.VisitorToken, map[string]any{"stars": 6}, 400, "invalid_input", "stars"},
		{"stars as a string", conv.VisitorToken, map[string]any{"stars": "5"}, 400, "invalid_input", "stars"},
		{"half a star", conv.VisitorToken, map[string]any{"stars": 4.5}, 400, "invalid_input", "stars"},
		{"no stars", conv.VisitorToken, map[string]any{"comment": "Tốt"}, 400, "invalid_input", "stars"},
		{"comment too long", conv.VisitorToken, map[string]any{"stars": 5, "comment": strings.Repeat("ồ", 501)}, 400, "invalid_input", "comment"},
		{"agent after resolve", n.anTok, five, 403, "forbidden", ""},
		{"another visitor after resolve", other.VisitorToken, five, 404, "not_found", ""},
	})

	rate := func(stars int, comment string) *chat.Conversation {
		t.Helper()
		var out convAnswer
		if st := n.do("POST", path, conv.VisitorToken, map[string]any{"stars": stars, "comment": comment}, &out); st != 200 {
			t.Fatalf("rate %d: %d", stars, st)
		}
		settle()
		return out.Conversation
	}
	got := rate(4, "  Nhân viên nhiệt tình  ")
	if got.Rating == nil || got.Rating.Stars != 4 || got.Rating.Comment != "Nhân viên nhiệt tình" || got.Rating.At.IsZero() {
		t.Fatalf("rating = %+v", got.Rating)
	}
	// Agents see it live, with the change "rated".
	f := ws.WaitFor(func(f clienttest.Frame) bool {
		var d struct {
			Change string `json:"change"`
		}
		_ = json.Unmarshal(f.Data, &d)
		return f.Type == protocol.EvtConversationUpdated && d.Change == "rated"
	}, "conversation.updated rated")
	if d := clienttest.Data[convAnswer](t, f); d.Conversation.Rating == nil || d.Conversation.Rating.Stars != 4 {
		t.Errorf("rated event carries %+v", d.Conversation.Rating)
	}
	// Rating again overwrites.
	rate(2, "")
	var stored struct{ Conversation *chat.Conversation }
	n.do("GET", "/api/conversations/"+id, n.anTok, nil, &stored)
	if r := stored.Conversation.Rating; r == nil || r.Stars != 2 || r.Comment != "" {
		t.Fatalf("stored rating after overwrite = %+v", r)
	}

	// A reopened conversation keeps its right to be rated.
	if st := n.do("POST", "/api/conversations/"+id+"/reopen", n.anTok, nil, &stored); st != 200 || stored.Conversation.Status != chat.StatusAssigned || stored.Conversation.ResolvedAt != nil {
		t.Fatalf("reopen: %d %+v", st, stored.Conversation)
	}
	settle()
	if got := rate(5, "Đã giải quyết xong"); got.Rating.Stars != 5 {
		t.Fatalf("rating after reopen = %+v", got.Rating)
	}

	// Each rating is a system message in the transcript.
	var notes []string
	for _, m := range n.messages(conv.VisitorToken, id, 0) {
		if m.SenderType == chat.SenderSystem && strings.HasPrefix(m.Text, "Khách đã đánh giá") {
			notes = append(notes, m.Text)
		}
	}
	if strings.Join(notes, "|") != "Khách đã đánh giá 4 sao.|Khách đã đánh giá 2 sao.|Khách đã đánh giá 5 sao." {
		t.Errorf("rating notices = %q", notes)
	}
}

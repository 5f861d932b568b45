package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// fakeLLM speaks the chat-completions API. Each request is recorded; the
// answer depends on the last user turn: "chậm" blocks until the request
// is abandoned or released, "lỗi" fails with 500, anything else is echoed.
type fakeLLM struct {
	*httptest.Server
	mu       sync.Mutex
	requests []llmRequest
	auth     []string
	arrived  chan string
	release  chan struct{}
	gaveUp   chan string
	delay    time.Duration // before every answer
}

type llmRequest struct {
	Model    string         `json:"model"`
	Messages []chat.BotTurn `json:"messages"`
}

func newFakeLLM(t *testing.T) *fakeLLM {
	f := &fakeLLM{arrived: make(chan string, 100), release: make(chan struct{}), gaveUp: make(chan string, 100)}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req llmRequest
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.Error(w, `{"error":{"message":"bad request"}}`, 400)
			return
		}
		last := req.Messages[len(req.Messages)-1].Content
		f.mu.Lock()
		f.requests = append(f.requests, req)
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		f.mu.Unlock()
		f.arrived <- last
		time.Sleep(f.delay)
		switch {
		case strings.Contains(last, "chậm"):
			select {
			case <-f.release:
			case <-r.Context().Done():
				f.gaveUp <- last
				return
			}
		case strings.Contains(last, "lỗi"):
			http.Error(w, `{"error":{"message":"model overloaded"}}`, 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "Bot trả lời: " + last}}}})
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeLLM) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

func (f *fakeLLM) waitArrived(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-f.arrived:
		if !strings.Contains(got, want) {
			t.Fatalf("the bot was asked about %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the bot was never asked about %q", want)
	}
}

// waitMessage polls the transcript until pred matches a message.
func (n *node) waitMessage(token, convID string, pred func(*chat.Message) bool, what string) *chat.Message {
	n.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range n.messages(token, convID, 0) {
			if pred(m) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.t.Fatalf("timeout waiting for %s", what)
	return nil
}

// enableBot saves bot settings pointing at llm (extra overrides them) as
// the admin.
func (n *node) enableBot(llm *fakeLLM, extra map[string]any) {
	n.t.Helper()
	admin, _ := n.login("admin@chatdesk.local")
	cfg := map[string]any{"enabled": true, "baseUrl": llm.URL + "/v1", "model": "gpt-test"}
	for k, v := range extra {
		cfg[k] = v
	}
	if st := n.do("PUT", "/api/admin/bot", admin, cfg, nil); st != 200 {
		n.t.Fatalf("enable bot: %d", st)
	}
}

func botMessages(ms []*chat.Message) (out []*chat.Message) {
	for _, m := range ms {
		if m.SenderType == chat.SenderBot {
			out = append(out, m)
		}
	}
	return out
}

func TestBotSettings(t *testing.T) {
	n := startTeam(t)
	var got struct{ Bot chat.BotSettings }
	if st := n.do("GET", "/api/admin/bot", n.admin, nil, &got); st != 200 || got.Bot.Enabled || got.Bot.Name != "Trợ lý ảo" || got.Bot.TimeoutSeconds != 15 || got.Bot.SystemPrompt == "" {
		t.Fatalf("defaults: %d %+v", st, got.Bot)
	}
	tests := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		field  string
	}{
		{"an agent", n.anTok, map[string]any{"enabled": false}, 403, ""},
		{"enabled without url", n.admin, map[string]any{"enabled": true, "model": "m"}, 400, "baseUrl"},
		{"enabled without model", n.admin, map[string]any{"enabled": true, "baseUrl": "http://127.0.0.1:9/v1"}, 400, "model"},
		{"not http", n.admin, map[string]any{"baseUrl": "file:///etc/passwd"}, 400, "baseUrl"},
		{"wait too long", n.admin, map[string]any{"waitSeconds": 5000}, 400, "waitSeconds"},
		{"timeout too long", n.admin, map[string]any{"timeoutSeconds": 61}, 400, "timeoutSeconds"},
		{"knowledge too long", n.admin, map[string]any{"knowledge": strings.Repeat("a", chat.MaxBotKnowledge+1)}, 400, "knowledge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e clienttest.ErrorAnswer
			if st := n.do("PUT", "/api/admin/bot", tt.token, tt.body, &e); st != tt.status || (tt.field != "" && e.Error.Fields[tt.field] == "") {
				t.Fatalf("%d %+v", st, e.Error)
			}
		})
	}
	body := map[string]any{"enabled": true, "baseUrl": "http://127.0.0.1:9/v1/", "model": "gpt-test", "apiKey": "sk-bi-mat"}
	if st := n.do("PUT", "/api/admin/bot", n.admin, body, &got); st != 200 || got.Bot.APIKey != "" || !got.Bot.APIKeySet || got.Bot.BaseURL != "http://127.0.0.1:9/v1" {
		t.Fatalf("save: %d %+v", st, got.Bot)
	}
	body["apiKey"] = ""
	body["name"] = "Mai"
	if st := n.do("PUT", "/api/admin/bot", n.admin, body, &got); st != 200 || !got.Bot.APIKeySet || got.Bot.Name != "Mai" {
		t.Fatalf("an empty key keeps the stored one: %d %+v", st, got.Bot)
	}
	if st := n.do("GET", "/api/admin/bot", n.admin, nil, &got); st != 200 || got.Bot.APIKey != "" || !got.Bot.APIKeySet {
		t.Fatalf("reload: %+v", got.Bot)
	}
}

// TestBotAnswersWhileNoAgent: with no agent online the bot answers each
// visitor message through the API, without delaying the visitor; it stops
// for good once the visitor asks for a person, and as soon as an agent owns
// the conversation (dropping an answer composed meanwhile); a slow or
// failing API posts nothing.
func TestBotAnswersWhileNoAgent(t *testing.T) {
	n := startTeam(t)
	llm := newFakeLLM(t)
	n.enableBot(llm, map[string]any{"apiKey": "sk-thu", "systemPrompt": "Bạn là trợ lý của Cửa hàng Hoa Mai.",
		"knowledge": "Giờ mở cửa: 8h–21h.", "timeoutSeconds": 1})
	send := func(token, id, clientID, text string) {
		t.Helper()
		if st := n.do("POST", "/api/conversations/"+id+"/messages", token, map[string]string{"clientId": clientID, "text": text}, nil); st != 201 {
			t.Fatalf("send %q: %d", text, st)
		}
	}

	conv := n.newConversation("Khách hỏi giờ", "0912000601", "Cửa hàng mở cửa mấy giờ?")
	id := conv.Conversation.ID
	vws, _ := n.dial(conv.VisitorToken, 0)
	llm.waitArrived(t, "mở cửa mấy giờ")
	first := n.waitMessage(conv.VisitorToken, id, func(m *chat.Message) bool { return m.SenderType == chat.SenderBot }, "the bot's first answer")
	if first.SenderName != "Trợ lý ảo" || first.Text != "Bot trả lời: Cửa hàng mở cửa mấy giờ?" {
		t.Fatalf("bot message %s", js(first))
	}
	// The first answer may be composed before the socket has subscribed
	// (typing is never replayed), so the typing indicator is checked on the
	// second message, sent once the replay is done.
	vws.WaitType(protocol.EvtReplayDone)
	settle() // the inbox preview is written coalesced
	var got struct{ Conversation *chat.Conversation }
	n.do("GET", "/api/conversations/"+id, n.anTok, nil, &got)
	if p := got.Conversation.LastMessage; p == nil || p.SenderType != chat.SenderBot || p.Text != first.Text || got.Conversation.UnreadVisit != 1 {
		t.Fatalf("inbox preview after the bot's answer: %s", js(got.Conversation))
	}
	llm.mu.Lock()
	req, auth := llm.requests[0], llm.auth[0]
	llm.mu.Unlock()
	if auth != "Bearer sk-thu" || req.Model != "gpt-test" || req.Messages[0].Role != "system" ||
		!strings.Contains(req.Messages[0].Content, "Cửa hàng Hoa Mai") || !strings.Contains(req.Messages[0].Content, "Giờ mở cửa: 8h–21h.") ||
		req.Messages[len(req.Messages)-1].Role != "user" {
		t.Fatalf("request %s auth %q", js(req), auth)
	}

	send(conv.VisitorToken, id, "v2", "Còn hàng size M không?")
	llm.waitArrived(t, "size M")
	vws.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtTyping && strings.Contains(string(f.Data), `"senderType":"bot"`)
	}, "the bot's typing indicator")
	n.waitMessage(conv.VisitorToken, id, func(m *chat.Message) bool { return m.Text == "Bot trả lời: Còn hàng size M không?" }, "the second answer")
	llm.mu.Lock()
	history := llm.requests[1].Messages
	llm.mu.Unlock()
	if len(history) != 4 || history[2].Role != "assistant" || history[2].Content != first.Text {
		t.Fatalf("the second request lacks the conversation: %s", js(history))
	}

	// A slow API: the visitor's message is acknowledged while the bot's
	// request is still open, and nothing is posted after the timeout.
	send(conv.VisitorToken, id, "v3", "Trả lời chậm thôi")
	llm.waitArrived(t, "chậm")
	select {
	case <-llm.gaveUp:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot did not give up after its 1 s timeout")
	}
	// A failing API: nothing posted either.
	send(conv.VisitorToken, id, "v4", "Gây lỗi đi")
	llm.waitArrived(t, "lỗi")
	settle()
	if bots := botMessages(n.messages(n.anTok, id, 0)); len(bots) != 2 {
		t.Fatalf("%d bot messages after a timeout and an error, want 2", len(bots))
	}

	// The visitor asks for a person.
	other := n.newConversation("Khách khác", "0912000602", "")
	anWS, _ := n.dial(n.anTok, 0) // to see what agents are told
	for _, tt := range []struct {
		name, token string
		status      int
	}{{"an agent", n.anTok, 403}, {"another visitor", other.VisitorToken, 404}, {"anonymous", "", 401}} {
		if st := n.do("POST", "/api/conversations/"+id+"/handoff", tt.token, nil, nil); st != tt.status {
			t.Fatalf("handoff by %s: %d, want %d", tt.name, st, tt.status)
		}
	}
	var out struct{ Conversation *chat.Conversation }
	if st := n.do("POST", "/api/conversations/"+id+"/handoff", conv.VisitorToken, nil, &out); st != 200 || out.Conversation.HandoffAt == nil {
		t.Fatalf("handoff: %d %s", st, js(out.Conversation))
	}
	anWS.WaitFor(func(f clienttest.Frame) bool {
		return f.Type == protocol.EvtConversationUpdated && strings.Contains(string(f.Data), `"change":"handoff"`)
	}, "agents told of the handoff")
	again := out.Conversation.HandoffAt
	if st := n.do("POST", "/api/conversations/"+id+"/handoff", conv.VisitorToken, nil, &out); st != 200 || !out.Conversation.HandoffAt.Equal(*again) {
		t.Fatalf("second handoff changed it: %s", js(out.Conversation))
	}
	n.waitMessage(n.anTok, id, func(m *chat.Message) bool {
		return m.SenderType == chat.SenderSystem && m.Text == "Khách muốn gặp nhân viên hỗ trợ."
	}, "the handoff notice")
	var notices int
	for _, m := range n.messages(n.anTok, id, 0) {
		if m.Text == "Khách muốn gặp nhân viên hỗ trợ." {
			notices++
		}
	}
	if notices != 1 {
		t.Fatalf("%d handoff notices", notices)
	}
}

// TestBotStopsForAnAgent: an answer composed while an agent claims the
// conversation is dropped, and once an agent is online and owns it the bot
// is not asked again.
func TestBotStopsForAnAgent(t *testing.T) {
	n := startTeam(t)
	llm := newFakeLLM(t)
	n.enableBot(llm, map[string]any{"timeoutSeconds": 30})
	conv := n.newConversation("Khách chờ", "0912000701", "Cho hỏi chậm một chút")
	id := conv.Conversation.ID
	llm.waitArrived(t, "chậm")
	if st := n.do("POST", "/api/conversations/"+id+"/claim", n.anTok, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	close(llm.release) // the bot's answer arrives after the claim
	anWS, _ := n.dial(n.anTok, 0)
	if r := anWS.Request(protocol.ReqMessageSend, map[string]any{"conversationId": id, "clientId": "a1", "text": "Chào anh, em là An."}); r.Type == protocol.EvtError {
		t.Fatalf("agent send: %s", r.Data)
	}
	if st := n.do("POST", "/api/conversations/"+id+"/messages", conv.VisitorToken, map[string]string{"clientId": "v2", "text": "Cảm ơn em"}, nil); st != 201 {
		t.Fatalf("visitor send: %d", st)
	}
	n.waitMessage(n.anTok, id, func(m *chat.Message) bool { return m.ClientID == "v2" }, "the visitor's reply")
	settle()
	settle()
	if bots := botMessages(n.messages(n.anTok, id, 0)); len(bots) != 0 {
		t.Fatalf("bot spoke in an owned conversation: %s", js(bots))
	}
	if c := llm.calls(); c != 1 {
		t.Fatalf("the bot was asked %d times, want 1 (before the claim only)", c)
	}
}

// TestBotAfterWait: with agents online but none available (away), a
// conversation that has waited waitSeconds gets the bot's answer from the
// janitor's sweep, without a new visitor message.
func TestBotAfterWait(t *testing.T) {
	n := startTeam(t)
	llm := newFakeLLM(t)
	anWS, _ := n.dial(n.anTok, 0)
	if r := anWS.Request(protocol.ReqAgentStatus, map[string]any{"status": "away"}); r.Type == protocol.EvtError {
		t.Fatalf("away: %s", r.Data)
	}
	n.enableBot(llm, map[string]any{"waitSeconds": 1})
	conv := n.newConversation("Khách đợi", "0912000801", "Có ai không ạ?")
	if conv.Conversation.Status != chat.StatusWaiting {
		t.Fatalf("status %s, want waiting (An is away)", conv.Conversation.Status)
	}
	m := n.waitMessage(conv.VisitorToken, conv.Conversation.ID, func(m *chat.Message) bool { return m.SenderType == chat.SenderBot }, "the bot after the wait")
	if m.Text != "Bot trả lời: Có ai không ạ?" || llm.calls() != 1 {
		t.Fatalf("answer %s after %d calls", js(m), llm.calls())
	}
}

// TestBotAcrossNodes: a burst of visitor messages spread over two nodes
// gets answers without duplicates: the bot's turns are serialised per
// conversation in Redis, and a turn that finds the latest message answered
// does nothing.
func TestBotAcrossNodes(t *testing.T) {
	a, b := startTwoNodes(t)
	llm := newFakeLLM(t)
	llm.delay = 150 * time.Millisecond
	a.enableBot(llm, nil)
	admin, _ := a.login("admin@chatdesk.local")
	conv := a.newConversation("Khách hai máy", "0912000901", "")
	id := conv.Conversation.ID
	const burst = 8
	var wg sync.WaitGroup
	for i := 0; i < burst; i++ {
		n := a
		if i%2 == 1 {
			n = b
		}
		wg.Add(1)
		go func(n *node, i int) {
			defer wg.Done()
			if st := n.do("POST", "/api/conversations/"+id+"/messages", conv.VisitorToken, map[string]string{"clientId": fmt.Sprintf("v%d", i), "text": fmt.Sprintf("Câu hỏi %d", i)}, nil); st != 201 {
				t.Errorf("send %d: %d", i, st)
			}
		}(n, i)
	}
	wg.Wait()
	// Settled when the last message is the bot's and no turn is running.
	var ms []*chat.Message
	deadline := time.Now().Add(20 * time.Second)
	for {
		ms = a.messages(admin, id, 0)
		if len(ms) > 0 && ms[len(ms)-1].SenderType == chat.SenderBot {
			settle()
			if again := a.messages(admin, id, 0); len(again) == len(ms) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the burst was not answered: %s", js(ms))
		}
		time.Sleep(100 * time.Millisecond)
	}
	bots := botMessages(ms)
	for i := 1; i < len(ms); i++ {
		if ms[i].SenderType == chat.SenderBot && ms[i-1].SenderType == chat.SenderBot {
			t.Fatalf("two bot answers in a row at seq %d: %s", ms[i].Seq, js(ms))
		}
	}
	if len(bots) < 1 || len(bots) > burst || llm.calls() != len(bots) {
		t.Fatalf("%d bot answers from %d calls for %d messages", len(bots), llm.calls(), burst)
	}
	t.Logf("%d visitor messages over two nodes, %d bot answers", burst, len(bots))
}

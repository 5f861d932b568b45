package server

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// TestBotKeyNeedsRetypingForNewURL: the stored, write-only API key is not
// sent to a new baseUrl unless an admin types it again (issue #16,
// finding 6).
func TestBotKeyNeedsRetypingForNewURL(t *testing.T) {
	n := startNode(t)
	admin, _ := n.login("admin@chatdesk.local")
	body := map[string]any{"enabled": true, "baseUrl": "https://api.openai.com/v1", "model": "gpt-test", "apiKey": "sk-bi-mat"}
	if st := n.do("PUT", "/api/admin/bot", admin, body, nil); st != 200 {
		t.Fatalf("save: %d", st)
	}
	body["apiKey"] = ""
	body["baseUrl"] = "https://attacker.example/v1"
	var e clienttest.ErrorAnswer
	if st := n.do("PUT", "/api/admin/bot", admin, body, &e); st != 400 || e.Error.Code != "invalid_input" || e.Error.Fields["apiKey"] == "" {
		t.Fatalf("new URL with the stored key: %d %+v", st, e.Error)
	}
	var got struct {
		Bot struct {
			BaseURL   string `json:"baseUrl"`
			APIKeySet bool   `json:"apiKeySet"`
		}
	}
	if n.do("GET", "/api/admin/bot", admin, nil, &got); got.Bot.BaseURL != "https://api.openai.com/v1" || !got.Bot.APIKeySet {
		t.Fatalf("stored settings changed: %+v", got.Bot)
	}
	// Same URL: the key is kept; a new URL with the key typed again: saved.
	body["baseUrl"] = "https://api.openai.com/v1/"
	if st := n.do("PUT", "/api/admin/bot", admin, body, nil); st != 200 {
		t.Fatalf("same URL, key kept: %d", st)
	}
	body["baseUrl"], body["apiKey"] = "https://llm.example.vn/v1", "sk-moi"
	if st := n.do("PUT", "/api/admin/bot", admin, body, &got); st != 200 || got.Bot.BaseURL != "https://llm.example.vn/v1" {
		t.Fatalf("new URL with a new key: %d %+v", st, got.Bot)
	}
}

package chat

import (
	"strings"
	"testing"
)

func TestBotKeyDoesNotFollowANewURL(t *testing.T) {
	const stored = "https://api.openai.com/v1"
	tests := []struct {
		name      string
		b         BotSettings
		storedKey bool
		ok        bool
	}{
		{"same URL, key kept", BotSettings{BaseURL: stored}, true, true},
		{"same URL with a trailing slash", BotSettings{BaseURL: stored + "/ "}, true, true},
		{"new URL, key typed again", BotSettings{BaseURL: "https://llm.example.vn/v1", APIKey: "sk-moi"}, true, true},
		{"new URL, no key stored", BotSettings{BaseURL: "https://llm.example.vn/v1"}, false, true},
		{"URL cleared (the key goes nowhere)", BotSettings{BaseURL: ""}, true, true},
		{"new URL, empty key", BotSettings{BaseURL: "https://attacker.example/v1"}, true, false},
		{"new URL, blank key", BotSettings{BaseURL: "https://attacker.example/v1", APIKey: "  "}, true, false},
		{"same host, other path", BotSettings{BaseURL: "https://api.openai.com/v2"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBotKeyKept(tt.b, stored, tt.storedKey)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if e, _ := AsError(err); e.Code != EINVALID || !strings.Contains(e.Fields["apiKey"], "khóa API") {
					t.Fatalf("error %+v", e)
				}
			}
		})
	}
	// The service's entry point: both the rule and the other checks, in
	// one answer.
	b := BotSettings{BaseURL: "https://attacker.example/v1", WaitSeconds: -1}
	err := ValidateBotUpdate(&b, BotSettings{BaseURL: stored, APIKey: "sk-cu"})
	if e, ok := AsError(err); !ok || e.Fields["apiKey"] == "" || e.Fields["waitSeconds"] == "" {
		t.Fatalf("ValidateBotUpdate: %v", err)
	}
	b = BotSettings{BaseURL: stored}
	if err := ValidateBotUpdate(&b, BotSettings{BaseURL: stored, APIKey: "sk-cu"}); err != nil || b.APIKey != "sk-cu" {
		t.Fatalf("same URL: %v %q", err, b.APIKey)
	}
}

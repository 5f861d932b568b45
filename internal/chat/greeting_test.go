package chat

import (
	"strings"
	"testing"
)

func TestValidateGreetings(t *testing.T) {
	ok := GreetingRule{Pattern: "/san-pham/*", DelaySeconds: 5, Text: "Bạn cần tư vấn size không?", Enabled: true}
	many := make([]GreetingRule, MaxGreetings+1)
	for i := range many {
		many[i] = ok
	}
	tests := []struct {
		name  string
		rules []GreetingRule
		field string // "" when valid
	}{
		{"none", nil, ""},
		{"wildcard", []GreetingRule{ok}, ""},
		{"contains, disabled, zero delay", []GreetingRule{{Pattern: "khuyen-mai", Text: "Xem ưu đãi?"}}, ""},
		{"too many", many, "greetings"},
		{"empty pattern", []GreetingRule{{Pattern: "  ", DelaySeconds: 1, Text: "x"}}, "greetings.0.pattern"},
		{"space in pattern", []GreetingRule{ok, {Pattern: "/a b", Text: "x"}}, "greetings.1.pattern"},
		{"double star", []GreetingRule{{Pattern: "/a/**", Text: "x"}}, "greetings.0.pattern"},
		{"long pattern", []GreetingRule{{Pattern: "/" + strings.Repeat("a", MaxGreetingPattern), Text: "x"}}, "greetings.0.pattern"},
		{"negative delay", []GreetingRule{{Pattern: "/", DelaySeconds: -1, Text: "x"}}, "greetings.0.delaySeconds"},
		{"long delay", []GreetingRule{{Pattern: "/", DelaySeconds: MaxGreetingDelay + 1, Text: "x"}}, "greetings.0.delaySeconds"},
		{"empty text", []GreetingRule{{Pattern: "/", Text: " \n "}}, "greetings.0.text"},
		{"long text", []GreetingRule{{Pattern: "/", Text: strings.Repeat("ă", MaxGreetingText+1)}}, "greetings.0.text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ValidateGreetings(tt.rules)
			if tt.field == "" {
				if len(f) != 0 {
					t.Fatalf("fields %v, want none", f)
				}
				return
			}
			if f[tt.field] == "" {
				t.Fatalf("fields %v, want %s", f, tt.field)
			}
		})
	}
}

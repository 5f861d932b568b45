package server

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// TestProactiveGreetings: only an admin sets the greeting rules; bad rules
// are refused with a Vietnamese message per field and change nothing; the
// enabled rules reach the widget in GET /api/widget/config (no extra
// request); a settings body without "greetings" keeps them.
func TestProactiveGreetings(t *testing.T) {
	tm := startTeam(t)
	var cur struct{ Settings map[string]any }
	if st := tm.do("GET", "/api/admin/settings", tm.admin, nil, &cur); st != 200 {
		t.Fatalf("settings: %d", st)
	}
	with := func(greetings any) map[string]any {
		b := map[string]any{}
		for k, v := range cur.Settings {
			b[k] = v
		}
		if greetings == nil {
			delete(b, "greetings")
		} else {
			b["greetings"] = greetings
		}
		return b
	}
	rules := []map[string]any{
		{"pattern": "/san-pham/*", "delaySeconds": 5, "text": "Bạn cần tư vấn size không?", "enabled": true},
		{"pattern": "khuyen-mai", "delaySeconds": 0, "text": "Đang tắt", "enabled": false},
	}
	// Agents and visitors may not.
	if st := tm.do("PUT", "/api/admin/settings", tm.anTok, with(rules), nil); st != 403 {
		t.Fatalf("agent PUT: %d, want 403", st)
	}
	conv := tm.newConversation("Khách Chào", "0912000993", "")
	if st := tm.do("PUT", "/api/admin/settings", conv.VisitorToken, with(rules), nil); st != 401 && st != 403 {
		t.Fatalf("visitor PUT: %d", st)
	}
	// Bad rules: 400 with the field, nothing saved.
	bad := []struct {
		name  string
		rule  map[string]any
		field string
	}{
		{"space in pattern", map[string]any{"pattern": "/a b", "delaySeconds": 1, "text": "x", "enabled": true}, "greetings.0.pattern"},
		{"delay too long", map[string]any{"pattern": "/a", "delaySeconds": 601, "text": "x", "enabled": true}, "greetings.0.delaySeconds"},
		{"empty text", map[string]any{"pattern": "/a", "delaySeconds": 1, "text": " ", "enabled": true}, "greetings.0.text"},
	}
	for _, b := range bad {
		var e clienttest.ErrorAnswer
		if st := tm.do("PUT", "/api/admin/settings", tm.admin, with([]map[string]any{b.rule}), &e); st != 400 || e.Error.Code != chat.EINVALID || e.Error.Fields[b.field] == "" {
			t.Fatalf("%s: %d %+v", b.name, st, e)
		}
	}
	many := make([]map[string]any, chat.MaxGreetings+1)
	for i := range many {
		many[i] = rules[0]
	}
	if st := tm.do("PUT", "/api/admin/settings", tm.admin, with(many), nil); st != 400 {
		t.Fatalf("too many rules: %d", st)
	}
	var wc struct{ Greetings [][]any }
	tm.do("GET", "/api/widget/config", "", nil, &wc)
	if len(wc.Greetings) != 0 {
		t.Fatalf("refused rules reached the widget: %v", wc.Greetings)
	}

	// The admin saves; the widget config carries the enabled one only.
	if st := tm.do("PUT", "/api/admin/settings", tm.admin, with(rules), nil); st != 200 {
		t.Fatalf("admin PUT: %d", st)
	}
	tm.do("GET", "/api/widget/config", "", nil, &wc)
	if len(wc.Greetings) != 1 || wc.Greetings[0][0] != "/san-pham/*" || wc.Greetings[0][1] != float64(5) || wc.Greetings[0][2] != "Bạn cần tư vấn size không?" {
		t.Fatalf("widget greetings: %v", wc.Greetings)
	}
	// A body without greetings keeps them.
	if st := tm.do("PUT", "/api/admin/settings", tm.admin, with(nil), nil); st != 200 {
		t.Fatalf("PUT without greetings: %d", st)
	}
	var after struct{ Settings chat.Settings }
	tm.do("GET", "/api/admin/settings", tm.admin, nil, &after)
	if len(after.Settings.Greetings) != 2 || after.Settings.Greetings[1].Pattern != "khuyen-mai" || after.Settings.Greetings[1].Enabled {
		t.Fatalf("kept greetings: %+v", after.Settings.Greetings)
	}
}

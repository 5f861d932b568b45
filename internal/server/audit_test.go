package server

import (
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

type auditPage struct {
	Items []*chat.AuditEntry `json:"items"`
	Next  *string            `json:"next"`
}

// auditLog reads the whole log (newest first) as actions.
func auditLog(t *testing.T, n *node, tok string) []*chat.AuditEntry {
	t.Helper()
	var all []*chat.AuditEntry
	path := "/api/admin/audit?limit=2"
	for i := 0; i < 100; i++ {
		var p auditPage
		if st := n.do("GET", path, tok, nil, &p); st != 200 {
			t.Fatalf("GET %s: %d", path, st)
		}
		all = append(all, p.Items...)
		if p.Next == nil {
			return all
		}
		path = "/api/admin/audit?limit=2&before=" + *p.Next
	}
	t.Fatal("the audit log does not end")
	return nil
}

// Settings and account changes are in the audit log — who, what, when,
// from where — which admins read and nobody can change.
func TestAuditLogRecordsAdminChangesAndIsAppendOnly(t *testing.T) {
	n := startNode(t)
	admin, _ := n.login("admin@chatdesk.local")
	an, anAgent := n.login("an@chatdesk.local")

	var set struct{ Settings chat.Settings }
	n.do("GET", "/api/admin/settings", admin, nil, &set)
	set.Settings.WidgetTitle = "Hỗ trợ khách hàng"
	if st := n.do("PUT", "/api/admin/settings", admin, set.Settings, nil); st != 200 {
		t.Fatalf("settings: %d", st)
	}
	if st := n.do("PATCH", "/api/admin/agents/"+anAgent.ID, admin, map[string]any{"password": "matkhau-moi-456"}, nil); st != 200 {
		t.Fatalf("agent: %d", st)
	}
	if st := n.do("POST", "/api/admin/form-fields", admin, map[string]any{"key": "order", "label": "Mã đơn", "type": "text", "enabled": true}, nil); st != 201 {
		t.Fatalf("form field: %d", st)
	}
	var hours struct{ OfficeHours chat.OfficeHours }
	n.do("GET", "/api/admin/office-hours", admin, nil, &hours)
	hours.OfficeHours.Enabled = true
	if st := n.do("PUT", "/api/admin/office-hours", admin, hours.OfficeHours, nil); st != 200 {
		t.Fatalf("office hours: %d", st)
	}

	log := auditLog(t, n, admin)
	want := []string{chat.AuditSettingsChanged, chat.AuditFormChanged, chat.AuditAgentUpdated, chat.AuditSettingsChanged}
	if len(log) < len(want) {
		t.Fatalf("log: %d entries", len(log))
	}
	for i, action := range want {
		e := log[i]
		if e.Action != action || e.ActorName != "Quản trị" || e.ActorRole != "admin" || e.IP == "" || e.At.IsZero() {
			t.Fatalf("entry %d: %+v, want %s by the admin", i, e, action)
		}
	}
	if d := log[2].Detail; d == "" || log[2].Target != anAgent.ID || strings.Contains(d, "matkhau") {
		t.Fatalf("agent change detail %q (target %s)", d, log[2].Target)
	}
	if log[0].Target != "office-hours" || !strings.HasPrefix(log[0].Detail, "Cập nhật giờ làm việc: bật") {
		t.Fatalf("office hours entry: %+v", log[0])
	}

	// Agents cannot read it; nobody can change or delete an entry.
	var e clienttest.ErrorAnswer
	if st := n.do("GET", "/api/admin/audit", an, nil, &e); st != 401 && st != 403 {
		t.Fatalf("an agent reading the log: %d", st)
	}
	for _, m := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		for _, p := range []string{"/api/admin/audit", "/api/admin/audit/" + log[0].ID} {
			if st := n.do(m, p, admin, map[string]any{}, nil); st != 404 {
				t.Fatalf("%s %s: %d, want 404 (no such operation)", m, p, st)
			}
		}
	}
	if again := auditLog(t, n, admin); len(again) != len(log) {
		t.Fatalf("the log changed: %d → %d entries", len(log), len(again))
	}
}

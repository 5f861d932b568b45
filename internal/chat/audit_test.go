package chat

import (
	"os"
	"strings"
	"testing"
)

// TestEveryAuditActionHasADashboardLabel: the dashboard's audit log page
// names every action the server writes (web-dashboard's audit.js), so a
// new action cannot reach admins as a raw code.
func TestEveryAuditActionHasADashboardLabel(t *testing.T) {
	src, err := os.ReadFile("../../web-dashboard/src/features/privacy/audit.js")
	if err != nil {
		t.Skip("no dashboard sources:", err)
	}
	for _, a := range AuditActions {
		if !strings.Contains(string(src), "'"+a+"':") {
			t.Errorf("audit.js has no label for %q", a)
		}
	}
}

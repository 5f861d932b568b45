package httpapi

import (
	"github.com/chatdesk/chatdesk/internal/desk"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// staticServer is the REST engine without a service: enough for the routes
// that serve files and pages.
func staticServer(t *testing.T, dashboard, publicURL string) http.Handler {
	t.Helper()
	// The static files need no service: a core with no services serves
	// them (an API route would fail, none is called here).
	r, err := New(&desk.Core{}, Config{DashboardDir: dashboard, PublicURL: publicURL, WidgetFile: filepath.Join(dashboard, "none.js")},
		slog.New(slog.NewTextHandler(io.Discard, nil)), Extra{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func builtDashboard(t *testing.T) string {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"index.html":              `<!doctype html><title>chatdesk</title><script type="module" src="/dashboard/assets/index-abc123.js"></script>`,
		"assets/index-abc123.js":  `console.log("dashboard")`,
		"assets/index-abc123.css": `body{}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Host = "chat.example.vn:8443"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestDashboardFiles: unknown asset paths are 404 (not index.html cached
// for a year under the asset's name); client-side routes still get the SPA.
func TestDashboardFiles(t *testing.T) {
	h := staticServer(t, builtDashboard(t), "")
	tests := []struct {
		path        string
		status      int
		contentType string
		body        string
		cache       string
	}{
		{"/dashboard/", 200, "text/html", "<title>chatdesk", "no-cache"},
		{"/dashboard/inbox/65f0c0ffee0123456789abcd", 200, "text/html", "<title>chatdesk", "no-cache"},
		{"/dashboard/admin/settings", 200, "text/html", "<title>chatdesk", "no-cache"},
		{"/dashboard/assets/index-abc123.js", 200, "javascript", `console.log("dashboard")`, "public, max-age=31536000, immutable"},
		{"/dashboard/assets/index-abc123.css", 200, "text/css", "body{}", "public, max-age=31536000, immutable"},
		{"/dashboard/assets/anything", 404, "application/json", "not_found", ""},
		{"/dashboard/assets/index-old999.js", 404, "application/json", "not_found", ""},
		{"/dashboard/assets/", 404, "application/json", "not_found", ""},
		{"/dashboard/assets", 404, "application/json", "not_found", ""},
		{"/dashboard/favicon.ico", 404, "application/json", "not_found", ""},
		{"/dashboard/../../../etc/passwd", 400, "text/plain", "invalid URL path", ""}, // net/http refuses dot-dot
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := get(t, h, tt.path)
			if w.Code != tt.status || !strings.Contains(w.Header().Get("Content-Type"), tt.contentType) || !strings.Contains(w.Body.String(), tt.body) {
				t.Fatalf("%d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			if got := w.Header().Get("Cache-Control"); got != tt.cache {
				t.Fatalf("Cache-Control %q, want %q", got, tt.cache)
			}
		})
	}
}

// TestSecurityHeadersFromTheNode: every answer carries nosniff, a referrer
// policy, no framing and a CSP, without Nginx; HTML pages carry the
// dashboard's policy.
func TestSecurityHeadersFromTheNode(t *testing.T) {
	built := staticServer(t, builtDashboard(t), "")
	notBuilt := staticServer(t, t.TempDir(), "")
	public := staticServer(t, builtDashboard(t), "https://chat.example.vn")
	const page = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' "
	tests := []struct {
		name string
		h    http.Handler
		path string
		csp  string // prefix
	}{
		{"dashboard", built, "/dashboard/", page + "ws://chat.example.vn:8443 wss://chat.example.vn:8443; "},
		{"client-side route", built, "/dashboard/history", page},
		{"dashboard before it is built", notBuilt, "/dashboard/", page},
		{"dashboard behind a public https URL", public, "/dashboard/", page + "wss://chat.example.vn; media-src"},
		{"demo page", built, "/demo", page},
		{"asset", built, "/dashboard/assets/index-abc123.js", page},
		{"missing asset", built, "/dashboard/assets/nope.js", "default-src 'none'; frame-ancestors 'none'"},
		{"API error", built, "/api/nothing-here", "default-src 'none'; frame-ancestors 'none'"},
		{"health", built, "/healthz", "default-src 'none'; frame-ancestors 'none'"},
		{"redirect", built, "/", "default-src 'none'; frame-ancestors 'none'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, tt.h, tt.path)
			h := w.Header()
			csp := h.Get("Content-Security-Policy")
			if !strings.HasPrefix(csp, tt.csp) || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP %q, want prefix %q", csp, tt.csp)
			}
			if strings.HasPrefix(tt.csp, page) && (!strings.Contains(csp, "object-src 'none'") || !strings.Contains(csp, "base-uri 'self'")) {
				t.Errorf("page CSP %q", csp)
			}
			if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
				t.Errorf("headers %v", h)
			}
		})
	}
	// A hostile Host header never reaches the policy.
	req := httptest.NewRequest("GET", "/dashboard/", nil)
	req.Host = "evil; script-src *"
	w := httptest.NewRecorder()
	built.ServeHTTP(w, req)
	if csp := w.Header().Get("Content-Security-Policy"); strings.Contains(csp, "evil") || strings.Contains(csp, "script-src *") {
		t.Fatalf("CSP %q", csp)
	}
}

// TestDemoPage: /demo embeds the widget and drives it through its
// JavaScript API with /demo.js (its own origin's script: the page's CSP
// allows no inline script), and holds nothing secret.
func TestDemoPage(t *testing.T) {
	h := staticServer(t, builtDashboard(t), "https://chat.example.vn")
	tests := []struct {
		path, contentType string
		want              []string
	}{
		{"/demo", "text/html", []string{
			`<script src="/demo.js?v=`, `src="/widget.js?v=`, `data-server="https://chat.example.vn"`,
			"c.q.push([m, arguments])", "setUser", "setFields", `id="events"`,
		}},
		{"/demo.js", "application/javascript", []string{
			"c.q.push([m, arguments])", "window.ChatDesk.setUser(u)", "window.ChatDesk.setFields(f)", "'ready', 'open', 'close', 'message', 'unread'", "textContent",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := get(t, h, tt.path)
			body := w.Body.String()
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), tt.contentType) {
				t.Fatalf("%d %q", w.Code, w.Header().Get("Content-Type"))
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("%s lacks %q", tt.path, s)
				}
			}
			for _, s := range []string{"idsec_", "innerHTML", "<script>"} {
				if strings.Contains(body, s) {
					t.Errorf("%s holds %q", tt.path, s)
				}
			}
		})
	}
	// Without a public URL the origin comes from the request, escaped.
	req := httptest.NewRequest("GET", "/demo", nil)
	req.Host = `x"><script>alert(1)</script>`
	w := httptest.NewRecorder()
	staticServer(t, builtDashboard(t), "").ServeHTTP(w, req)
	if strings.Contains(w.Body.String(), "<script>alert(1)") {
		t.Fatalf("the Host header reached the page unescaped")
	}
}

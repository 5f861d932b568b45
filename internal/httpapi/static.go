package httpapi

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// static serves the widget bundle, the dashboard SPA and the demo page.
func (s *Server) static(r *gin.Engine) {
	r.GET("/widget.js", s.widgetJS)
	r.HEAD("/widget.js", s.widgetJS)
	r.GET("/widget.en.json", s.widgetStrings)
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/dashboard/") })
	r.GET("/dashboard", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/dashboard/") })
	r.GET("/dashboard/*path", s.dashboard)
	r.GET("/demo", s.demo)
	r.GET("/demo.js", s.demoScript)
}

func (s *Server) widgetJS(c *gin.Context) {
	c.Header("Content-Type", "application/javascript; charset=utf-8")
	if c.Query("v") != "" {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	if _, err := os.Stat(s.cfg.WidgetFile); err != nil {
		// Before the widget is built, answer with a script that says so
		// instead of a 404 that breaks the host page's console silently.
		c.String(http.StatusOK, "console.warn('chatdesk: widget.js chưa được build (cd web-widget && npm run build)');\n")
		return
	}
	if strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		if gz, err := s.gzWidget.get(s.cfg.WidgetFile); err == nil {
			c.Header("Content-Encoding", "gzip")
			c.Header("Vary", "Accept-Encoding")
			c.Data(http.StatusOK, "application/javascript; charset=utf-8", gz)
			return
		}
	}
	c.File(s.cfg.WidgetFile)
}

// widgetStrings serves the widget's English strings, which the build writes
// beside widget.js (widget.en.json) and only an English widget downloads:
// public text, readable from every embedding site.
func (s *Server) widgetStrings(c *gin.Context) {
	file := filepath.Join(filepath.Dir(s.cfg.WidgetFile), "widget.en.json")
	if _, err := os.Stat(file); err != nil {
		c.Status(http.StatusNotFound)
		return
	}
	c.Header("Access-Control-Allow-Origin", "*")
	c.Header("Cache-Control", "public, max-age=300")
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.File(file)
}

// gzipCache keeps the compressed widget (≈ 28 KB instead of ≈ 82 KB) for
// nodes serving it without Nginx in front; rebuilt when the file changes.
type gzipCache struct {
	mu      sync.Mutex
	modTime time.Time
	data    []byte
}

func (g *gzipCache) get(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.data != nil && st.ModTime().Equal(g.modTime) {
		return g.data, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	g.modTime, g.data = st.ModTime(), buf.Bytes()
	return g.data, nil
}

// dashboard serves files from the built SPA and falls back to index.html so
// client-side routes survive a reload. A path that names a file (under
// assets/, or with an extension) and does not exist is 404: index.html
// under an asset's name would be cached for a year as that asset.
func (s *Server) dashboard(c *gin.Context) {
	rel := strings.TrimPrefix(filepath.Clean("/"+c.Param("path")), "/")
	if rel != "" {
		p := filepath.Join(s.cfg.DashboardDir, rel)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			s.pageHeaders(c)
			if strings.HasPrefix(rel, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			}
			c.File(p)
			return
		}
		if rel == "assets" || strings.HasPrefix(rel, "assets/") || path.Ext(rel) != "" {
			s.fail(c, errNoRoute)
			return
		}
	}
	s.pageHeaders(c)
	index := filepath.Join(s.cfg.DashboardDir, "index.html")
	if _, err := os.Stat(index); err != nil {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(`<!doctype html><meta charset="utf-8"><title>chatdesk</title><p>Bảng điều khiển chưa được build: <code>cd web-dashboard &amp;&amp; npm run build</code>.</p>`))
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.File(index)
}

// pageHeaders sets what every page (dashboard, demo) carries, the same
// policy Nginx sends for /dashboard (nginx/chatdesk-http.conf), so a node
// serving browsers directly is as strict: scripts and styles from this
// origin only (inline styles for React's style attributes), images also
// from data: and blob: (attachments), connections to this origin's API and
// WebSocket, no plugins, never framed.
func (s *Server) pageHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'"+
		s.socketSources(c.Request)+"; media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
}

var hostRE = regexp.MustCompile(`^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// socketSources names this origin's WebSocket for connect-src ('self' does
// not cover ws: and wss: in every browser): the public URL's host, else the
// host the request came to (both schemes: a TLS proxy may sit in front).
func (s *Server) socketSources(r *http.Request) string {
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && s.cfg.PublicURL != "" && hostRE.MatchString(u.Host) {
		if u.Scheme == "https" {
			return " wss://" + u.Host
		}
		return " ws://" + u.Host
	}
	if hostRE.MatchString(r.Host) {
		return " ws://" + r.Host + " wss://" + r.Host
	}
	return ""
}

// The demo page (/demo) and its script (/demo.js): a shop page that embeds
// the widget and drives it through its JavaScript API (web-widget/README.md).
// Production serves them too: they are static, show only the public origin
// and hold no secret — the identity hash is typed by whoever tries it,
// computed with their own secret elsewhere; nothing here signs anything.
var (
	//go:embed demo/demo.html
	demoHTML string
	//go:embed demo/demo.js
	demoJS   []byte
	demoPage = template.Must(template.New("demo").Parse(demoHTML))
)

func (s *Server) demo(c *gin.Context) {
	origin := s.cfg.PublicURL
	if origin == "" {
		scheme := "http"
		if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
			scheme = "https"
		}
		origin = scheme + "://" + c.Request.Host
	}
	s.pageHeaders(c)
	c.Header("Content-Type", "text/html; charset=utf-8")
	_ = demoPage.Execute(c.Writer, map[string]string{"Origin": strings.TrimSuffix(origin, "/"), "Version": s.cfg.Version})
}

func (s *Server) demoScript(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "application/javascript; charset=utf-8", demoJS)
}

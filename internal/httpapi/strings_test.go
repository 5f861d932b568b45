package httpapi

import (
	"os"
	"path/filepath"
	"testing"
)

// The English strings of the widget are served from beside widget.js to
// any embedding site; a node without them answers 404.
func TestWidgetStrings(t *testing.T) {
	dir := t.TempDir()
	h := staticServer(t, dir, "")
	if w := get(t, h, "/widget.en.json"); w.Code != 404 {
		t.Fatalf("without the file: %d, want 404", w.Code)
	}
	if err := os.WriteFile(filepath.Join(dir, "widget.en.json"), []byte(`{"online":"Online"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	w := get(t, h, "/widget.en.json")
	if w.Code != 200 || w.Body.String() != `{"online":"Online"}` {
		t.Fatalf("%d %q", w.Code, w.Body.String())
	}
	for k, want := range map[string]string{"Access-Control-Allow-Origin": "*", "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300"} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

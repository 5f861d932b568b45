package chat

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCleanPageView(t *testing.T) {
	at := time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		name, path, title string
		wantPath, wantTit string
		ok                bool
	}{
		{"plain", "/san-pham/ao?size=m#top", "Áo thun – Cửa hàng", "/san-pham/ao?size=m#top", "Áo thun – Cửa hàng", true},
		{"title spaces and controls folded", "/", "  Giỏ\thàng\n\x00 ", "/", "Giỏ hàng", true},
		{"long title cut", "/a", strings.Repeat("ă", 300), "/a", strings.Repeat("ă", MaxPageTitle), true},
		{"full address refused", "https://evil.example/x", "", "", "", false},
		{"protocol-relative refused", "//evil.example/x", "", "", "", false},
		{"empty refused", "", "t", "", "", false},
		{"control char refused", "/a\nb", "", "", "", false},
		{"too long refused", "/" + strings.Repeat("a", MaxPagePath), "", "", "", false},
		{"javascript refused", "javascript:alert(1)", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CleanPageView(tt.path, tt.title, at)
			if !tt.ok {
				var ce *Error
				if !errors.As(err, &ce) || ce.Code != EINVALID {
					t.Fatalf("err = %v, want %s", err, EINVALID)
				}
				return
			}
			if err != nil || p.Path != tt.wantPath || p.Title != tt.wantTit || !p.At.Equal(at) {
				t.Fatalf("got %+v, %v; want %q %q", p, err, tt.wantPath, tt.wantTit)
			}
		})
	}
}

package chat

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCleanTags(t *testing.T) {
	decomposed := "khe\u0302\u0301ch" // "khếch" typed as e + two combining marks
	tests := []struct {
		in   []string
		want []string // nil: refused
	}{
		{[]string{" VIP ", "vip", "Khách  Quen"}, []string{"vip", "khách quen"}},
		{[]string{decomposed, "khếch"}, []string{"khếch"}},
		{[]string{"đơn_hàng-2"}, []string{"đơn_hàng-2"}},
		{[]string{}, []string{}},
		{[]string{""}, nil},
		{[]string{"a/b"}, nil},
		{[]string{"<b>"}, nil},
		{[]string{strings.Repeat("ư", 30)}, []string{strings.Repeat("ư", 30)}},
		{[]string{strings.Repeat("ư", 31)}, nil},
		{[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
		{[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}, nil},
		{[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "10"}, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
	}
	for _, tt := range tests {
		got, err := CleanTags(tt.in)
		if tt.want == nil {
			if e, ok := AsError(err); !ok || e.Code != EINVALID || e.Fields["tags"] == "" {
				t.Errorf("CleanTags(%q) = %q, %v; want invalid_input on tags", tt.in, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("CleanTags(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseStatsRange(t *testing.T) {
	now := time.Date(2026, 3, 20, 18, 30, 0, 0, time.UTC) // already 2026-03-21 in Vietnam
	tests := []struct {
		from, to       string
		wantFrom, want string // UTC instants of [From, To); "" for an error
		days           int
	}{
		{"", "", "2026-03-14T17:00:00Z", "2026-03-21T17:00:00Z", 7},
		{"2026-03-01", "2026-03-01", "2026-02-28T17:00:00Z", "2026-03-01T17:00:00Z", 1},
		{"2025-01-01", "2026-01-01", "2024-12-31T17:00:00Z", "2026-01-01T17:00:00Z", 366},
		{"2025-01-01", "2026-01-02", "", "", 0},
		{"2026-03-02", "2026-03-01", "", "", 0},
		{"2026-3-1", "", "", "", 0},
	}
	for _, tt := range tests {
		r, err := ParseStatsRange(tt.from, tt.to, now)
		if tt.want == "" {
			if ErrorCode(err) != EINVALID {
				t.Errorf("%q..%q: %v, want invalid_input", tt.from, tt.to, err)
			}
			continue
		}
		if err != nil || r.From.Format(time.RFC3339) != tt.wantFrom || r.To.Format(time.RFC3339) != tt.want || r.Days != tt.days {
			t.Errorf("%q..%q = %s..%s (%d days), %v; want %s..%s (%d)", tt.from, tt.to, r.From.Format(time.RFC3339), r.To.Format(time.RFC3339), r.Days, err, tt.wantFrom, tt.want, tt.days)
		}
	}
}

package chat

import (
	"slices"
	"testing"
)

func TestParseMentions(t *testing.T) {
	agents := []*Agent{
		{ID: "an", Name: "An"},
		{ID: "anh", Name: "Nguyễn Văn An"},
		{ID: "binh", Name: "Bình"},
		{ID: "lan", Name: "Trần Thị Lan"},
		{ID: "blank", Name: " "},
	}
	tests := []struct {
		text string
		want []string
	}{
		{"không nhắc ai", nil},
		{"@An xem giúp", []string{"an"}},
		{"@Nguyễn Văn An xem giúp", []string{"anh"}},
		{"@nguyễn văn an và @BÌNH", []string{"anh", "binh"}},
		{"@Bình, @Bình!", []string{"binh"}},
		{"@Anh không phải ai", nil},
		{"email an@An.vn", nil},
		{"(@Trần Thị Lan)", []string{"lan"}},
		{"@Trần Thị", nil},
		{"@", nil},
		{"cuối câu @An", []string{"an"}},
		{"@An@Bình", []string{"an"}},
	}
	for _, tt := range tests {
		if got := ParseMentions(tt.text, agents); !slices.Equal(got, tt.want) {
			t.Errorf("ParseMentions(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

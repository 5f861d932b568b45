package chat

import (
	"fmt"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"0912 345 678", "0912345678", true},
		{"0912.345.678", "0912345678", true},
		{"0912-345-678", "0912345678", true},
		{"+84912345678", "0912345678", true},
		{"+84 912 345 678", "0912345678", true},
		{"84912345678", "0912345678", true},
		{"0355123456", "0355123456", true},
		{"(024) 3825 1234", "02438251234", true},
		{"+84 24 3825 1234", "02438251234", true},
		{"0112345678", "", false}, // no such prefix
		{"091234567", "", false},  // too short
		{"+1 415 555 0100", "", false},
		{"0912abc678", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizePhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePhone(%q) = %q %v, want %q %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPhoneSearchKeys(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"0912 345", []string{"912345"}},
		{"+84912345", []string{"912345"}},
		{"912345678", []string{"912345678"}},
		{"84912", []string{"84912", "912"}},
		{"Bình", nil},
		{"lan 1", nil},
		{"09", nil},
	}
	for _, tt := range tests {
		if got := PhoneSearchKeys(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("PhoneSearchKeys(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"Nguyễn Văn Bình": "nguyen van binh",
		"ĐẶNG  Thị   Ánh": "dang thi anh",
		"Lê Đức":          "le duc",
		"plain":           "plain",
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

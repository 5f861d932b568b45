package chat

import (
	"slices"
	"testing"
)

func TestNamePrefixTerms(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"", nil},
		{"An", []string{"^an"}},
		{"Lê Đức", []string{"^le", "^du", "^duc"}},
		{"Nguyễn An", []string{"^ng", "^ngu", "^nguy", "^nguye", "^nguyen", "^an"}},
		{"An An", []string{"^an"}}, // each term once
		{"Võ X", []string{"^vo"}},  // one letter: no term
		{"Abcdefghijklmnop", []string{"^ab", "^abc", "^abcd", "^abcde", "^abcdef", "^abcdefg", "^abcdefgh", "^abcdefghi", "^abcdefghij", "^abcdefghijk", "^abcdefghijkl"}},
	}
	for _, tt := range tests {
		if got := NamePrefixTerms(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("NamePrefixTerms(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNameQuery(t *testing.T) {
	tests := []struct {
		input string
		words []string
		terms []string
	}{
		{"Nguy", []string{"nguy"}, []string{"^nguy"}},
		{"khách ba", []string{"khach", "ba"}, []string{"^khach", "^ba"}},
		{"a", nil, nil},           // too short to be a name prefix
		{"an b", nil, nil},        // every word must be long enough
		{"một hai ba", nil, nil},  // three words: not a name
		{`"giao hàng"`, nil, nil}, // a phrase: not a name
		{"#1234", nil, nil},       // a literal: not a name
		{"abcdefghijklmnopq", []string{"abcdefghijklmnopq"}, []string{"^abcdefghijkl"}},
	}
	for _, tt := range tests {
		q, err := ParseSearch(tt.input)
		if err != nil {
			t.Fatalf("%q: %v", tt.input, err)
		}
		words := q.NameQuery()
		if !slices.Equal(words, tt.words) {
			t.Errorf("NameQuery(%q) = %q, want %q", tt.input, words, tt.words)
		}
		if words != nil && !slices.Equal(NameTerms(words), tt.terms) {
			t.Errorf("NameTerms(%q) = %q, want %q", words, NameTerms(words), tt.terms)
		}
	}
}

func TestNameMatches(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		want  bool
	}{
		{"Nguyễn Văn Bình", []string{"binh"}, true},
		{"Nguyễn Văn Bình", []string{"nguy", "van"}, true},
		{"Nguyễn Văn Bình", []string{"uyen"}, false}, // the start of a word only
		{"Nguyễn Văn Bình", []string{"binh", "lan"}, false},
		{"Abcdefghijklmnopq", []string{"abcdefghijklmnopq"}, true},
		{"Abcdefghijklmn", []string{"abcdefghijklmnopq"}, false}, // same indexed prefix, longer word
		{"", []string{"an"}, false},
	}
	for _, tt := range tests {
		if got := NameMatches(tt.name, tt.words); got != tt.want {
			t.Errorf("NameMatches(%q, %q) = %v", tt.name, tt.words, got)
		}
	}
}

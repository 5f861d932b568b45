package chat

import (
	"reflect"
	"testing"
)

func TestParseSearch(t *testing.T) {
	cases := []struct {
		in      string
		phone   []string
		words   []string
		phrases [][]string
		err     bool
	}{
		{in: ""},
		{in: "0912 345 678", phone: []string{"912345678"}},
		{in: "+84 912-345", phone: []string{"912345"}},
		{in: "#1234", words: []string{"#1234"}},
		{in: "đơn #1234", words: []string{"don", "#1234"}},
		{in: "12", words: []string{"12"}}, // too few digits for a phone
		{in: "giay dep", words: []string{"giay", "dep"}},
		{in: "Giày DÉP", words: []string{"giay", "dep"}},
		{in: `"giao hàng" nhanh`, words: []string{"nhanh"}, phrases: [][]string{{"giao", "hang"}}},
		{in: `"giao hàng`, phrases: [][]string{{"giao", "hang"}}},
		{in: `"một"`, words: []string{"mot"}},
		{in: "a b c d e f g h", words: []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
		{in: "a b c d e f g h i", err: true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			q, err := ParseSearch(c.in)
			if c.err {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("err = %v, want invalid_input", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(q.Phone, c.phone) || !reflect.DeepEqual(q.Words, c.words) || !reflect.DeepEqual(q.Phrases, c.phrases) {
				t.Fatalf("got phone=%v words=%v phrases=%v", q.Phone, q.Words, q.Phrases)
			}
		})
	}
}

func TestSearchMatch(t *testing.T) {
	cases := []struct {
		query, text string
		marked      []string // the text under each mark; nil: no match
	}{
		{"giay dep", "Tôi cần Giày dép size 40", []string{"Giày", "dép"}},
		{"giay", "giayx dep", nil}, // whole words only
		{"dep", "Đẹp quá", []string{"Đẹp"}},
		{"đẹp", "ĐẸP quá", []string{"ĐẸP"}}, // accents and case folded
		{"#1234", "Đơn #1234 chưa giao", []string{"#1234"}},
		{"#1234", "Đơn 1234 chưa giao", nil}, // the literal needs its "#"
		{"1234 don", "Đơn 1234", []string{"Đơn", "1234"}},
		{`"giao hang"`, "chưa giao hàng", []string{"giao hàng"}},
		{`"giao hang"`, "hàng chưa giao", nil}, // not consecutive
		{"hang giao", "hàng chưa giao", []string{"hàng", "giao"}},
	}
	for _, c := range cases {
		q, err := ParseSearch(c.query)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range q.Match(c.text) {
			got = append(got, c.text[m[0]:m[1]])
		}
		if !reflect.DeepEqual(got, c.marked) {
			t.Errorf("%q in %q: marked %q, want %q", c.query, c.text, got, c.marked)
		}
	}
}

func TestSnippetMarksAreUTF16(t *testing.T) {
	text := "😀 Giày dép"
	q, _ := ParseSearch("giay")
	s := MakeSnippet(text, q.Match(text))
	if s.Text != text || !reflect.DeepEqual(s.Marks, [][2]int{{3, 7}}) {
		t.Fatalf("snippet %+v", s)
	}
}

func TestBloom(t *testing.T) {
	b := TermsBloom([]string{"giay", "dep", "#1234"})
	if !MayHold(b, []string{"giay", "#1234"}) {
		t.Fatal("a present term was refused")
	}
	if MayHold(0, []string{"giay"}) {
		t.Fatal("an empty filter held a term")
	}
}

func TestSegmentTerms(t *testing.T) {
	got := SegmentTerms("Giày dép, giày DÉP! #1234 đơn-hàng")
	want := []string{"giay", "dep", "#1234", "don", "hang"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("terms %v, want %v", got, want)
	}
}

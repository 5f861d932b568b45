package chat

import (
	"hash/fnv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
)

// SegmentKind says what a piece of searchable text is.
type SegmentKind string

const (
	SegmentMessage SegmentKind = "message" // a chat message (visitor, agent or bot)
	SegmentNote    SegmentKind = "note"    // an internal note: agents only
	SegmentAnswer  SegmentKind = "answer"  // the pre-chat form answers (seq 0)
)

// Segment is one searchable text of a conversation: a message or note
// (Seq as stored, negative for notes) or the form answers (Seq 0).
type Segment struct {
	ConversationID string
	Seq            int64
	Kind           SegmentKind
	Text           string
	At             time.Time
	// Name is the visitor's name, on the answers segment only.
	Name string
}

// Posting is a segment as a term's list holds it: enough to filter a
// candidate (kind, the other terms through Bloom) before its text is read.
type Posting struct {
	ConversationID string
	Seq            int64
	Kind           SegmentKind
	At             int64  // Unix milliseconds
	Bloom          uint64 // TermsBloom of the segment's terms
}

// MaxSearchWords bounds a text search: each word is one more posting list
// to read.
const MaxSearchWords = 8

// SearchQuery is a parsed history search.
type SearchQuery struct {
	// Phone holds the phone keys when the input looks like a phone number
	// (only digits and phone punctuation): the phone search, no text search.
	Phone []string
	// Name is the folded input, matched against visitor names as before.
	Name string
	// Words are the folded words outside quotes; Phrases the quoted ones.
	// Every word and every phrase must occur, as whole words, in one segment.
	Words   []string
	Phrases [][]string
}

// Terms are the distinct words the query needs, phrases included.
func (q SearchQuery) Terms() []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, w := range q.Words {
		add(w)
	}
	for _, p := range q.Phrases {
		for _, w := range p {
			add(w)
		}
	}
	return out
}

// IsText reports whether the query searches what was said.
func (q SearchQuery) IsText() bool { return len(q.Words)+len(q.Phrases) > 0 }

// isPhoneRune: what a typed phone number holds besides digits.
func isPhoneRune(r rune) bool {
	return (r >= '0' && r <= '9') || strings.ContainsRune("+-.() ", r)
}

// PhoneQuery returns the phone keys of s when it looks like a phone number:
// only digits and phone punctuation, at least three digits. "#1234" or
// "đơn 1234" are not phones.
func PhoneQuery(s string) []string {
	for _, r := range s {
		if !isPhoneRune(r) {
			return nil
		}
	}
	return PhoneSearchKeys(s)
}

// ParseSearch reads what an agent typed into the history search. Input made
// only of digits and phone punctuation with at least three digits is a
// phone search; anything else is a text search ("#1234" included: the "#"
// makes it a literal word, an order number, never a phone). Text in double
// quotes is a phrase (consecutive words); an unclosed quote runs to the end.
func ParseSearch(s string) (SearchQuery, error) {
	s = strings.TrimSpace(s)
	var q SearchQuery
	if s == "" {
		return q, nil
	}
	if keys := PhoneQuery(s); keys != nil {
		q.Phone = keys
		return q, nil
	}
	q.Name = Fold(s)
	n := 0
	for i, part := range strings.Split(s, `"`) {
		words := Words(part)
		if len(words) == 0 {
			continue
		}
		n += len(words)
		if i%2 == 1 && len(words) > 1 {
			q.Phrases = append(q.Phrases, words)
		} else {
			q.Words = append(q.Words, words...)
		}
	}
	if n > MaxSearchWords {
		return SearchQuery{}, &Error{Code: EINVALID, Message: "Từ khóa quá dài.",
			Fields: map[string]string{"q": "Tìm tối đa 8 từ mỗi lần."}}
	}
	return q, nil
}

// Token is one word of a text: its folded form and where it stands in the
// original (byte offsets).
type Token struct {
	Term       string
	Start, End int
}

func isSearchRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Tokens splits text into whole words: runs of letters and digits (with
// their combining marks). A "#" directly before a word is part of it, so
// "#1234" is a word of its own, distinct from "1234".
func Tokens(text string) []Token {
	var out []Token
	start := -1
	for i, r := range text {
		if isSearchRune(r) {
			if start < 0 {
				start = i
				if i > 0 && text[i-1] == '#' {
					start = i - 1
				}
			}
			continue
		}
		if start >= 0 {
			out = append(out, Token{Term: Fold(text[start:i]), Start: start, End: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, Token{Term: Fold(text[start:]), Start: start, End: len(text)})
	}
	return out
}

// Words are the folded words of s.
func Words(s string) []string {
	toks := Tokens(s)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

// maxTermBytes keeps a pasted blob from becoming a term (and an _id).
const maxTermBytes = 64

// SegmentTerms are the distinct terms a segment is indexed under.
func SegmentTerms(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range Tokens(text) {
		if len(t.Term) > maxTermBytes || seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		out = append(out, t.Term)
	}
	return out
}

// termBits are the two bits a term sets in a 64-bit Bloom filter.
func termBits(term string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(term))
	v := h.Sum64()
	return 1<<(v&63) | 1<<((v>>6)&63)
}

// TermsBloom summarises a segment's terms, so that a multi-word search can
// drop most candidates of its rarest word without reading their text.
func TermsBloom(terms []string) uint64 {
	var b uint64
	for _, t := range terms {
		b |= termBits(t)
	}
	return b
}

// MayHold reports whether a segment with Bloom b may hold every term (no
// false negatives; false positives are settled by Match).
func MayHold(b uint64, terms []string) bool {
	for _, t := range terms {
		if m := termBits(t); b&m != m {
			return false
		}
	}
	return true
}

// Match finds q in text: every word and phrase must be there as whole
// words. It returns the matched byte ranges, nil when text does not match.
func (q SearchQuery) Match(text string) [][2]int {
	toks := Tokens(text)
	var marks [][2]int
	for _, w := range q.Words {
		found := false
		for _, t := range toks {
			if t.Term == w {
				found = true
				marks = append(marks, [2]int{t.Start, t.End})
			}
		}
		if !found {
			return nil
		}
	}
	for _, p := range q.Phrases {
		found := false
		for i := 0; i+len(p) <= len(toks); i++ {
			ok := true
			for j, w := range p {
				if toks[i+j].Term != w {
					ok = false
					break
				}
			}
			if ok {
				found = true
				marks = append(marks, [2]int{toks[i].Start, toks[i+len(p)-1].End})
			}
		}
		if !found {
			return nil
		}
	}
	return mergeRanges(marks)
}

func mergeRanges(r [][2]int) [][2]int {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j][0] < r[j-1][0]; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
	var out [][2]int
	for _, x := range r {
		if n := len(out); n > 0 && x[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], x[1])
			continue
		}
		out = append(out, x)
	}
	return out
}

// Snippet is the part of a segment shown in a search result, with the
// matches to highlight as [start, end) offsets in UTF-16 code units (what
// JavaScript's string indexes count).
type Snippet struct {
	Text  string   `json:"text"`
	Marks [][2]int `json:"marks"`
}

// snippetContext is how many bytes of text are kept around the first match.
const snippetContext = 80

// MakeSnippet cuts text around its first mark (byte ranges from Match).
func MakeSnippet(text string, marks [][2]int) Snippet {
	from, to := 0, len(text)
	if len(marks) > 0 {
		from = max(0, marks[0][0]-snippetContext)
		to = min(len(text), marks[len(marks)-1][1]+snippetContext)
		if to-from > 4*snippetContext {
			to = min(len(text), marks[0][1]+snippetContext)
		}
	}
	// Whole runes only.
	for from > 0 && !isRuneStart(text[from]) {
		from--
	}
	for to < len(text) && !isRuneStart(text[to]) {
		to++
	}
	prefix, suffix := "", ""
	if from > 0 {
		prefix = "…"
	}
	if to < len(text) {
		suffix = "…"
	}
	out := Snippet{Text: prefix + text[from:to] + suffix, Marks: [][2]int{}}
	base := utf16Len(prefix)
	for _, m := range marks {
		if m[0] < from || m[1] > to {
			continue
		}
		s := base + utf16Len(text[from:m[0]])
		out.Marks = append(out.Marks, [2]int{s, s + utf16Len(text[m[0]:m[1]])})
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

// AnswersText is the form answers as one searchable text.
func AnswersText(answers []Answer) string {
	var b strings.Builder
	for _, a := range answers {
		if strings.TrimSpace(a.Value) == "" || a.Type == FieldCheckbox {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(a.Label)
		b.WriteString(": ")
		b.WriteString(a.Value)
	}
	return b.String()
}

// SegmentKey names a segment.
type SegmentKey struct {
	ConversationID string
	Seq            int64
}

// TermHead is what the index knows of a term: how many postings it has,
// how many sealed chunks (numbered 0 to Chunks-1, oldest first) and the
// newest postings, oldest first.
type TermHead struct {
	Count    int
	Chunks   int
	Postings []Posting
}

package chat

import "strings"

// Visitor names are found by the start of their words ("Ngu" finds
// "Nguyễn Văn An", so does "an"), through the same term index as what was
// said: a conversation's answers segment is also indexed under "^" + each
// prefix of each folded word of the visitor's name. Without this the name
// part of a short query scanned every conversation (FerretDB answers a
// regex filter by decoding the whole collection).
const (
	namePrefixMark = "^"
	// minNamePrefix: a single letter would list half the conversations;
	// one-letter queries search what was said only.
	minNamePrefix = 2
	// maxNamePrefix: longer query words look up their first maxNamePrefix
	// letters and are checked against the name itself.
	maxNamePrefix = 12
)

// NamePrefixTerms are the terms a visitor name is indexed under.
func NamePrefixTerms(name string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range Words(name) {
		w = strings.TrimPrefix(w, "#")
		r := []rune(w)
		for n := minNamePrefix; n <= min(len(r), maxNamePrefix); n++ {
			t := namePrefixMark + string(r[:n])
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// NameQuery is the name part of a query: its words when the query can be
// a name (one or two words of at least minNamePrefix letters, no phrase,
// no "#literal"), else nil.
func (q SearchQuery) NameQuery() []string {
	if len(q.Phrases) > 0 || len(q.Words) == 0 || len(q.Words) > 2 {
		return nil
	}
	for _, w := range q.Words {
		if strings.HasPrefix(w, "#") || len([]rune(w)) < minNamePrefix {
			return nil
		}
	}
	return q.Words
}

// NameTerms are the index terms that lead to the names words may start.
func NameTerms(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		r := []rune(w)
		out[i] = namePrefixMark + string(r[:min(len(r), maxNamePrefix)])
	}
	return out
}

// NameMatches reports whether every query word starts a word of name.
func NameMatches(name string, words []string) bool {
	nameWords := Words(name)
	for _, w := range words {
		found := false
		for _, nw := range nameWords {
			if strings.HasPrefix(nw, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// SegmentIndexTerms are all the terms a segment is indexed under: its words,
// and for an answers segment the prefixes of the visitor's name.
func SegmentIndexTerms(text, name string) []string {
	terms := SegmentTerms(text)
	if name == "" {
		return terms
	}
	return append(terms, NamePrefixTerms(name)...)
}

package desk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Search is the history search over what was said: messages, notes and
// form answers, through the term index (docs/search.md). The index is
// written by one indexer in the cluster (indexer); searching only reads.
type Search struct {
	index   SearchStore // nil: names and phones only
	convs   convReader
	list    *Conversations
	indexer *indexer
	tasks   *tasks
	fail    failures
}

// SearchMatch is one segment of a conversation that matched.
type SearchMatch struct {
	// Seq of the message or note (negative for notes); 0 for the answers.
	Seq     int64            `json:"seq"`
	Kind    chat.SegmentKind `json:"kind"`
	At      time.Time        `json:"at"`
	Snippet chat.Snippet     `json:"snippet"`
}

// SearchPage is a page of history search results. Matches holds, per
// conversation of Items, what matched in it (none for a name or phone
// match).
type SearchPage struct {
	Items   []*chat.Conversation     `json:"items"`
	Matches map[string][]SearchMatch `json:"matches"`
	Next    string                   `json:"next"`
}

const (
	// maxMatchesShown bounds the segments listed per conversation.
	maxMatchesShown = 3
	// searchScanBudget bounds the postings one page examines; a page that
	// reaches it ends early with a cursor that goes on from there.
	searchScanBudget = 20000
	// searchBatch is how many candidates are read together.
	searchBatch = 64
)

// textCursor is where a search goes on: posting Pos-1 of chunk Chunk and
// older (Chunk equal to the term's sealed count is its head), in the name
// prefixes' postings while Names, else in the text's. Sealed chunks are
// never reordered and a head only grows at its end, so a cursor stays valid
// while the index grows.
type textCursor struct {
	Chunk int  `json:"c"`
	Pos   int  `json:"p"`
	Names bool `json:"n,omitempty"`
}

// fromTheStart is the cursor of a walk's first page.
var fromTheStart = textCursor{Chunk: -1}

func (c textCursor) encode() string {
	b, _ := json.Marshal(c)
	return "t" + base64.RawURLEncoding.EncodeToString(b)
}

func decodeTextCursor(s string) (textCursor, bool) {
	if len(s) < 2 || s[0] != 't' {
		return textCursor{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s[1:])
	var c textCursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.Chunk < 0 || c.Pos < 0 {
		return textCursor{}, false
	}
	return c, true
}

// Find runs a history search. A phone-shaped query, or none, is the
// conversation list as before; a text query that can be a name lists first
// the conversations whose visitor name has words starting so (newest
// first, over as many pages as they take), then the conversations whose
// messages, notes (agents only) or answers hold every word, newest match
// first.
func (s *Search) Find(ctx context.Context, actor Actor, f chat.ConversationFilter, order chat.SortOrder) (*SearchPage, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	q, err := chat.ParseSearch(f.Query)
	if err != nil {
		return nil, err
	}
	words := q.NameQuery()
	if !q.IsText() || (s.index == nil && words != nil) {
		// No index (a store without one) leaves the store's own name search.
		items, next, err := s.list.ListConversations(ctx, actor, f, order)
		if err != nil {
			return nil, err
		}
		return &SearchPage{Items: items, Matches: map[string][]SearchMatch{}, Next: next}, nil
	}
	page := &SearchPage{Items: []*chat.Conversation{}, Matches: map[string][]SearchMatch{}}
	if s.index == nil {
		return page, nil
	}
	cur, ok := decodeTextCursor(f.Cursor)
	switch {
	case f.Cursor == "":
		cur = fromTheStart
		cur.Names = words != nil
	case !ok || (cur.Names && words == nil):
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Tham số không hợp lệ.", Fields: map[string]string{"cursor": "Con trỏ trang không hợp lệ."}}
	}
	text := segmentMatcher{terms: q.Terms(), snippets: true, match: func(seg chat.Segment) ([][2]int, bool) {
		marks := q.Match(seg.Text)
		return marks, marks != nil
	}}
	if words != nil {
		names := segmentMatcher{terms: chat.NameTerms(words), match: func(seg chat.Segment) ([][2]int, bool) {
			return nil, seg.Kind == chat.SegmentAnswer && chat.NameMatches(seg.Name, words)
		}}
		if cur.Names {
			if err := s.walk(ctx, actor, names, f, f.PageSize(), cur, page); err != nil {
				return nil, s.fail.unavailable(err)
			}
			if page.Next != "" {
				return page, nil // more names: the next page goes on with them
			}
			cur = fromTheStart
		}
		// The names were listed on the pages before (or above): the text
		// matches leave them out, whichever page they fall on.
		text.skip = func(c *chat.Conversation) bool { return chat.NameMatches(c.Visitor.Name, words) }
	}
	if err := s.walk(ctx, actor, text, f, max(0, f.PageSize()-len(page.Items)), cur, page); err != nil {
		return nil, s.fail.unavailable(err)
	}
	return page, nil
}

// segmentMatcher is what a walk looks for: the terms every matching
// segment is indexed under, and the check of a candidate segment (with the
// ranges to highlight when snippets are shown).
type segmentMatcher struct {
	terms    []string
	match    func(chat.Segment) ([][2]int, bool)
	skip     func(*chat.Conversation) bool // conversations listed otherwise; nil for none
	snippets bool
}

// walk goes through the rarest term's postings from cur, newest first, and
// adds to page the conversations (up to size) with a segment that m
// matches; with size 0 it only finds where the next page starts. The
// cursor it leaves in page.Next goes on in the same postings.
func (s *Search) walk(ctx context.Context, actor Actor, m segmentMatcher, f chat.ConversationFilter, size int, cur textCursor, page *SearchPage) error {
	terms := m.terms
	heads, err := s.index.SearchHeads(ctx, terms)
	if err != nil {
		return err
	}
	rarest := ""
	for _, t := range terms {
		h, ok := heads[t]
		if !ok {
			return nil // a word nowhere: nothing matches
		}
		if rarest == "" || h.Count < heads[rarest].Count {
			rarest = t
		}
	}
	others := slices.DeleteFunc(slices.Clone(terms), func(t string) bool { return t == rarest })
	head := heads[rarest]
	names := cur.Names
	var earlier *earlierPages // nil on a first page
	if cur.Chunk < 0 || cur.Chunk > head.Chunks {
		cur = textCursor{Chunk: head.Chunks, Pos: len(head.Postings), Names: names}
	} else {
		earlier = &earlierPages{search: s, actor: actor, m: m, rarest: rarest, others: others, head: head, from: cur}
	}
	found := 0
	excluded := map[string]bool{} // conversations the filter refuses, gone, or listed before
	counted := map[string]bool{}
	examined := 0
	var batch []chat.Posting
	var batchEnd []textCursor // the cursor after each posting of batch

	// flush reads the batch's texts and adds its matches; it reports the
	// cursor to go on from when the page filled up (done).
	flush := func() (done bool, next textCursor, err error) {
		keys := make([]chat.SegmentKey, len(batch))
		for i, p := range batch {
			keys[i] = chat.SegmentKey{ConversationID: p.ConversationID, Seq: p.Seq}
		}
		segs, err := s.index.SearchSegments(ctx, keys)
		if err != nil {
			return false, next, err
		}
		if earlier != nil {
			var met []string
			for _, p := range batch {
				if !counted[p.ConversationID] && !excluded[p.ConversationID] && !slices.Contains(met, p.ConversationID) {
					met = append(met, p.ConversationID)
				}
			}
			before, err := earlier.listed(ctx, met)
			if err != nil {
				return false, next, err
			}
			for c := range before {
				excluded[c] = true // listed on an earlier page
			}
		}
		for i, p := range batch {
			seg, ok := segs[keys[i]]
			if !ok {
				continue // erased
			}
			marks, ok := m.match(seg)
			if !ok {
				continue
			}
			if !counted[p.ConversationID] {
				if excluded[p.ConversationID] {
					continue
				}
				c, err := s.convs.get(ctx, p.ConversationID)
				if chat.ErrorCode(err) == chat.ENOTFOUND {
					excluded[p.ConversationID] = true
					continue
				}
				if err != nil {
					return false, next, err
				}
				if !filterAccepts(f, c) || (m.skip != nil && m.skip(c)) {
					excluded[p.ConversationID] = true
					continue
				}
				if found == size {
					// The page is full: the next one starts at this posting.
					c := batchEnd[i]
					c.Pos++
					return true, c, nil
				}
				found++
				counted[p.ConversationID] = true
				page.Items = append(page.Items, c)
			}
			if m.snippets && len(page.Matches[p.ConversationID]) < maxMatchesShown {
				page.Matches[p.ConversationID] = append(page.Matches[p.ConversationID], SearchMatch{
					Seq: p.Seq, Kind: p.Kind, At: seg.At, Snippet: chat.MakeSnippet(seg.Text, marks)})
			}
		}
		batch, batchEnd = batch[:0], batchEnd[:0]
		return false, next, nil
	}

	for chunk := cur.Chunk; chunk >= 0; chunk-- {
		var list []chat.Posting
		if chunk == head.Chunks {
			list = head.Postings
		} else if list, err = s.index.SearchChunk(ctx, rarest, chunk); err != nil {
			return err
		}
		pos := len(list)
		if chunk == cur.Chunk {
			pos = min(cur.Pos, len(list))
		}
		for i := pos - 1; i >= 0; i-- {
			p := list[i]
			examined++
			if p.Kind == chat.SegmentNote && !actor.IsAgent() {
				continue // notes are for agents only
			}
			if !chat.MayHold(p.Bloom, others) || excluded[p.ConversationID] {
				continue
			}
			batch = append(batch, p)
			batchEnd = append(batchEnd, textCursor{Chunk: chunk, Pos: i, Names: names})
			if len(batch) == searchBatch {
				done, next, err := flush()
				if err != nil || done {
					if done {
						page.Next = next.encode()
					}
					return err
				}
			}
			if examined >= searchScanBudget {
				done, next, err := flush()
				if err != nil {
					return err
				}
				if done {
					page.Next = next.encode()
				} else if i > 0 || chunk > 0 {
					page.Next = textCursor{Chunk: chunk, Pos: i, Names: names}.encode()
				}
				return nil
			}
		}
	}
	done, next, err := flush()
	if done {
		page.Next = next.encode()
	}
	return err
}

// filterAccepts applies the history filters (all but the query) to c.
func filterAccepts(f chat.ConversationFilter, c *chat.Conversation) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	if f.AssigneeID != nil && c.AssigneeID != *f.AssigneeID {
		return false
	}
	if f.From != nil && c.CreatedAt.Before(*f.From) {
		return false
	}
	if f.To != nil && !c.CreatedAt.Before(*f.To) {
		return false
	}
	if len(f.Priorities) > 0 && !slices.Contains(f.Priorities, c.Priority.OrDefault()) {
		return false
	}
	if f.Tag != "" && !slices.Contains(c.Tags, f.Tag) {
		return false
	}
	return true
}

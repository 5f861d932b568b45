package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// earlierPages answers, on a page after the first, whether a conversation
// met there was listed on a page before: a conversation is listed at its
// newest matching posting, so it was if one of its postings before the
// page's cursor matches. A conversation often matches in several messages,
// and without this check it would come back on every page that reaches
// one of them.
//
// The postings before the cursor are read once a page, and only when a
// conversation met there has postings there at all (one chunk read per 256
// postings, then the few segments of the conversations in question).
type earlierPages struct {
	search *Search
	actor  Actor
	m      segmentMatcher
	rarest string
	others []string
	head   chat.TermHead
	from   textCursor

	postings map[string][]chat.Posting // by conversation; nil until read
}

// listed reports, for each of convs, whether it was listed before.
func (e *earlierPages) listed(ctx context.Context, convs []string) (map[string]bool, error) {
	if err := e.read(ctx); err != nil {
		return nil, err
	}
	var keys []chat.SegmentKey
	for _, c := range convs {
		for _, p := range e.postings[c] {
			keys = append(keys, chat.SegmentKey{ConversationID: c, Seq: p.Seq})
		}
	}
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	segs, err := e.search.index.SearchSegments(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if seg, ok := segs[k]; ok {
			if _, match := e.m.match(seg); match {
				out[k.ConversationID] = true
			}
		}
	}
	return out, nil
}

// read gathers the postings before the cursor that may match (the Bloom
// filter of the other terms), by conversation.
func (e *earlierPages) read(ctx context.Context) error {
	if e.postings != nil {
		return nil
	}
	e.postings = map[string][]chat.Posting{}
	for chunk := e.head.Chunks; chunk >= e.from.Chunk; chunk-- {
		list := e.head.Postings
		if chunk < e.head.Chunks {
			var err error
			if list, err = e.search.index.SearchChunk(ctx, e.rarest, chunk); err != nil {
				return err
			}
		}
		start := 0
		if chunk == e.from.Chunk {
			start = min(e.from.Pos, len(list))
		}
		for _, p := range list[start:] {
			if p.Kind == chat.SegmentNote && !e.actor.IsAgent() {
				continue
			}
			if chat.MayHold(p.Bloom, e.others) {
				e.postings[p.ConversationID] = append(e.postings[p.ConversationID], p)
			}
		}
	}
	return nil
}

package mongo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The history search index (docs/search.md). Every read of it is an _id
// equality, the only lookup FerretDB on SQLite answers without decoding
// the whole collection in Go (and, with the index internal/devstack adds,
// without scanning its table). Terms and segments are spread over
// SearchShards collections each (a term's by its hash, a conversation's
// segments together), the unit a larger installation partitions indexers
// or MongoDB shards by (docs/search.md, the plan for 10 M).
//
//   - search_queue: segments waiting to be indexed, written in the flush
//     that stores their message (before the sender's ack), and purge jobs
//     of erased conversations. One indexer drains it (desk, Redis lock).
//   - search_terms_NN: per term, a head document (_id = term) with the
//     newest postings and the count of sealed chunks, and sealed chunks of
//     postingChunk postings (_id = term|chunk number).
//   - search_segments_NN: the text of each indexed segment (_id =
//     conversation|seq), sharded by conversation, for snippets and for
//     checking whole words and phrases.
//   - search_meta: whether the index was built (startup backfill).
const (
	collSearchQueue = "search_queue"
	collSearchMeta  = "search_meta"
	postingChunk    = 256
	// DefaultSearchShards is the measured choice of docs/search.md.
	DefaultSearchShards = 16
)

// searchJobDoc is one queue document: the segments of one message flush
// (one document per flush, not per message, keeps the queue short: on
// SQLite every _id deletion scans it), or the purge of an erased
// conversation.
type searchJobDoc struct {
	ID    string          `bson:"_id"`
	Op    string          `bson:"op"` // "add" or "purge"
	Convs []string        `bson:"convs"`
	Segs  []queuedSegment `bson:"segs,omitempty"`
	Terms []string        `bson:"terms,omitempty"` // purge: the terms to remove Convs[0] from
}

type queuedSegment struct {
	Conv string    `bson:"conv"`
	Seq  int64     `bson:"seq"`
	Kind string    `bson:"kind"`
	Text string    `bson:"text"`
	At   time.Time `bson:"at"`
	Name string    `bson:"name,omitempty"` // answers: the visitor's name
}

func (q queuedSegment) doc() segmentDoc {
	return segmentDoc{ID: segmentID(q.Conv, q.Seq), Conv: q.Conv, Seq: q.Seq, Kind: q.Kind, Text: q.Text, At: q.At, Name: q.Name}
}

// jobID is unique and, as text, in time order.
func jobID() string { return fmt.Sprintf("%016x", time.Now().UnixNano()) + newID()[:8] }

func newJob(segs []queuedSegment) searchJobDoc {
	seen := map[string]bool{}
	j := searchJobDoc{ID: jobID(), Op: "add", Segs: segs, Convs: []string{}}
	for _, s := range segs {
		if !seen[s.Conv] {
			seen[s.Conv] = true
			j.Convs = append(j.Convs, s.Conv)
		}
	}
	return j
}

type postingDoc struct {
	C string `bson:"c"`
	S int64  `bson:"s"`
	K string `bson:"k"`
	A int64  `bson:"a"`
	B int64  `bson:"b"`
}

type termDoc struct {
	ID     string       `bson:"_id"`
	Chunks int          `bson:"n"`
	Count  int          `bson:"cnt"`
	E      []postingDoc `bson:"e"`
}

type segmentDoc struct {
	ID   string    `bson:"_id"`
	Conv string    `bson:"c"`
	Seq  int64     `bson:"s"`
	Kind string    `bson:"k"`
	Text string    `bson:"t"`
	At   time.Time `bson:"a"`
	Name string    `bson:"n,omitempty"` // answers: the visitor's name
}

func (p postingDoc) toDomain() chat.Posting {
	return chat.Posting{ConversationID: p.C, Seq: p.S, Kind: chat.SegmentKind(p.K), At: p.A, Bloom: uint64(p.B)}
}

func (d *segmentDoc) toDomain() chat.Segment {
	return chat.Segment{ConversationID: d.Conv, Seq: d.Seq, Kind: chat.SegmentKind(d.Kind), Text: d.Text, At: d.At, Name: d.Name}
}

func segmentID(conv string, seq int64) string { return conv + "|" + strconv.FormatInt(seq, 10) }

func chunkID(term string, n int) string { return term + "|" + strconv.Itoa(n) }

func shardOf(key string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

func (db *DB) termColl(term string) *mongo.Collection {
	return db.searchTerms[shardOf(term, len(db.searchTerms))]
}

func (db *DB) segmentColl(conv string) *mongo.Collection {
	return db.searchSegments[shardOf(conv, len(db.searchSegments))]
}

func (db *DB) openSearch(d *mongo.Database, shards int) {
	db.searchQueue = d.Collection(collSearchQueue)
	db.searchMeta = d.Collection(collSearchMeta)
	db.searchTerms = make([]*mongo.Collection, shards)
	db.searchSegments = make([]*mongo.Collection, shards)
	for i := range shards {
		db.searchTerms[i] = d.Collection(fmt.Sprintf("search_terms_%02d", i))
		db.searchSegments[i] = d.Collection(fmt.Sprintf("search_segments_%02d", i))
	}
}

// searchable is the job indexing m, or false for what is not searched
// (notices, attachments without a caption, empty text).
func searchable(m *messageDoc) (queuedSegment, bool) {
	if m.Text == "" || m.Notice != nil {
		return queuedSegment{}, false
	}
	kind := chat.SegmentMessage
	if m.Note != nil {
		kind = chat.SegmentNote
	}
	return queuedSegment{Conv: m.ConversationID, Seq: m.Seq, Kind: string(kind), Text: m.Text, At: m.CreatedAt}, true
}

// enqueueMessages queues the stored messages of a flush for indexing; the
// flush answers its senders only after this, so an acknowledged message is
// in the queue (or, when this fails, the senders are told the write failed).
func (db *DB) enqueueMessages(ctx context.Context, docs []messageDoc, errs []error) error {
	if db.noSearchQueue {
		return nil
	}
	var segs []queuedSegment
	for i := range docs {
		if errs != nil && errs[i] != nil {
			continue
		}
		if q, ok := searchable(&docs[i]); ok {
			segs = append(segs, q)
		}
	}
	if len(segs) == 0 {
		return nil
	}
	_, err := db.searchQueue.InsertOne(ctx, newJob(segs))
	return wrap(err, "queue for search")
}

func allDuplicates(bwe mongo.BulkWriteException) bool {
	for _, we := range bwe.WriteErrors {
		if !isDuplicateCode(we.Code) && !isDuplicateMessage(we.Message) {
			return false
		}
	}
	return true
}

// enqueueAnswers queues a new conversation's form answers and visitor name
// (seq 0).
func (db *DB) enqueueAnswers(ctx context.Context, c *chat.Conversation) error {
	text := chat.AnswersText(c.Answers)
	if text == "" && c.Visitor.Name == "" {
		return nil
	}
	_, err := db.searchQueue.InsertOne(ctx, newJob([]queuedSegment{{Conv: c.ID, Kind: string(chat.SegmentAnswer), Text: text, At: c.CreatedAt, Name: c.Visitor.Name}}))
	return wrap(err, "queue answers for search")
}

// purgeSearch removes a conversation from the search index at once as far
// as reads go (its segments, without which no posting is shown, and its
// queued segments), and queues the removal of its postings for the
// indexer, the only writer of term documents.
func (db *DB) purgeSearch(ctx context.Context, conv string) error {
	if err := db.unqueue(ctx, conv); err != nil {
		return err
	}
	coll := db.segmentColl(conv)
	segs, err := findAll[segmentDoc, chat.Segment](ctx, coll, bson.D{{Key: "c", Value: conv}}, nil, "search segments")
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var terms []string
	for _, s := range segs {
		for _, t := range chat.SegmentIndexTerms(s.Text, s.Name) {
			if !seen[t] {
				seen[t] = true
				terms = append(terms, t)
			}
		}
	}
	if _, err := db.searchQueue.InsertOne(ctx, searchJobDoc{ID: jobID(), Op: "purge", Convs: []string{conv}, Terms: terms}); err != nil {
		return wrap(err, "queue search purge")
	}
	_, err = coll.DeleteMany(ctx, bson.D{{Key: "c", Value: conv}})
	return wrap(err, "purge search segments")
}

// unqueue removes a conversation's segments from the queued jobs (an
// erasure: its text must not reach the index after it was deleted).
func (db *DB) unqueue(ctx context.Context, conv string) error {
	cur, err := db.searchQueue.Find(ctx, bson.D{{Key: "convs", Value: conv}})
	if err != nil {
		return wrap(err, "read search queue")
	}
	var jobs []searchJobDoc
	if err := cur.All(ctx, &jobs); err != nil {
		return wrap(err, "read search queue")
	}
	for _, j := range jobs {
		if j.Op != "add" {
			continue
		}
		kept := j.Segs[:0]
		for _, s := range j.Segs {
			if s.Conv != conv {
				kept = append(kept, s)
			}
		}
		n := newJob(kept)
		n.ID = j.ID
		if _, err := db.searchQueue.ReplaceOne(ctx, bson.D{{Key: "_id", Value: j.ID}}, n); err != nil {
			return wrap(err, "purge search queue")
		}
	}
	return nil
}

// IndexQueued folds up to limit queue documents (each the texts of one
// message flush, or a purge) into the index and removes them from the
// queue; it returns how many it took. Only one caller in the
// cluster may run it at a time (desk holds a Redis lock): it reads and
// rewrites term documents.
func (db *DB) IndexQueued(ctx context.Context, limit int) (int, error) {
	cur, err := db.searchQueue.Find(ctx, bson.D{}, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return 0, wrap(err, "read search queue")
	}
	var jobs []searchJobDoc
	if err := cur.All(ctx, &jobs); err != nil {
		return 0, wrap(err, "read search queue")
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	var adds []segmentDoc
	var purges []searchJobDoc
	ids := make([]string, 0, len(jobs))
	for _, j := range jobs {
		ids = append(ids, j.ID)
		if j.Op == "purge" {
			purges = append(purges, j)
			continue
		}
		for _, q := range j.Segs {
			adds = append(adds, q.doc())
		}
	}
	if err := db.indexSegments(ctx, adds); err != nil {
		return 0, err
	}
	for _, p := range purges {
		if len(p.Convs) == 1 {
			if err := db.purgePostings(ctx, p.Convs[0], p.Terms); err != nil {
				return 0, err
			}
		}
	}
	// One by one: an _id equality is answered inside SQLite, an $in is
	// not; and not in parallel, SQLite has one writer (parallel deletes
	// fail with SQLITE_BUSY).
	for _, id := range ids {
		if _, err := db.searchQueue.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
			return 0, wrap(err, "delete search jobs")
		}
	}
	return len(jobs), nil
}

// indexSegments stores the segments not stored yet and appends their
// postings to their terms. It is idempotent: a segment already stored
// (a queue job seen twice, a rebuild racing the queue) adds nothing.
func (db *DB) indexSegments(ctx context.Context, segs []segmentDoc) error {
	if len(segs) == 0 {
		return nil
	}
	byShard := map[*mongo.Collection][]int{} // positions in segs
	for i, s := range segs {
		c := db.segmentColl(s.Conv)
		byShard[c] = append(byShard[c], i)
	}
	stored := make([]bool, len(segs)) // stored before: adds no posting
	for coll, positions := range byShard {
		docs := make([]any, len(positions))
		for i, p := range positions {
			docs[i] = segs[p]
		}
		// A duplicate _id is a segment stored before (or twice in this
		// batch): it adds no posting.
		_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		if err != nil {
			var bwe mongo.BulkWriteException
			if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || !allDuplicates(bwe) {
				return wrap(err, "store search segments")
			}
			for _, we := range bwe.WriteErrors {
				stored[positions[we.Index]] = true
			}
		}
	}
	// Postings go in the order the segments were queued (the order they
	// were written), not shard by shard, so that a head's last posting is
	// the newest: searches walk them newest first.
	postings := map[string][]postingDoc{}
	for i, s := range segs {
		if stored[i] {
			continue
		}
		terms := chat.SegmentIndexTerms(s.Text, s.Name)
		p := postingDoc{C: s.Conv, S: s.Seq, K: s.Kind, A: s.At.UnixMilli(), B: int64(chat.TermsBloom(terms))}
		for _, t := range terms {
			postings[t] = append(postings[t], p)
		}
	}
	return db.appendPostings(ctx, postings)
}

// appendPostings adds postings to their terms' head documents, sealing a
// head into a chunk when it is full: one read and one bulk write per shard.
func (db *DB) appendPostings(ctx context.Context, postings map[string][]postingDoc) error {
	byShard := map[*mongo.Collection][]string{}
	for t := range postings {
		c := db.termColl(t)
		byShard[c] = append(byShard[c], t)
	}
	for coll, terms := range byShard {
		heads, err := readHeads(ctx, coll, terms)
		if err != nil {
			return err
		}
		var models []mongo.WriteModel
		for _, t := range terms {
			h := heads[t]
			if h == nil {
				h = &termDoc{ID: t}
			}
			h.E = append(h.E, postings[t]...)
			h.Count += len(postings[t])
			for len(h.E) >= postingChunk {
				sealed := termDoc{ID: chunkID(t, h.Chunks), E: h.E[:postingChunk]}
				models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: sealed.ID}}).SetReplacement(sealed).SetUpsert(true))
				h.Chunks++
				h.E = append([]postingDoc(nil), h.E[postingChunk:]...)
			}
			models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: t}}).SetReplacement(h).SetUpsert(true))
		}
		if err := replaceAll(ctx, coll, models); err != nil {
			return wrap(err, "write search terms")
		}
	}
	return nil
}

// bulkGroup bounds one bulk write: FerretDB v1 stalls on an update command
// carrying a few hundred large replacements (measured: a purge of 267
// never returned), while groups of this size take milliseconds.
const bulkGroup = 32

func replaceAll(ctx context.Context, coll *mongo.Collection, models []mongo.WriteModel) error {
	for len(models) > 0 {
		n := min(bulkGroup, len(models))
		if _, err := coll.BulkWrite(ctx, models[:n], options.BulkWrite().SetOrdered(true)); err != nil {
			return err
		}
		models = models[n:]
	}
	return nil
}

// readHeads reads term documents by id (see readByIDs).
func readHeads(ctx context.Context, coll *mongo.Collection, ids []string) (map[string]*termDoc, error) {
	docs, err := readByIDs[termDoc](ctx, len(ids), func(int) *mongo.Collection { return coll },
		func(i int) string { return ids[i] }, "read search terms")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*termDoc, len(docs))
	for _, d := range docs {
		if d != nil {
			out[d.ID] = d
		}
	}
	return out, nil
}

// readByIDs reads n documents by _id, one _id equality each (FerretDB on
// SQLite answers those inside SQLite; an _id $in would decode the whole
// collection in Go), a few at a time; a missing document is nil.
func readByIDs[T any](ctx context.Context, n int, coll func(i int) *mongo.Collection, id func(i int) string, what string) ([]*T, error) {
	docs := make([]*T, n)
	err := eachParallel(ctx, n, func(ctx context.Context, i int) error {
		var d T
		err := coll(i).FindOne(ctx, bson.D{{Key: "_id", Value: id(i)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil {
			return wrap(err, what)
		}
		docs[i] = &d
		return nil
	})
	return docs, err
}

// lookupParallelism bounds the concurrent point reads of one call.
const lookupParallelism = 8

// eachParallel runs fn for 0..n-1, lookupParallelism at a time, and
// returns the first error.
func eachParallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, lookupParallelism)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				errs <- err
				cancel()
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// purgePostings removes a conversation's postings from terms (head and
// chunks; a chunk may end up short, which readers accept). A read and a
// rewrite per document ($pull with a condition is not in FerretDB v1):
// the indexer is the only writer.
func (db *DB) purgePostings(ctx context.Context, conv string, terms []string) error {
	byShard := map[*mongo.Collection][]string{}
	for _, t := range terms {
		c := db.termColl(t)
		byShard[c] = append(byShard[c], t)
	}
	for coll, list := range byShard {
		heads, err := readHeads(ctx, coll, list)
		if err != nil {
			return err
		}
		var ids []string
		for _, t := range list {
			if h := heads[t]; h != nil {
				for i := 0; i < h.Chunks; i++ {
					ids = append(ids, chunkID(t, i))
				}
			}
		}
		chunks, err := readHeads(ctx, coll, ids)
		if err != nil {
			return err
		}
		var models []mongo.WriteModel
		keep := func(d *termDoc) int {
			kept := d.E[:0]
			for _, p := range d.E {
				if p.C != conv {
					kept = append(kept, p)
				}
			}
			gone := len(d.E) - len(kept)
			d.E = kept
			return gone
		}
		for _, t := range list {
			h := heads[t]
			if h == nil {
				continue
			}
			gone := keep(h)
			for i := 0; i < h.Chunks; i++ {
				if c := chunks[chunkID(t, i)]; c != nil {
					if n := keep(c); n > 0 {
						gone += n
						models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: c.ID}}).SetReplacement(c).SetUpsert(true))
					}
				}
			}
			if gone > 0 {
				h.Count -= gone
				models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: t}}).SetReplacement(h).SetUpsert(true))
			}
		}
		if err := replaceAll(ctx, coll, models); err != nil {
			return wrap(err, "purge search terms")
		}
	}
	return nil
}

// SearchHeads returns the head of each term that has postings.
func (db *DB) SearchHeads(ctx context.Context, terms []string) (map[string]chat.TermHead, error) {
	byShard := map[*mongo.Collection][]string{}
	for _, t := range terms {
		c := db.termColl(t)
		byShard[c] = append(byShard[c], t)
	}
	out := map[string]chat.TermHead{}
	for coll, list := range byShard {
		heads, err := readHeads(ctx, coll, list)
		if err != nil {
			return nil, err
		}
		for t, h := range heads {
			out[t] = chat.TermHead{Count: h.Count, Chunks: h.Chunks, Postings: postingsOf(h.E)}
		}
	}
	return out, nil
}

func postingsOf(e []postingDoc) []chat.Posting {
	out := make([]chat.Posting, len(e))
	for i, p := range e {
		out[i] = p.toDomain()
	}
	return out
}

// SearchChunk returns a sealed chunk's postings, oldest first (none when
// it is missing).
func (db *DB) SearchChunk(ctx context.Context, term string, n int) ([]chat.Posting, error) {
	var d termDoc
	err := db.termColl(term).FindOne(ctx, bson.D{{Key: "_id", Value: chunkID(term, n)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(err, "read search chunk")
	}
	return postingsOf(d.E), nil
}

// SearchSegments returns the stored segments among keys; an erased one is
// missing. One _id equality each (see readHeads).
func (db *DB) SearchSegments(ctx context.Context, keys []chat.SegmentKey) (map[chat.SegmentKey]chat.Segment, error) {
	segs, err := readByIDs[segmentDoc](ctx, len(keys),
		func(i int) *mongo.Collection { return db.segmentColl(keys[i].ConversationID) },
		func(i int) string { return segmentID(keys[i].ConversationID, keys[i].Seq) }, "read search segments")
	if err != nil {
		return nil, err
	}
	out := make(map[chat.SegmentKey]chat.Segment, len(keys))
	for _, d := range segs {
		if d != nil {
			out[chat.SegmentKey{ConversationID: d.Conv, Seq: d.Seq}] = d.toDomain()
		}
	}
	return out, nil
}

type searchMetaDoc struct {
	ID      string    `bson:"_id"`
	BuiltAt time.Time `bson:"builtAt"`
}

// SearchIndexBuilt reports whether a full build has completed, so that a
// node starting on data from before the index (or after a rebuild was
// interrupted) builds it.
func (db *DB) SearchIndexBuilt(ctx context.Context) (bool, error) {
	n, err := db.searchMeta.CountDocuments(ctx, bson.D{{Key: "_id", Value: "built"}})
	if err != nil {
		return false, wrap(err, "read search state")
	}
	return n > 0, nil
}

// RebuildSearch drops the index and builds it from every stored message,
// note and form answer, in batches, then marks it built. Jobs queued
// meanwhile stay queued; indexing them afterwards adds nothing twice.
// The caller holds the indexer lock.
func (db *DB) RebuildSearch(ctx context.Context) (int, error) {
	if _, err := db.searchMeta.DeleteOne(ctx, bson.D{{Key: "_id", Value: "built"}}); err != nil {
		return 0, wrap(err, "reset search state")
	}
	for i := range db.searchTerms {
		if err := db.searchTerms[i].Drop(ctx); err != nil {
			return 0, wrap(err, "drop search terms")
		}
		if err := db.searchSegments[i].Drop(ctx); err != nil {
			return 0, wrap(err, "drop search segments")
		}
	}
	const batch = 2000
	n := 0
	var segs []segmentDoc
	flush := func() error {
		n += len(segs)
		err := db.indexSegments(ctx, segs)
		segs = segs[:0]
		return err
	}
	cur, err := db.messages.Find(ctx, bson.D{})
	if err != nil {
		return 0, wrap(err, "read messages")
	}
	for cur.Next(ctx) {
		var m messageDoc
		if err := cur.Decode(&m); err != nil {
			_ = cur.Close(ctx)
			return n, wrap(err, "read messages")
		}
		if q, ok := searchable(&m); ok {
			segs = append(segs, q.doc())
		}
		if len(segs) >= batch {
			if err := flush(); err != nil {
				_ = cur.Close(ctx)
				return n, err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return n, wrap(err, "read messages")
	}
	_ = cur.Close(ctx)
	convs, err := db.findConversations(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "answers", Value: 1}, {Key: "createdAt", Value: 1}, {Key: "visitor", Value: 1}}))
	if err != nil {
		return n, err
	}
	for _, c := range convs {
		if text := chat.AnswersText(c.Answers); text != "" || c.Visitor.Name != "" {
			segs = append(segs, segmentDoc{ID: segmentID(c.ID, 0), Conv: c.ID, Kind: string(chat.SegmentAnswer), Text: text, At: c.CreatedAt, Name: c.Visitor.Name})
		}
		if len(segs) >= batch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := flush(); err != nil {
		return n, err
	}
	_, err = db.searchMeta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "built"}}, searchMetaDoc{ID: "built", BuiltAt: time.Now().UTC()}, options.Replace().SetUpsert(true))
	return n, wrap(err, "mark search built")
}

// RequeueForSearch queues one stored message again (desk: a resend). The
// indexer skips a segment it already holds, so a message indexed before
// adds no posting.
func (db *DB) RequeueForSearch(ctx context.Context, m *chat.Message) error {
	if db.noSearchQueue {
		return nil
	}
	d := toMessageDoc(m)
	q, ok := searchable(&d)
	if !ok {
		return nil
	}
	_, err := db.searchQueue.InsertOne(ctx, newJob([]queuedSegment{q}))
	return wrap(err, "queue for search")
}

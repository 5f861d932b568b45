// Package mongo implements desk.Store on MongoDB (and on FerretDB v1, which
// the tests run against). Documents are explicit bson structs of this
// package: nothing a user sends is ever decoded into an untyped map, so no
// "$" operator can reach a query.
package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Collection names.
const (
	collConversations = "conversations"
	collMessages      = "messages"
	collAgents        = "agents"
	collFormFields    = "form_fields"
	collSettings      = "settings"
	collCanned        = "canned_replies"
)

// Options tunes the message group-commit batcher. Zero values take defaults.
type Options struct {
	// MaxBatch flushes as soon as this many messages are queued (default 256).
	MaxBatch int
	// FlushInterval flushes this long after the first message of a batch was
	// queued, full or not (default 2ms).
	FlushInterval time.Duration
	// MaxInFlight is how many flushes may run at once, so one slow InsertMany
	// does not stall every sender (default 4).
	MaxInFlight int
	// WriteTimeout bounds one flush, independent of the callers' contexts so
	// that one sender giving up does not abort the others' writes (default 10s).
	WriteTimeout time.Duration
	// OnFlush, when set, is called after every flush with the batch size, the
	// time the InsertMany took and the error that failed the whole batch (nil
	// when the batch reached the server, even if some documents were refused
	// as duplicates). It runs on the flushing goroutine: keep it cheap.
	OnFlush func(n int, d time.Duration, err error)
	// SearchShards is how many collections the search index's terms, and
	// as many its segments, are spread over (default DefaultSearchShards;
	// docs/search.md). Every node of a cluster must use the same value.
	SearchShards int
	// NoSearchQueue leaves messages out of the search queue. Only the
	// search benchmark sets it, to measure what queueing adds to a flush.
	NoSearchQueue bool
}

func (o Options) withDefaults() Options {
	if o.MaxBatch <= 0 {
		o.MaxBatch = 256
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = 2 * time.Millisecond
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 4
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.SearchShards <= 0 {
		o.SearchShards = DefaultSearchShards
	}
	return o
}

// DB is the MongoDB store. It is safe for concurrent use.
type DB struct {
	client        *mongo.Client
	db            *mongo.Database
	conversations *mongo.Collection
	messages      *mongo.Collection
	agents        *mongo.Collection
	formFields    *mongo.Collection
	settings      *mongo.Collection
	canned        *mongo.Collection
	batcher       *batcher
	// The search index (search.go).
	searchQueue    *mongo.Collection
	searchMeta     *mongo.Collection
	searchTerms    []*mongo.Collection
	searchSegments []*mongo.Collection
	noSearchQueue  bool
	closeOnce      sync.Once
	closeErr       error
	// wholeDocumentUpdates: the server is FerretDB, whose update rewrites
	// the whole document (two updates racing on one document lose one, even
	// on different fields). MongoDB applies $set field by field.
	wholeDocumentUpdates bool
}

// Open connects to uri and uses database. It pings the server so a wrong
// address fails at start-up rather than on the first message; call
// EnsureIndexes next.
func Open(ctx context.Context, uri, database string, opts Options) (*DB, error) {
	// Fail fast when MongoDB is away: a send must be refused with
	// "unavailable" in seconds, not wait out the driver's 30 s default.
	// Values in the URI (serverSelectionTimeoutMS...) still win.
	co := options.Client().
		SetServerSelectionTimeout(3 * time.Second).
		SetConnectTimeout(3 * time.Second).
		ApplyURI(uri)
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo: ping: %w", err)
	}
	db := newDB(client, database, opts)
	var info struct {
		FerretDBVersion string `bson:"ferretdbVersion"`
	}
	if err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo: buildInfo: %w", err)
	}
	db.wholeDocumentUpdates = info.FerretDBVersion != ""
	return db, nil
}

// PartialUpdatesAtomic reports whether updates of different fields of one
// document never lose each other (MongoDB: yes; FerretDB: no).
func (db *DB) PartialUpdatesAtomic() bool { return !db.wholeDocumentUpdates }

func newDB(client *mongo.Client, database string, opts Options) *DB {
	d := client.Database(database)
	db := &DB{
		client:        client,
		db:            d,
		conversations: d.Collection(collConversations),
		messages:      d.Collection(collMessages),
		agents:        d.Collection(collAgents),
		formFields:    d.Collection(collFormFields),
		settings:      d.Collection(collSettings),
		canned:        d.Collection(collCanned),
	}
	opts = opts.withDefaults()
	db.openSearch(d, opts.SearchShards)
	db.noSearchQueue = opts.NoSearchQueue
	db.batcher = newBatcher(opts, db.insertMessages)
	return db
}

// Ping checks that the server answers.
func (db *DB) Ping(ctx context.Context) error {
	return wrap(db.client.Ping(ctx, readpref.Primary()), "ping")
}

// Close flushes the messages already queued, waits for the flushes in flight,
// then disconnects. Inserts arriving after Close starts fail. If ctx ends
// first, Close disconnects anyway and the unfinished writes fail.
func (db *DB) Close(ctx context.Context) error {
	db.closeOnce.Do(func() {
		err := db.batcher.close(ctx)
		if derr := db.client.Disconnect(ctx); err == nil {
			err = derr
		}
		db.closeErr = err
	})
	return db.closeErr
}

// Drop deletes the whole database. It exists for tests, which give each test
// its own database and drop it afterwards; nothing in the service calls it.
func (db *DB) Drop(ctx context.Context) error {
	return wrap(db.db.Drop(ctx), "drop database")
}

type indexSpec struct {
	coll   *mongo.Collection
	name   string
	keys   bson.D
	unique bool
}

func (db *DB) indexSpecs() []indexSpec {
	return []indexSpec{
		{db.messages, idxConvClient, bson.D{{Key: "conversationId", Value: 1}, {Key: "clientId", Value: 1}}, true},
		// Also serves MessagesAfter and MaxSeq.
		{db.messages, idxConvSeq, bson.D{{Key: "conversationId", Value: 1}, {Key: "seq", Value: 1}}, true},
		{db.agents, idxEmail, bson.D{{Key: "email", Value: 1}}, true},
		{db.formFields, idxKey, bson.D{{Key: "key", Value: 1}}, true},
		{db.conversations, "status_createdAt", bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: 1}}, false},
		{db.conversations, "assigneeId_status", bson.D{{Key: "assigneeId", Value: 1}, {Key: "status", Value: 1}}, false},
		// The _id suffix matches the keyset pagination's tie-break.
		{db.conversations, "updatedAt", bson.D{{Key: "updatedAt", Value: -1}, {Key: "_id", Value: -1}}, false},
		{db.conversations, "createdAt", bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false},
		{db.conversations, "priority_updatedAt", bson.D{{Key: "priorityRank", Value: -1}, {Key: "updatedAt", Value: -1}, {Key: "_id", Value: -1}}, false},
		// A shortcut is unique per scope: ownerId "" (shared) or one agent.
		{db.canned, idxOwnerShortcut, bson.D{{Key: "ownerId", Value: 1}, {Key: "shortcut", Value: 1}}, true},
	}
}

// EnsureIndexes creates the indexes if they are missing. It is idempotent and
// safe when several nodes start at once: creating an index that exists with
// the same keys and options succeeds. Indexes are created one by one because
// FerretDB v1 drops the connection when one createIndexes command lists
// several indexes that all exist already; single ones are fine, even racing.
func (db *DB) EnsureIndexes(ctx context.Context) error {
	for _, s := range append(append(db.indexSpecs(), db.complianceIndexes()...), db.integrationIndexes()...) {
		model := mongo.IndexModel{Keys: s.keys, Options: options.Index().SetName(s.name)}
		if s.unique {
			model.Options.SetUnique(true)
		}
		var err error
		for attempt := 0; attempt < 3; attempt++ {
			if _, err = s.coll.Indexes().CreateOne(ctx, model); err == nil || !retryable(err) {
				break
			}
			select {
			case <-ctx.Done():
				return wrap(ctx.Err(), "create indexes")
			case <-time.After(time.Duration(attempt+1) * 50 * time.Millisecond):
			}
		}
		if err != nil {
			return fmt.Errorf("mongo: create index %s.%s: %w", s.coll.Name(), s.name, err)
		}
	}
	return db.backfillPriority(ctx)
}

// backfillPriority gives conversations stored before priorities existed the
// default priority, so sort=priority (which orders by priorityRank) places
// them with the normal ones instead of below low. It touches only documents
// missing the field: after the first start it matches nothing, and racing
// nodes write the same values.
func (db *DB) backfillPriority(ctx context.Context) error {
	_, err := db.conversations.UpdateMany(ctx,
		bson.D{{Key: "priorityRank", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "priority", Value: "normal"}, {Key: "priorityRank", Value: 1}}}})
	return wrap(err, "backfill priority")
}

// retryable reports errors worth one more try at start-up: a dropped
// connection or a timeout, typically while several nodes race.
func retryable(err error) bool {
	return mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded)
}

// newID returns 24 random hex characters, the length of an ObjectID, for
// domain objects that arrive without an id.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

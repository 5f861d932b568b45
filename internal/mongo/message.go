package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

type messageDoc struct {
	ID             string         `bson:"_id"`
	ConversationID string         `bson:"conversationId"`
	Seq            int64          `bson:"seq"`
	ClientID       string         `bson:"clientId"`
	SenderType     string         `bson:"senderType"`
	SenderID       string         `bson:"senderId"`
	SenderName     string         `bson:"senderName"`
	Text           string         `bson:"text"`
	Kind           string         `bson:"kind,omitempty"`
	Attachment     *attachmentDoc `bson:"attachment,omitempty"`
	Notice         *noticeDoc     `bson:"notice,omitempty"`
	Note           *noteDoc       `bson:"note,omitempty"`
	CreatedAt      time.Time      `bson:"createdAt"`
}

type noteDoc struct {
	AfterSeq int64    `bson:"afterSeq"`
	Mentions []string `bson:"mentions,omitempty"`
}

type noticeDoc struct {
	Code  string `bson:"code"`
	Name  string `bson:"name,omitempty"`
	Stars int    `bson:"stars,omitempty"`
}

type attachmentDoc struct {
	ID          string `bson:"id"`
	Name        string `bson:"name"`
	Size        int64  `bson:"size"`
	ContentType string `bson:"contentType"`
	Width       int    `bson:"width,omitempty"`
	Height      int    `bson:"height,omitempty"`
	Thumbnail   bool   `bson:"thumbnail,omitempty"`
}

func toMessageDoc(m *chat.Message) messageDoc {
	return messageDoc{
		ID:             m.ID,
		ConversationID: m.ConversationID,
		Seq:            m.Seq,
		ClientID:       m.ClientID,
		SenderType:     string(m.SenderType),
		SenderID:       m.SenderID,
		SenderName:     m.SenderName,
		Text:           m.Text,
		Kind:           string(m.Kind),
		Attachment:     toAttachmentDoc(m.Attachment),
		Notice:         (*noticeDoc)(m.Notice),
		Note:           (*noteDoc)(m.Note),
		CreatedAt:      m.CreatedAt,
	}
}

func toAttachmentDoc(a *chat.Attachment) *attachmentDoc {
	if a == nil {
		return nil
	}
	d := attachmentDoc(*a)
	return &d
}

func (d *messageDoc) toDomain() *chat.Message {
	kind := chat.MessageKind(d.Kind)
	if kind == "" {
		kind = chat.KindText // stored before attachments existed
	}
	var att *chat.Attachment
	if d.Attachment != nil {
		a := chat.Attachment(*d.Attachment)
		att = &a
	}
	var notice *chat.Notice
	if d.Notice != nil {
		n := chat.Notice(*d.Notice)
		notice = &n
	}
	var note *chat.NoteInfo
	if d.Note != nil {
		n := chat.NoteInfo(*d.Note)
		note = &n
	}
	return &chat.Message{
		Note:           note,
		Kind:           kind,
		Attachment:     att,
		Notice:         notice,
		ID:             d.ID,
		ConversationID: d.ConversationID,
		Seq:            d.Seq,
		ClientID:       d.ClientID,
		SenderType:     chat.SenderType(d.SenderType),
		SenderID:       d.SenderID,
		SenderName:     d.SenderName,
		Text:           d.Text,
		CreatedAt:      d.CreatedAt,
	}
}

// errDuplicateMessageID: the caller reused a message _id. Ids are random, so
// this is a bug upstream, not a resend (a resend carries the same clientId).
var errDuplicateMessageID = errors.New("mongo: duplicate message id")

// InsertMessage stores m through the group-commit batcher and returns once
// it is stored or refused: chat.ErrDuplicateClientID or chat.ErrDuplicateSeq
// for a unique-index refusal, another error when the batch failed as a whole
// (server down, timeout), which the service reports as unavailable. Such an
// error does not prove the message was not stored (a connection can drop
// after the write): the sender resends with the same clientId and learns the
// truth from chat.ErrDuplicateClientID.
//
// When ctx ends first, InsertMessage returns ctx's error at once, but a
// message already handed to the batcher is still written: seqs must stay
// gap-free, and a resend with the same clientId is refused as a duplicate,
// so the sender can always find out what happened.
func (db *DB) InsertMessage(ctx context.Context, m *chat.Message) error {
	if m.ID == "" {
		m.ID = newID()
	}
	return db.batcher.insert(ctx, toMessageDoc(m))
}

// insertMessages is the batcher's flush: one unordered InsertMany, so a
// refused document does not stop the others. It returns one error per
// document (nil when stored), or a single error when nothing can be said per
// document.
func (db *DB) insertMessages(ctx context.Context, docs []messageDoc) ([]error, error) {
	batch := make([]any, len(docs))
	for i := range docs {
		batch[i] = docs[i]
	}
	_, err := db.messages.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
	if err == nil {
		errs := make([]error, len(docs))
		return errs, db.enqueueMessages(ctx, docs, errs)
	}
	var bwe mongo.BulkWriteException
	// A write-concern error means the writes are not known to be durable;
	// without write errors there is nothing per document either.
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return nil, err
	}
	errs := make([]error, len(docs))
	var unnamed []int // duplicates whose index the server did not name (FerretDB)
	for _, we := range bwe.WriteErrors {
		if we.Index < 0 || we.Index >= len(docs) {
			return nil, err // cannot attribute it: fail everyone rather than guess
		}
		if !isDuplicateCode(we.Code) && !isDuplicateMessage(we.Message) {
			errs[we.Index] = wrap(we, "insert message")
			continue
		}
		switch duplicateIndexOf(we.Message) {
		case idxConvClient:
			errs[we.Index] = chat.ErrDuplicateClientID
		case idxConvSeq:
			errs[we.Index] = chat.ErrDuplicateSeq
		case idxID:
			errs[we.Index] = errDuplicateMessageID
		default:
			unnamed = append(unnamed, we.Index)
		}
	}
	if len(unnamed) > 0 {
		db.resolveDuplicates(ctx, docs, unnamed, errs)
	}
	return errs, db.enqueueMessages(ctx, docs, errs)
}

// resolveDuplicates finds which unique index refused each document when the
// server did not say (FerretDB's insert errors name only the collection). It
// looks the conflicting documents up, two queries for the whole batch: first
// by clientId, because a resend that also reuses its seq is a duplicate
// clientId for the service, then by seq. The conflicting document is stored
// already, also when it came in the same batch.
func (db *DB) resolveDuplicates(ctx context.Context, docs []messageDoc, idx []int, errs []error) {
	type pair struct {
		conv string
		key  any
	}
	lookup := func(field string, idx []int, key func(d messageDoc) any) (map[pair]bool, error) {
		or := make(bson.A, 0, len(idx))
		for _, i := range idx {
			or = append(or, bson.D{{Key: "conversationId", Value: docs[i].ConversationID}, {Key: field, Value: key(docs[i])}})
		}
		cur, err := db.messages.Find(ctx, bson.D{{Key: "$or", Value: or}},
			options.Find().SetProjection(bson.D{{Key: "conversationId", Value: 1}, {Key: field, Value: 1}}))
		if err != nil {
			return nil, err
		}
		var found []messageDoc
		if err := cur.All(ctx, &found); err != nil {
			return nil, err
		}
		seen := make(map[pair]bool, len(found))
		for _, f := range found {
			seen[pair{f.ConversationID, key(f)}] = true
		}
		return seen, nil
	}
	byClient, err := lookup("clientId", idx, func(d messageDoc) any { return d.ClientID })
	if err != nil {
		for _, i := range idx {
			errs[i] = wrap(err, "resolve duplicate message")
		}
		return
	}
	var rest []int
	for _, i := range idx {
		if byClient[pair{docs[i].ConversationID, docs[i].ClientID}] {
			errs[i] = chat.ErrDuplicateClientID
		} else {
			rest = append(rest, i)
		}
	}
	if len(rest) == 0 {
		return
	}
	bySeq, err := lookup("seq", rest, func(d messageDoc) any { return d.Seq })
	for _, i := range rest {
		switch {
		case err != nil:
			errs[i] = wrap(err, "resolve duplicate message")
		case bySeq[pair{docs[i].ConversationID, docs[i].Seq}]:
			errs[i] = chat.ErrDuplicateSeq
		default:
			errs[i] = errDuplicateMessageID
		}
	}
}

// MessageByClientID returns chat.ErrNotFound when no such message is stored.
func (db *DB) MessageByClientID(ctx context.Context, conversationID, clientID string) (*chat.Message, error) {
	var d messageDoc
	err := db.messages.FindOne(ctx, bson.D{{Key: "conversationId", Value: conversationID}, {Key: "clientId", Value: clientID}}).Decode(&d)
	if err != nil {
		return nil, notFound(err, "find message")
	}
	return d.toDomain(), nil
}

// maxReplay bounds one MessagesAfter page; a reconnecting client pages on.
const maxReplay = 500

// MessagesAfter returns up to limit messages with seq > after, by seq. A
// limit <= 0 or above 500 means 500.
func (db *DB) MessagesAfter(ctx context.Context, conversationID string, after int64, limit int) ([]*chat.Message, error) {
	if limit <= 0 || limit > maxReplay {
		limit = maxReplay
	}
	return findAll[messageDoc, *chat.Message](ctx, db.messages,
		bson.D{{Key: "conversationId", Value: conversationID}, {Key: "seq", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(int64(limit)), "messages")
}

// MaxSeq returns the highest stored seq of a conversation, 0 when it has no
// message. The sequencer uses it to recover when Redis lost its counter.
// ($group $max is not available on FerretDB v1; a sort is, and uses the
// uniq_conv_seq index on MongoDB.)
func (db *DB) MaxSeq(ctx context.Context, conversationID string) (int64, error) {
	var d struct {
		Seq int64 `bson:"seq"`
	}
	err := db.messages.FindOne(ctx, bson.D{{Key: "conversationId", Value: conversationID}},
		options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}}).SetProjection(bson.D{{Key: "seq", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, wrap(err, "max seq")
	}
	return max(d.Seq, 0), nil // only notes (negative seqs): no message
}

// maxNotes bounds Notes.
const maxNotes = 1000

// Notes returns a conversation's internal notes (negative seqs) in the
// order they were written, at most 1000.
func (db *DB) Notes(ctx context.Context, conversationID string) ([]*chat.Message, error) {
	return findAll[messageDoc, *chat.Message](ctx, db.messages,
		bson.D{{Key: "conversationId", Value: conversationID}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: 0}}}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: -1}}).SetLimit(maxNotes), "notes")
}

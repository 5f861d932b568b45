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

// collContacts holds one index document per contact (chat.ContactIndex),
// by _id: the contact key. Read and written by _id only; the desk holds
// the contact's Redis lock around every read-modify-write.
const collContacts = "contacts"

// contactsBackfilled is the _id of the marker written once the startup
// backfill finished; no contact key can take it (keys are digits or "c:…").
const contactsBackfilled = "~backfilled"

type contactEntryDoc struct {
	ID        string    `bson:"id"`
	CreatedAt time.Time `bson:"createdAt"`
}

type contactDoc struct {
	ID            string            `bson:"_id"`
	Conversations []contactEntryDoc `bson:"conversations"`
	FirstSeen     time.Time         `bson:"firstSeen"`
}

// ContactIndex returns nil when the contact has no document.
func (db *DB) ContactIndex(ctx context.Context, key string) (*chat.ContactIndex, error) {
	var d contactDoc
	err := db.db.Collection(collContacts).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(err, "find contact")
	}
	x := &chat.ContactIndex{Key: d.ID, FirstSeen: d.FirstSeen.UTC(), Conversations: make([]chat.ContactEntry, 0, len(d.Conversations))}
	for _, e := range d.Conversations {
		x.Conversations = append(x.Conversations, chat.ContactEntry{ID: e.ID, CreatedAt: e.CreatedAt.UTC()})
	}
	return x, nil
}

// SaveContactIndex replaces (or creates) the contact's document.
func (db *DB) SaveContactIndex(ctx context.Context, x *chat.ContactIndex) error {
	d := contactDoc{ID: x.Key, FirstSeen: x.FirstSeen, Conversations: make([]contactEntryDoc, 0, len(x.Conversations))}
	for _, e := range x.Conversations {
		d.Conversations = append(d.Conversations, contactEntryDoc{ID: e.ID, CreatedAt: e.CreatedAt})
	}
	_, err := db.db.Collection(collContacts).ReplaceOne(ctx, bson.D{{Key: "_id", Value: x.Key}}, d, options.Replace().SetUpsert(true))
	return wrap(err, "save contact")
}

// DeleteContactIndex removes the contact's document; missing is fine.
func (db *DB) DeleteContactIndex(ctx context.Context, key string) error {
	_, err := db.db.Collection(collContacts).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return wrap(err, "delete contact")
}

// SetConversationContact sets the conversation's contact key and place.
func (db *DB) SetConversationContact(ctx context.Context, id, key string, place int) error {
	res, err := db.conversations.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "contactKey", Value: key},
		{Key: "contactConversations", Value: place},
		{Key: "returning", Value: place > 1},
	}}})
	if err != nil {
		return wrap(err, "set conversation contact")
	}
	if res.MatchedCount == 0 {
		return chat.ErrNotFound
	}
	return nil
}

// UnindexedConversations finds conversations stored before contacts
// existed: a phone and no contactKey field (new ones always have it).
func (db *DB) UnindexedConversations(ctx context.Context, limit int) ([]*chat.Conversation, error) {
	return db.findConversations(ctx, bson.D{
		{Key: "contactKey", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "visitor.phone", Value: bson.D{{Key: "$ne", Value: ""}}},
	}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// ContactsBackfilled reports whether the marker is there.
func (db *DB) ContactsBackfilled(ctx context.Context) (bool, error) {
	err := db.db.Collection(collContacts).FindOne(ctx, bson.D{{Key: "_id", Value: contactsBackfilled}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, wrap(err, "find contacts marker")
}

// MarkContactsBackfilled writes the marker (twice is fine).
func (db *DB) MarkContactsBackfilled(ctx context.Context) error {
	_, err := db.db.Collection(collContacts).ReplaceOne(ctx, bson.D{{Key: "_id", Value: contactsBackfilled}},
		bson.D{{Key: "_id", Value: contactsBackfilled}, {Key: "conversations", Value: bson.A{}}}, options.Replace().SetUpsert(true))
	return wrap(err, "mark contacts backfilled")
}

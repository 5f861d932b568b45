package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// cannedDoc is one canned reply. ownerId "" is the shared scope; the unique
// index uniq_owner_shortcut keeps shortcuts unique per scope, which settles
// racing creates (and renames) without a read-modify-write.
type cannedDoc struct {
	ID        string    `bson:"_id"`
	Shortcut  string    `bson:"shortcut"`
	Title     string    `bson:"title"`
	Text      string    `bson:"text"`
	OwnerID   string    `bson:"ownerId"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func toCannedDoc(r *chat.CannedReply) cannedDoc {
	return cannedDoc{ID: r.ID, Shortcut: r.Shortcut, Title: r.Title, Text: r.Text, OwnerID: r.OwnerID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (d *cannedDoc) toDomain() *chat.CannedReply {
	return &chat.CannedReply{ID: d.ID, Shortcut: d.Shortcut, Title: d.Title, Text: d.Text, OwnerID: d.OwnerID, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// CannedReplies returns the replies of the given owners ("" for shared),
// by shortcut then owner (shared before personal for the same shortcut).
func (db *DB) CannedReplies(ctx context.Context, ownerIDs []string) ([]*chat.CannedReply, error) {
	in := make(bson.A, 0, len(ownerIDs))
	for _, id := range ownerIDs {
		in = append(in, id)
	}
	return findAll[cannedDoc, *chat.CannedReply](ctx, db.canned, bson.D{{Key: "ownerId", Value: bson.D{{Key: "$in", Value: in}}}},
		options.Find().SetSort(bson.D{{Key: "shortcut", Value: 1}, {Key: "ownerId", Value: 1}}), "canned replies")
}

// CannedReply returns chat.ErrNotFound when id is unknown.
func (db *DB) CannedReply(ctx context.Context, id string) (*chat.CannedReply, error) {
	var d cannedDoc
	if err := db.canned.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, notFound(err, "find canned reply")
	}
	return d.toDomain(), nil
}

// CreateCannedReply returns chat.ErrDuplicateShortcut when the scope has
// that shortcut already.
func (db *DB) CreateCannedReply(ctx context.Context, r *chat.CannedReply) error {
	if r.ID == "" {
		r.ID = newID()
	}
	_, err := db.canned.InsertOne(ctx, toCannedDoc(r))
	if dup, idx := duplicateIndex(err); dup && idx != idxID {
		return chat.ErrDuplicateShortcut
	}
	return wrap(err, "create canned reply")
}

// UpdateCannedReply replaces the reply with r's id; chat.ErrNotFound when
// missing, chat.ErrDuplicateShortcut when the new shortcut is taken.
func (db *DB) UpdateCannedReply(ctx context.Context, r *chat.CannedReply) error {
	res, err := db.canned.ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}}, toCannedDoc(r))
	if dup, _ := duplicateIndex(err); dup {
		return chat.ErrDuplicateShortcut
	}
	return writtenOne(res, err, "update canned reply")
}

// DeleteCannedReply returns chat.ErrNotFound when id is unknown.
func (db *DB) DeleteCannedReply(ctx context.Context, id string) error {
	res, err := db.canned.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return writtenOne(res, err, "delete canned reply")
}

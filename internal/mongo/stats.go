package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// ConversationsCreatedBetween returns the conversations created in
// [from, to), with only the fields statistics need: one date-range find,
// no aggregation (FerretDB's $group lacks $min/$max/$avg, and medians need
// every value anyway). It is an admin report, not a hot path.
func (db *DB) ConversationsCreatedBetween(ctx context.Context, from, to time.Time) ([]*chat.Conversation, error) {
	proj := bson.D{}
	for _, f := range []string{"status", "assigneeId", "assigneeName", "createdAt", "updatedAt", "resolvedAt", "firstResolvedAt", "firstResponseAt", "rating", "priority", "tags", "leftMessage"} {
		proj = append(proj, bson.E{Key: f, Value: 1})
	}
	return db.findConversations(ctx,
		bson.D{{Key: "createdAt", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}},
		options.Find().SetProjection(proj).SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
}

// CountWaiting counts the conversations in the queue now.
func (db *DB) CountWaiting(ctx context.Context) (int, error) {
	n, err := db.conversations.CountDocuments(ctx, bson.D{{Key: "status", Value: string(chat.StatusWaiting)}})
	return int(n), wrap(err, "count waiting")
}

package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// document is a stored shape D that reads back as the domain value T.
type document[D, T any] interface {
	*D
	toDomain() T
}

// findAll runs a find on coll and returns every document found as a domain
// value, never nil; what names the documents in errors ("agents").
func findAll[D, T any, PD document[D, T]](ctx context.Context, coll *mongo.Collection, filter any, opts *options.FindOptionsBuilder, what string) ([]T, error) {
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, wrap(err, "find "+what)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap(err, "read "+what)
	}
	out := make([]T, 0, len(docs))
	for i := range docs {
		out = append(out, PD(&docs[i]).toDomain())
	}
	return out, nil
}

// writtenOne is the answer of a write to one document by id (an update, a
// replace, a delete): the write's error, else chat.ErrNotFound when no
// document had the id.
func writtenOne[R *mongo.UpdateResult | *mongo.DeleteResult](res R, err error, what string) error {
	if err != nil {
		return wrap(err, what)
	}
	var n int64
	switch r := any(res).(type) {
	case *mongo.UpdateResult:
		n = r.MatchedCount
	case *mongo.DeleteResult:
		n = r.DeletedCount
	}
	if n == 0 {
		return chat.ErrNotFound
	}
	return nil
}

package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// formFieldDoc is one pre-chat form field. Its _id is its key, so the key is
// unique through _id as well as the uniq_key index, and racing inserts of
// the same field leave one copy whatever the server reports.
type formFieldDoc struct {
	ID       string   `bson:"_id"`
	Key      string   `bson:"key"`
	Label    string   `bson:"label"`
	Type     string   `bson:"type"`
	Required bool     `bson:"required"`
	Options  []string `bson:"options"`
	Order    int      `bson:"order"`
	Enabled  bool     `bson:"enabled"`
	Builtin  bool     `bson:"builtin"`
}

func toFormFieldDoc(f chat.FormField) formFieldDoc {
	opts := f.Options
	if opts == nil {
		opts = []string{} // stored as [] so clients always get a list
	}
	return formFieldDoc{ID: f.Key, Key: f.Key, Label: f.Label, Type: string(f.Type), Required: f.Required,
		Options: opts, Order: f.Order, Enabled: f.Enabled, Builtin: f.Builtin}
}

func (d *formFieldDoc) toDomain() chat.FormField {
	opts := d.Options
	if opts == nil {
		opts = []string{}
	}
	return chat.FormField{Key: d.Key, Label: d.Label, Type: chat.FieldType(d.Type), Required: d.Required,
		Options: opts, Order: d.Order, Enabled: d.Enabled, Builtin: d.Builtin}
}

// FormFields returns every field, enabled or not, by order then key.
func (db *DB) FormFields(ctx context.Context) ([]chat.FormField, error) {
	return findAll[formFieldDoc, chat.FormField](ctx, db.formFields, bson.D{},
		options.Find().SetSort(bson.D{{Key: "order", Value: 1}, {Key: "key", Value: 1}}), "form fields")
}

// EnsureFormFields seeds defs when the collection holds no field. Nodes
// starting together may all see it empty and all insert: the unique key
// refuses the extra copies, and those refusals are ignored.
func (db *DB) EnsureFormFields(ctx context.Context, defs []chat.FormField) error {
	err := db.formFields.FindOne(ctx, bson.D{}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return wrap(err, "check form fields")
	}
	if len(defs) == 0 {
		return nil
	}
	docs := make([]any, len(defs))
	for i, f := range defs {
		docs[i] = toFormFieldDoc(f)
	}
	_, err = db.formFields.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if err == nil || !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return wrap(err, "seed form fields")
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicateCode(we.Code) && !isDuplicateMessage(we.Message) {
			return wrap(err, "seed form fields")
		}
	}
	return nil
}

// CreateFormField returns chat.ErrDuplicateKey when the key is taken.
func (db *DB) CreateFormField(ctx context.Context, f chat.FormField) error {
	_, err := db.formFields.InsertOne(ctx, toFormFieldDoc(f))
	if dup, _ := duplicateIndex(err); dup {
		return chat.ErrDuplicateKey
	}
	return wrap(err, "create form field")
}

// UpdateFormField replaces the field with f's key; it returns chat.ErrNotFound
// when no field has that key.
func (db *DB) UpdateFormField(ctx context.Context, f chat.FormField) error {
	res, err := db.formFields.ReplaceOne(ctx, bson.D{{Key: "_id", Value: f.Key}}, toFormFieldDoc(f))
	return writtenOne(res, err, "update form field")
}

// DeleteFormField removes the field with key; it returns chat.ErrNotFound
// when there is none, so an admin's stale screen gets a clear answer.
func (db *DB) DeleteFormField(ctx context.Context, key string) error {
	res, err := db.formFields.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return writtenOne(res, err, "delete form field")
}

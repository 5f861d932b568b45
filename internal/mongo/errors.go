package mongo

import (
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Names of the unique indexes. They are distinctive on purpose: MongoDB puts
// the index name in its duplicate-key message ("... index: uniq_conv_seq dup
// key: ..."), FerretDB's SQLite backend puts it in the constraint name of a
// failed update ("UNIQUE constraint failed: index 'agents_9f21b24f_uniq_email'"),
// and a substring match finds it in both.
const (
	idxConvClient    = "uniq_conv_client"
	idxConvSeq       = "uniq_conv_seq"
	idxEmail         = "uniq_email"
	idxKey           = "uniq_key"
	idxOwnerShortcut = "uniq_owner_shortcut"
	idxID            = "_id_"
)

// isDuplicateCode: 11000 is MongoDB's duplicate-key error code; 11001 and 12582 are
// older spellings of the same error that some servers still send.
func isDuplicateCode(code int) bool { return code == 11000 || code == 11001 || code == 12582 }

// isDuplicateMessage recognises a unique-index violation from its text. It is
// needed because FerretDB v1 reports a unique violation during an update or
// replace as an InternalError carrying SQLite's message, not as code 11000.
func isDuplicateMessage(msg string) bool {
	return strings.Contains(msg, "E11000") || strings.Contains(msg, "UNIQUE constraint failed")
}

// duplicateIndexOf returns the name of the unique index a duplicate-key
// message names, or "" when it names none. FerretDB's insert path says only
// "E11000 duplicate key error collection: db.coll", so "" is a normal answer
// there and callers must disambiguate another way.
func duplicateIndexOf(msg string) string {
	for _, name := range []string{idxConvClient, idxConvSeq, idxEmail, idxKey, idxOwnerShortcut} {
		if strings.Contains(msg, name) {
			return name
		}
	}
	if strings.Contains(msg, "index: "+idxID) || strings.Contains(msg, "index: _id ") {
		return idxID
	}
	return ""
}

// duplicateIndex reports whether err is a unique-index violation and, when
// the server says which index, its name.
func duplicateIndex(err error) (dup bool, index string) {
	if err == nil {
		return false, ""
	}
	var we mongo.WriteException
	if errors.As(err, &we) {
		for _, e := range we.WriteErrors {
			if isDuplicateCode(e.Code) || isDuplicateMessage(e.Message) {
				return true, duplicateIndexOf(e.Message)
			}
		}
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) {
		for _, e := range bwe.WriteErrors {
			if isDuplicateCode(e.Code) || isDuplicateMessage(e.Message) {
				return true, duplicateIndexOf(e.Message)
			}
		}
	}
	var ce mongo.CommandError
	if errors.As(err, &ce) && (isDuplicateCode(int(ce.Code)) || isDuplicateMessage(ce.Message)) {
		return true, duplicateIndexOf(ce.Message)
	}
	if mongo.IsDuplicateKeyError(err) || isDuplicateMessage(err.Error()) {
		return true, duplicateIndexOf(err.Error())
	}
	return false, ""
}

// notFound maps the driver's "no document" to the domain's not-found error so
// transports show the right status; any other error is returned wrapped.
func notFound(err error, what string) error {
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chat.ErrNotFound
	}
	return wrap(err, what)
}

// wrap adds the operation to a driver error; callers compare sentinels with
// errors.Is, so the cause stays in the chain.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return &opError{op: what, err: err}
}

type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return "mongo: " + e.op + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }

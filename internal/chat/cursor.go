package chat

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// PageCursor is the position after the last conversation of a page: its
// sort key and id (the tie-break), and for SortPriority its priority rank.
// Keyset pagination stays correct and cheap at any depth, unlike skip, and
// does not repeat rows when new ones arrive. Every Store pages with it, so
// a cursor means the same thing whichever adapter made it.
type PageCursor struct {
	Order SortOrder `json:"o"`
	Rank  int       `json:"r,omitempty"` // priority rank, for the priority order
	At    int64     `json:"t"`           // sort key, Unix milliseconds (BSON dates are ms)
	ID    string    `json:"i"`
}

// ErrBadCursor answers a cursor that is garbage or of another order: an
// input error, not an empty page.
var ErrBadCursor = &Error{Code: EINVALID, Message: "Con trỏ phân trang không hợp lệ."}

// ErrBadOrder answers a sort order the store does not know.
var ErrBadOrder = &Error{Code: EINVALID, Message: "Thứ tự sắp xếp không hợp lệ."}

// CursorAt is the position of a conversation in order: only the priority
// order keeps the rank.
func CursorAt(order SortOrder, rank int, at time.Time, id string) PageCursor {
	if order != SortPriority {
		rank = 0
	}
	return PageCursor{Order: order, Rank: rank, At: at.UnixMilli(), ID: id}
}

// Encode makes the opaque token handed to clients. It is not signed: a
// forged cursor can only select a different page of what the filter allows.
func (c PageCursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a token from Encode for order; a token of another
// order or garbage is ErrBadCursor. The rank of an order other than
// SortPriority reads as 0, whatever the token says.
func DecodeCursor(s string, order SortOrder) (PageCursor, error) {
	var c PageCursor
	if len(s) > 512 {
		return c, ErrBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, ErrBadCursor
	}
	if err := json.Unmarshal(b, &c); err != nil || c.Order != order || c.ID == "" || c.Rank < 0 || c.Rank > 3 {
		return PageCursor{}, ErrBadCursor
	}
	if order != SortPriority {
		c.Rank = 0
	}
	return c, nil
}

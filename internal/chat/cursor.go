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

// DefaultPageSize is the page size of a filter that asks for none.
const DefaultPageSize = 20

// PageSize is how many conversations a page of f holds: f.Limit, or
// DefaultPageSize when it asks for none, at most MaxPageSize.
func (f ConversationFilter) PageSize() int {
	if f.Limit <= 0 {
		return DefaultPageSize
	}
	return min(f.Limit, MaxPageSize)
}

// SortKey is the time order sorts conversations by, after the rank for
// SortPriority: the creation for SortCreatedDesc, the latest activity
// otherwise.
func SortKey(order SortOrder, c *Conversation) time.Time {
	if order == SortCreatedDesc {
		return c.CreatedAt
	}
	return c.UpdatedAt
}

// CursorOf is where c stands in order: only the priority order keeps the
// rank.
func CursorOf(order SortOrder, c *Conversation) PageCursor {
	rank := 0
	if order == SortPriority {
		rank = c.Priority.Rank()
	}
	return PageCursor{Order: order, Rank: rank, At: SortKey(order, c).UnixMilli(), ID: c.ID}
}

// CutPage makes a page of size rows from list, the conversations after the
// cursor in order, fetched with one row more than size: that row, when it
// came, says another page exists. next is the cursor of that page, "" when
// this one is the last.
func CutPage(list []*Conversation, size int, order SortOrder) (page []*Conversation, next string) {
	if len(list) <= size {
		return list, ""
	}
	list = list[:size]
	return list, CursorOf(order, list[size-1]).Encode()
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

package mongo

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// pageCursor is the position after the last conversation of a page: its sort
// key and _id (the tie-break). Keyset pagination stays correct and cheap at
// any depth, unlike skip, and does not repeat rows when new ones arrive.
type pageCursor struct {
	Order chat.SortOrder `json:"o"`
	Rank  int            `json:"r,omitempty"` // priority rank, for the priority order
	At    int64          `json:"t"`           // sort key, Unix milliseconds (BSON dates are ms)
	ID    string         `json:"i"`
}

var errBadCursor = &chat.Error{Code: chat.EINVALID, Message: "Con trỏ phân trang không hợp lệ."}

// encodeCursor makes the opaque token handed to clients. It is not signed:
// a forged cursor can only select a different page of what the filter allows.
func encodeCursor(order chat.SortOrder, rank int, at time.Time, id string) string {
	if order != chat.SortPriority {
		rank = 0
	}
	b, _ := json.Marshal(pageCursor{Order: order, Rank: rank, At: at.UnixMilli(), ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses a token from encodeCursor; a token of another order or
// garbage is an input error, not an empty page.
func decodeCursor(s string, order chat.SortOrder) (pageCursor, error) {
	var c pageCursor
	if len(s) > 512 {
		return c, errBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, errBadCursor
	}
	if err := json.Unmarshal(b, &c); err != nil || c.Order != order || c.ID == "" || c.Rank < 0 || c.Rank > 3 {
		return pageCursor{}, errBadCursor
	}
	return c, nil
}

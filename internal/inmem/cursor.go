package inmem

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// pageCursor is internal/mongo's keyset cursor, in the same encoding: the
// sort key of the last conversation of a page and its id. The same rules
// refuse a malformed cursor or one of another order.
type pageCursor struct {
	Order chat.SortOrder `json:"o"`
	Rank  int            `json:"r,omitempty"` // priority rank, for the priority order
	At    int64          `json:"t"`           // sort key, Unix milliseconds
	ID    string         `json:"i"`
}

var errBadCursor = &chat.Error{Code: chat.EINVALID, Message: "Con trỏ phân trang không hợp lệ."}

func encodeCursor(order chat.SortOrder, rank int, at time.Time, id string) string {
	if order != chat.SortPriority {
		rank = 0
	}
	b, _ := json.Marshal(pageCursor{Order: order, Rank: rank, At: at.UnixMilli(), ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

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

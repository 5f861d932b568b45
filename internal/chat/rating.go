package chat

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Rating is the visitor's verdict on a finished conversation. Rating again
// replaces it.
type Rating struct {
	Stars   int       `json:"stars"`
	Comment string    `json:"comment"`
	At      time.Time `json:"at"`
}

// MaxRatingComment is the longest rating comment, in runes.
const MaxRatingComment = 500

// CleanRating checks stars (1–5) and trims the comment (≤ 500 characters).
func CleanRating(stars int, comment string) (int, string, error) {
	fields := map[string]string{}
	if stars < 1 || stars > 5 {
		fields["stars"] = "Vui lòng chọn từ 1 đến 5 sao."
	}
	if !utf8.ValidString(comment) {
		fields["comment"] = "Nhận xét chứa ký tự không hợp lệ."
	} else if comment = strings.TrimSpace(CleanMultiline(comment)); utf8.RuneCountInString(comment) > MaxRatingComment {
		fields["comment"] = "Nhận xét tối đa 500 ký tự."
	}
	if len(fields) > 0 {
		return 0, "", &Error{Code: EINVALID, Message: "Đánh giá không hợp lệ.", Fields: fields}
	}
	return stars, comment, nil
}

// CanRate reports whether a conversation has been resolved at least once,
// the condition for its visitor to rate it.
func (c *Conversation) CanRate() bool {
	return c.Status == StatusResolved || c.ResolvedAt != nil || c.FirstResolvedAt != nil
}

// ErrRateTooEarly refuses a rating before the conversation has ended.
var ErrRateTooEarly = &Error{Code: ECONFLICT, Message: "Bạn có thể đánh giá sau khi cuộc trò chuyện kết thúc."}

package chat

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of a page report: a path with its query is rarely longer, and a
// title beyond this is clutter in the visitor panel.
const (
	MaxPagePath  = 500
	MaxPageTitle = 200
)

// PageView is the page a visitor in a conversation is looking at, as the
// widget reports it when they navigate.
type PageView struct {
	Path  string    `json:"path"` // URL path with query and hash, from "/"
	Title string    `json:"title"`
	At    time.Time `json:"at"`
}

// CleanPageView validates what the widget reports: a path that starts
// with "/" (never a full address: the site's origin is known), both parts
// bounded and free of control characters.
func CleanPageView(path, title string, at time.Time) (PageView, error) {
	path = strings.TrimSpace(path)
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || len(path) > MaxPagePath || !utf8.ValidString(path) || strings.IndexFunc(path, unicode.IsControl) >= 0 || strings.ContainsAny(path, " \\") {
		return PageView{}, &Error{Code: EINVALID, Message: "Địa chỉ trang không hợp lệ."}
	}
	title = strings.Join(strings.FieldsFunc(strings.ToValidUTF8(title, ""), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if utf8.RuneCountInString(title) > MaxPageTitle {
		title = string([]rune(title)[:MaxPageTitle])
	}
	return PageView{Path: path, Title: title, At: at.UTC()}, nil
}
